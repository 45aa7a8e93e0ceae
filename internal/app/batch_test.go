package app_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/devstack"
	"github.com/essaylab/teacher-bff/internal/testenv"
)

type batchDetail struct {
	Batch *struct {
		batchRow
		Essays []struct {
			ID                 string   `json:"id"`
			Filename           string   `json:"filename"`
			SpellcheckStatus   *string  `json:"spellcheckStatus"`
			CjAssessmentStatus *string  `json:"cjAssessmentStatus"`
			CjRank             *int     `json:"cjRank"`
			CjScore            *float64 `json:"cjScore"`
		} `json:"essays"`
	} `json:"batch"`
}

func TestBatchDetail(t *testing.T) {
	env := testenv.Start(t)
	own := env.Stack.Store.BatchIDs(devstack.TeacherWithOrg)[0]
	colleague := env.Stack.Store.BatchIDs(devstack.TeacherColleague)[0]
	b, _ := env.Stack.Store.Batch(own)

	t.Run("own batch with essays", func(t *testing.T) {
		var got batchDetail
		resp := env.Do(t, testenv.Request{
			Query:     testenv.Operation(t, "BatchDetail"),
			Variables: map[string]any{"id": own},
			Token:     env.Token(t, devstack.TeacherWithOrg),
		}, &got)
		require.Empty(t, resp.Errors)
		require.NotNil(t, got.Batch)
		assert.Equal(t, own, got.Batch.ID)
		require.Len(t, got.Batch.Essays, len(b.Essays))
		for i, e := range got.Batch.Essays {
			assert.Equal(t, b.Essays[i].ID, e.ID)
			assert.Equal(t, b.Essays[i].Filename, e.Filename)
		}
	})

	for _, tc := range []struct{ name, id string }{
		{"another teacher's batch", colleague},
		{"no such batch", "00000000-0000-4000-8000-000000000000"},
	} {
		t.Run(tc.name+" is null, indistinguishably", func(t *testing.T) {
			var got batchDetail
			resp := env.Do(t, testenv.Request{
				Query:     testenv.Operation(t, "BatchDetail"),
				Variables: map[string]any{"id": tc.id},
				Token:     env.Token(t, devstack.TeacherWithOrg),
			}, &got)
			assert.Empty(t, resp.Errors)
			assert.Nil(t, got.Batch)
			assert.JSONEq(t, `{"batch":null}`, string(resp.Data))
		})
	}

	t.Run("an id that is not a UUID is bad input, no upstream call", func(t *testing.T) {
		env.ResetCounts()
		resp := env.Do(t, testenv.Request{
			Query:     testenv.Operation(t, "BatchDetail"),
			Variables: map[string]any{"id": "../../etc/passwd"},
			Token:     env.Token(t, devstack.TeacherWithOrg),
		}, nil)
		assert.Equal(t, "BAD_USER_INPUT", resp.Code())
		assert.Zero(t, env.Stack.RAS.Count("batch-status"))
	})
}

// essays on list items are fetched per batch, only for the viewer's batches.
func TestEssaysOnAPage(t *testing.T) {
	env := testenv.Start(t)
	var got struct {
		Viewer struct {
			Batches struct {
				Nodes []struct {
					ID     string `json:"id"`
					Essays []struct {
						ID string `json:"id"`
					} `json:"essays"`
				} `json:"nodes"`
			} `json:"batches"`
		} `json:"viewer"`
	}
	resp := env.Do(t, testenv.Request{
		Query: `{ viewer { batches(limit: 3) { nodes { id essays { id } } } } }`,
		Token: env.Token(t, devstack.TeacherWithOrg),
	}, &got)
	require.Empty(t, resp.Errors)
	require.Len(t, got.Viewer.Batches.Nodes, 3)
	for _, n := range got.Viewer.Batches.Nodes {
		b, _ := env.Stack.Store.Batch(n.ID)
		assert.Len(t, n.Essays, len(b.Essays))
	}
	assert.Equal(t, 3, env.Stack.RAS.Count("batch-status"))
}
