package app_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/devstack"
	"github.com/essaylab/teacher-bff/internal/testenv"
)

type attentionItem struct {
	Reason   string     `json:"reason"`
	Deadline *time.Time `json:"deadline"`
	Batch    struct {
		batchRow
		StatusDetail *string `json:"statusDetail"`
	} `json:"batch"`
}

type needsAttention struct {
	Viewer struct {
		NeedsAttention *struct {
			TotalCount int             `json:"totalCount"`
			Complete   bool            `json:"complete"`
			Items      []attentionItem `json:"items"`
		} `json:"needsAttention"`
	} `json:"viewer"`
}

// expectedAttention is what the store says needs the teacher: batches
// awaiting student validation with pending matches, soonest deadline first,
// then failed batches, newest first.
func expectedAttention(env *testenv.Env, teacher string) (ids []string, deadlines []time.Time) {
	type due struct {
		id string
		at time.Time
	}
	var confirm []due
	var failed []string
	for _, id := range env.Stack.Store.BatchIDs(teacher) { // newest first
		b, _ := env.Stack.Store.Batch(id)
		switch b.Status {
		case devstack.StatusAwaitingStudentValidation:
			if v := b.Validation(); v != nil && v.DeviationCount > 0 && v.AutoConfirmDeadline != nil {
				confirm = append(confirm, due{id, *v.AutoConfirmDeadline})
			}
		case devstack.StatusContentIngestionFailed, devstack.StatusFailedCritically:
			failed = append(failed, id)
		}
	}
	slices.SortStableFunc(confirm, func(a, b due) int { return a.at.Compare(b.at) })
	for _, c := range confirm {
		ids = append(ids, c.id)
		deadlines = append(deadlines, c.at)
	}
	return append(ids, failed...), deadlines
}

// needsAttention lists what the data says, in deadline order, with a reason
// per batch, for two list calls and one call per CMS lookup.
func TestNeedsAttentionListsWhatTheDataSays(t *testing.T) {
	env := testenv.Start(t)
	// One more batch awaiting validation whose matches are all confirmed:
	// it needs nothing.
	ids := env.Stack.Store.BatchIDs(devstack.TeacherWithOrg)
	var settled string
	for _, id := range ids {
		b, _ := env.Stack.Store.Batch(id)
		if b.Status == devstack.StatusAwaitingStudentValidation {
			settled = id
			for i := range b.Associations {
				b.Associations[i].Status = devstack.AssocConfirmed
			}
			require.NoError(t, env.Stack.Store.SetAssociations(id, b.Associations))
			break
		}
	}
	require.NotEmpty(t, settled)
	wantIDs, wantDeadlines := expectedAttention(env, devstack.TeacherWithOrg)
	require.Greater(t, len(wantDeadlines), 3, "the seed has batches awaiting confirmation")
	require.Greater(t, len(wantIDs)-len(wantDeadlines), 3, "and failed ones")

	env.ResetCounts()
	var got needsAttention
	resp := env.Do(t, testenv.Request{
		Query:     testenv.Operation(t, "NeedsAttention"),
		Variables: map[string]any{"first": 100},
		Token:     env.Token(t, devstack.TeacherWithOrg),
	}, &got)
	require.Empty(t, resp.Errors)
	na := got.Viewer.NeedsAttention
	require.NotNil(t, na)
	assert.True(t, na.Complete)
	assert.Equal(t, len(wantIDs), na.TotalCount)
	var gotIDs []string
	for i, it := range na.Items {
		gotIDs = append(gotIDs, it.Batch.ID)
		if i < len(wantDeadlines) {
			assert.Equal(t, "CONFIRM_STUDENT_MATCHES", it.Reason)
			require.NotNil(t, it.Deadline)
			assert.True(t, wantDeadlines[i].Equal(*it.Deadline))
			assert.Equal(t, "AWAITING_STUDENT_VALIDATION", *it.Batch.StatusDetail)
			assert.Equal(t, "PROCESSING", it.Batch.Status)
			assert.Nil(t, it.Batch.ProcessingPhase)
			require.NotNil(t, it.Batch.Validation)
			assert.Positive(t, it.Batch.Validation.DeviationCount)
		} else {
			assert.Equal(t, "FAILED", it.Reason)
			assert.Nil(t, it.Deadline)
			assert.Equal(t, "FAILED", it.Batch.Status)
			assert.Contains(t, []string{"CONTENT_INGESTION_FAILED", "FAILED_CRITICALLY"}, *it.Batch.StatusDetail)
		}
	}
	assert.Equal(t, wantIDs, gotIDs)
	assert.NotContains(t, gotIDs, settled)

	assert.Equal(t, 2, env.Stack.RAS.Count("list-batches"))
	assert.Equal(t, 1, env.Stack.CMS.Count("validation-status"))
	assert.LessOrEqual(t, env.Stack.CMS.Count("class-info"), 1)

	// first cuts the list, not the total.
	resp = env.Do(t, testenv.Request{
		Query:     testenv.Operation(t, "NeedsAttention"),
		Variables: map[string]any{"first": 2},
		Token:     env.Token(t, devstack.TeacherWithOrg),
	}, &got)
	require.Empty(t, resp.Errors)
	require.Len(t, got.Viewer.NeedsAttention.Items, 2)
	assert.Equal(t, wantIDs[:2], []string{got.Viewer.NeedsAttention.Items[0].Batch.ID, got.Viewer.NeedsAttention.Items[1].Batch.ID})
	assert.Equal(t, len(wantIDs), got.Viewer.NeedsAttention.TotalCount)

	resp = env.Do(t, testenv.Request{
		Query:     testenv.Operation(t, "NeedsAttention"),
		Variables: map[string]any{"first": 101},
		Token:     env.Token(t, devstack.TeacherWithOrg),
	}, nil)
	assert.Equal(t, "BAD_USER_INPUT", resp.Code())
}

// Every internal status of the contract shows as its own statusDetail.
func TestStatusDetailOfEveryInternalStatus(t *testing.T) {
	env := testenv.Start(t)
	var got struct {
		Viewer struct {
			Batches page2 `json:"batches"`
		} `json:"viewer"`
	}
	resp := env.Do(t, testenv.Request{
		Query: `{ viewer { batches(limit: 100) { nodes { id status statusDetail processingPhase } } } }`,
		Token: env.Token(t, devstack.TeacherWithOrg),
	}, &got)
	require.Empty(t, resp.Errors)
	seen := map[string]bool{}
	for _, n := range got.Viewer.Batches.Nodes {
		b, _ := env.Stack.Store.Batch(n.ID)
		require.NotNil(t, n.StatusDetail)
		assert.Equal(t, strings.ToUpper(b.Status), *n.StatusDetail)
		seen[b.Status] = true
	}
	assert.Len(t, seen, 13, "the seed's first 100 batches have every internal status")
}

type page2 struct {
	Nodes []struct {
		ID              string  `json:"id"`
		Status          string  `json:"status"`
		StatusDetail    *string `json:"statusDetail"`
		ProcessingPhase *string `json:"processingPhase"`
	} `json:"nodes"`
}
