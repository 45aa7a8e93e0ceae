package app_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/batchstatus"
	"github.com/essaylab/teacher-bff/internal/devstack"
	"github.com/essaylab/teacher-bff/internal/testenv"
)

type batchCounts struct {
	All                   int `json:"all"`
	PendingContent        int `json:"pendingContent"`
	Ready                 int `json:"ready"`
	Processing            int `json:"processing"`
	CompletedSuccessfully int `json:"completedSuccessfully"`
	CompletedWithFailures int `json:"completedWithFailures"`
	Failed                int `json:"failed"`
	Cancelled             int `json:"cancelled"`
}

// storeCounts counts the teacher's batches per client status in the store.
func storeCounts(env *testenv.Env, teacher string) batchCounts {
	var c batchCounts
	field := map[string]*int{
		batchstatus.PendingContent: &c.PendingContent, batchstatus.Ready: &c.Ready,
		batchstatus.Processing: &c.Processing, batchstatus.CompletedSuccessfully: &c.CompletedSuccessfully,
		batchstatus.CompletedWithFailures: &c.CompletedWithFailures, batchstatus.Failed: &c.Failed,
		batchstatus.Cancelled: &c.Cancelled,
	}
	for _, id := range env.Stack.Store.BatchIDs(teacher) {
		b, _ := env.Stack.Store.Batch(id)
		client, _ := batchstatus.ToClient(b.Status)
		*field[client]++
		c.All++
	}
	return c
}

// The tab badges of the contract's TabCounts operation cost seven list
// calls of one row each (one per status: the fewest the contract allows),
// and nothing else.
func TestTabCountsCostSevenListCalls(t *testing.T) {
	env := testenv.Start(t)
	var got struct {
		Viewer struct {
			BatchCounts batchCounts `json:"batchCounts"`
		} `json:"viewer"`
	}
	resp := env.Do(t, testenv.Request{Query: testenv.Operation(t, "TabCounts"), Token: env.Token(t, devstack.TeacherWithOrg)}, &got)
	require.Empty(t, resp.Errors)
	want := storeCounts(env, devstack.TeacherWithOrg)
	assert.Equal(t, want, got.Viewer.BatchCounts)
	assert.Positive(t, want.Failed)

	assert.Equal(t, 7, env.Stack.RAS.Count("list-batches"))
	assert.Equal(t, map[string]int{"list-batches": 7}, env.Stack.RAS.Counts())
	assert.Empty(t, env.Stack.CMS.Counts())
	statuses := map[string]bool{}
	for _, r := range env.Stack.RAS.Requests() {
		q := parseQuery(t, r.RawQuery)
		assert.Equal(t, "1", q.Get("limit"))
		statuses[q["status"][0]] = true
	}
	assert.Len(t, statuses, 7, "one call per client status")
}

// Only the selected statuses are counted; a page of the same operation that
// lists a status gives its count for free, and so does needsAttention's
// list of failed batches.
func TestCountsShareTheOperationsLists(t *testing.T) {
	env := testenv.Start(t)
	want := storeCounts(env, devstack.TeacherWithOrg)
	for _, tc := range []struct {
		name  string
		query string
		calls int
	}{
		{"two statuses", `{ viewer { batchCounts { processing failed } } }`, 2},
		{"a page of the same status", `{ viewer {
		    batches(status: PROCESSING, limit: 5) { totalCount }
		    batchCounts { all processing } } }`, 7},
		{"needsAttention lists the failed ones", `{ viewer {
		    needsAttention(first: 3) { totalCount }
		    batchCounts { all } } }`, 2 + 6},
		{"a page in a fragment and a count", `query { viewer { ...P batchCounts { completedWithFailures } } }
		  fragment P on Teacher { batches(status: COMPLETED_WITH_FAILURES) { totalCount } }`, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env.ResetCounts()
			var got struct {
				Viewer struct {
					BatchCounts batchCounts `json:"batchCounts"`
				} `json:"viewer"`
			}
			resp := env.Do(t, testenv.Request{Query: tc.query, Token: env.Token(t, devstack.TeacherWithOrg)}, &got)
			require.Empty(t, resp.Errors)
			assert.Equal(t, tc.calls, env.Stack.RAS.Count("list-batches"))
			c := got.Viewer.BatchCounts
			if c.All > 0 {
				assert.Equal(t, want.All, c.All)
			}
			if c.Processing > 0 {
				assert.Equal(t, want.Processing, c.Processing)
			}
			if c.Failed > 0 {
				assert.Equal(t, want.Failed, c.Failed)
			}
			if c.CompletedWithFailures > 0 {
				assert.Equal(t, want.CompletedWithFailures, c.CompletedWithFailures)
			}
		})
	}
}

// A failing list fails the counts field with the upstream's code; the rest
// of the answer stays.
func TestCountsUpstreamFailure(t *testing.T) {
	env := testenv.Start(t)
	env.Stack.RAS.SetFault(devstack.Fault{Kind: devstack.FaultStatus, StatusCode: 500, Endpoint: "list-batches"})
	var got struct {
		Viewer struct {
			ID          string       `json:"id"`
			BatchCounts *batchCounts `json:"batchCounts"`
		} `json:"viewer"`
	}
	resp := env.Do(t, testenv.Request{Query: testenv.Operation(t, "TabCounts"), Token: env.Token(t, devstack.TeacherWithOrg)}, &got)
	require.NotEmpty(t, resp.Errors)
	assert.Equal(t, "UPSTREAM_ERROR", resp.Code())
	assert.Equal(t, devstack.TeacherWithOrg, got.Viewer.ID)
	assert.Nil(t, got.Viewer.BatchCounts)
}
