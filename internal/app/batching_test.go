package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/devstack"
	"github.com/essaylab/teacher-bff/internal/testenv"
)

type sections struct {
	Viewer struct {
		Processing   page `json:"processing"`
		WithFailures page `json:"withFailures"`
		Done         page `json:"done"`
	} `json:"viewer"`
}

// idsOf returns the batch ids of each call to a CMS endpoint.
func idsOf(s *devstack.Service, endpoint string) [][]string {
	var out [][]string
	for _, r := range s.Requests() {
		if r.Endpoint == endpoint {
			q, _ := parseQueryValues(r.RawQuery)
			out = append(out, strings.Split(q.Get("batch_ids"), ","))
		}
	}
	return out
}

// DashboardSections asks for three pages; their class and validation
// lookups go out together: three RAS calls, one call per CMS lookup.
func TestDashboardSectionsBatchesCMSLookups(t *testing.T) {
	env := testenv.Start(t)
	var got sections
	resp := env.Do(t, testenv.Request{
		Query: testenv.Operation(t, "DashboardSections"),
		Token: env.Token(t, devstack.TeacherWithOrg),
	}, &got)
	require.Empty(t, resp.Errors)

	v := got.Viewer
	assert.Len(t, v.Processing.Nodes, 50)
	assert.Len(t, v.WithFailures.Nodes, 20)
	assert.Len(t, v.Done.Nodes, 20)
	for _, n := range v.Processing.Nodes {
		assert.Equal(t, "PROCESSING", n.Status)
	}
	for _, n := range v.WithFailures.Nodes {
		assert.Equal(t, "COMPLETED_WITH_FAILURES", n.Status)
	}

	assert.Equal(t, 3, env.Stack.RAS.Count("list-batches"))
	assert.Equal(t, 1, env.Stack.CMS.Count("class-info"))
	assert.Equal(t, 1, env.Stack.CMS.Count("validation-status"))
	calls := idsOf(env.Stack.CMS, "class-info")
	require.Len(t, calls, 1)
	assert.Len(t, calls[0], 90)
}

// Pages that return a few milliseconds apart still share one lookup; class
// names, which rarely change, come from the class cache on later dashboards
// while validation (which changes all the time) is asked for every time.
func TestSectionsWithUpstreamJitterStillBatch(t *testing.T) {
	env := testenv.Start(t)
	env.Stack.RAS.SetLatency(5*time.Millisecond, 2*time.Millisecond)
	for i := range 5 {
		env.ResetCounts()
		resp := env.Do(t, testenv.Request{
			Query: testenv.Operation(t, "DashboardSections"),
			Token: env.Token(t, devstack.TeacherWithOrg),
		}, nil)
		require.Empty(t, resp.Errors)
		assert.Equal(t, 3, env.Stack.RAS.Count("list-batches"))
		wantClass := 0
		if i == 0 {
			wantClass = 1
		}
		assert.Equal(t, wantClass, env.Stack.CMS.Count("class-info"), "dashboard %d", i)
		assert.Equal(t, 1, env.Stack.CMS.Count("validation-status"), "dashboard %d", i)
	}
}

// A page of 100 plus two more pages: 140 distinct ids, two calls per lookup
// (at most 100 ids each), every id asked for once.
func TestHundredPlusTwoPagesChunked(t *testing.T) {
	env := testenv.Start(t)
	query := `query {
	  viewer {
	    a: batches(limit: 100) { nodes { id class { id } validation { deviationCount } } }
	    b: batches(limit: 20, offset: 100) { nodes { id class { id } validation { deviationCount } } }
	    c: batches(limit: 20, status: PROCESSING) { nodes { id class { id } validation { deviationCount } } }
	  }
	}`
	ids := env.Stack.Store.BatchIDs(devstack.TeacherWithOrg)
	require.Greater(t, len(ids), 105, "the seed has enough batches for this test")
	var got struct {
		Viewer map[string]struct {
			Nodes []batchRow `json:"nodes"`
		} `json:"viewer"`
	}
	resp := env.Do(t, testenv.Request{Query: query, Token: env.Token(t, devstack.TeacherWithOrg)}, &got)
	require.Empty(t, resp.Errors)
	require.Len(t, got.Viewer["a"].Nodes, 100)

	want := map[string]bool{}
	for _, p := range got.Viewer {
		for _, n := range p.Nodes {
			want[n.ID] = true
		}
	}
	assert.Equal(t, 3, env.Stack.RAS.Count("list-batches"))
	for _, endpoint := range []string{"class-info", "validation-status"} {
		calls := idsOf(env.Stack.CMS, endpoint)
		wantCalls := (len(want) + 99) / 100
		assert.Len(t, calls, wantCalls, endpoint)
		seen := map[string]int{}
		for _, c := range calls {
			assert.LessOrEqual(t, len(c), 100, endpoint)
			for _, id := range c {
				seen[id]++
			}
		}
		assert.Len(t, seen, len(want), endpoint)
		for id, n := range seen {
			assert.True(t, want[id], "%s asked for %s, which no page had", endpoint, id)
			assert.Equal(t, 1, n, "%s asked for %s more than once", endpoint, id)
		}
	}
}

// The two CMS lookups run in parallel: each starts before the other ends.
func TestCMSLookupsRunInParallel(t *testing.T) {
	env := testenv.Start(t)
	env.Stack.CMS.SetLatency(150*time.Millisecond, 0)
	resp := env.Do(t, testenv.Request{
		Query: testenv.Operation(t, "TeacherDashboard"),
		Token: env.Token(t, devstack.TeacherWithOrg),
	}, nil)
	require.Empty(t, resp.Errors)
	var class, validation time.Time
	for _, r := range env.Stack.CMS.Requests() {
		switch r.Endpoint {
		case "class-info":
			class = r.At
		case "validation-status":
			validation = r.At
		}
	}
	require.False(t, class.IsZero())
	require.False(t, validation.IsZero())
	gap := class.Sub(validation).Abs()
	assert.Less(t, gap, 150*time.Millisecond, "the second lookup started before the first one's answer (latency 150ms)")
}

// Two viewer fields in one operation still fetch the balance once.
func TestCreditsFetchedOncePerOperation(t *testing.T) {
	env := testenv.Start(t)
	resp := env.Do(t, testenv.Request{
		Query: `{ a: viewer { credits { userBalance } } b: viewer { credits { orgBalance } } }`,
		Token: env.Token(t, devstack.TeacherWithOrg),
	}, nil)
	require.Empty(t, resp.Errors)
	assert.Equal(t, 1, env.Stack.Entitlements.Count("balance"))
}
