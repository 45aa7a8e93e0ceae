package app_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/devstack"
	"github.com/essaylab/teacher-bff/internal/testenv"
)

type cursorPage struct {
	Viewer struct {
		Batches *struct {
			TotalCount int `json:"totalCount"`
			Edges      []struct {
				Cursor string `json:"cursor"`
				Node   struct {
					batchRow
					StatusDetail *string `json:"statusDetail"`
				} `json:"node"`
			} `json:"edges"`
			PageInfo struct {
				HasNextPage     bool    `json:"hasNextPage"`
				HasPreviousPage bool    `json:"hasPreviousPage"`
				StartCursor     *string `json:"startCursor"`
				EndCursor       *string `json:"endCursor"`
			} `json:"pageInfo"`
		} `json:"batches"`
	} `json:"viewer"`
}

func (p cursorPage) ids() []string {
	var out []string
	for _, e := range p.Viewer.Batches.Edges {
		out = append(out, e.Node.ID)
	}
	return out
}

// batchPage runs the contract's BatchPage operation.
func batchPage(t *testing.T, env *testenv.Env, vars map[string]any) (cursorPage, *testenv.Response) {
	t.Helper()
	var got cursorPage
	resp := env.Do(t, testenv.Request{
		Query:     testenv.Operation(t, "BatchPage"),
		Variables: vars,
		Token:     env.Token(t, devstack.TeacherWithOrg),
	}, &got)
	return got, resp
}

// uploaded puts a new batch of the teacher at the top of the list (newer
// than everything seeded), in internal status `status`.
func uploaded(t *testing.T, env *testenv.Env, n int, status string) string {
	t.Helper()
	id := uuid.NewString()
	require.NoError(t, env.Stack.Store.PutBatch(devstack.Batch{
		ID: id, UserID: devstack.TeacherWithOrg, Title: fmt.Sprintf("New upload %d", n), Status: status,
		CreatedAt: testenv.Now.Add(time.Duration(n) * time.Minute),
	}))
	return id
}

// Paging with cursors while batches arrive at the top and others leave
// above the page (deleted, or out of the filter's status) sees every batch
// that stays in the list exactly once, in the list's order; each page
// costs one list call and one call per CMS lookup.
func TestCursorPagingWhileTheListMoves(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status any // the filter; nil for all
		// newStatus is the internal status of the batches uploaded meanwhile.
		newStatus string
	}{
		{"all batches", nil, devstack.StatusAwaitingContentValidation},
		{"processing", "PROCESSING", devstack.StatusProcessingPipelines},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := testenv.Start(t)
			var filter []string
			if tc.status == "PROCESSING" {
				filter = []string{devstack.StatusProcessingPipelines, devstack.StatusAwaitingStudentValidation,
					devstack.StatusStudentValidationCompleted, devstack.StatusValidationTimeoutProcessed, devstack.StatusGuestClassReady}
			}
			list := func() []string {
				rows, _ := env.Stack.Store.ListBatches(devstack.TeacherWithOrg, filter, -1, 0)
				ids := make([]string, len(rows))
				for i, b := range rows {
					ids[i] = b.ID
				}
				return ids
			}
			want := list()
			require.Greater(t, len(want), 40, "the seed has enough batches to page through")

			var seen []string
			removed := map[string]bool{}
			vars := map[string]any{"first": 7, "status": tc.status}
			for pageNo := 0; ; pageNo++ {
				require.Less(t, pageNo, 40, "paging must end")
				env.ResetCounts()
				got, resp := batchPage(t, env, vars)
				require.Empty(t, resp.Errors, "page %d", pageNo)
				assert.Equal(t, 1, env.Stack.RAS.Count("list-batches"), "page %d: one list call", pageNo)
				assert.LessOrEqual(t, env.Stack.CMS.Count("validation-status"), 1, "page %d", pageNo)
				seen = append(seen, got.ids()...)
				info := got.Viewer.Batches.PageInfo
				assert.Equal(t, pageNo > 0, info.HasPreviousPage, "page %d", pageNo)
				if !info.HasNextPage {
					break
				}
				require.NotNil(t, info.EndCursor)
				vars["after"] = *info.EndCursor

				// Between pages: three uploads at the top, one batch above
				// the page deleted, and (for the filter) one leaving it.
				for k := range 3 {
					uploaded(t, env, 100*pageNo+k+1, tc.newStatus)
				}
				victim := seen[len(seen)/2]
				if !removed[victim] {
					env.Stack.Store.DeleteBatch(victim)
					removed[victim] = true
				}
				if filter != nil && len(seen) > 3 {
					leaver := seen[len(seen)-3]
					if !removed[leaver] {
						require.NoError(t, env.Stack.Store.SetBatchStatus(leaver, devstack.StatusCompletedSuccessfully))
						removed[leaver] = true
					}
				}
			}
			// Removed batches were seen before they left, every other
			// batch of the original list exactly once, in order.
			assert.Equal(t, want, seen)
			assert.Greater(t, len(removed), 5, "the list did move")
		})
	}
}

// A cursor whose batch is gone, or has moved further than the window, is
// refused with CURSOR_STALE instead of a page with duplicated or skipped rows.
func TestStaleCursor(t *testing.T) {
	env := testenv.Start(t)
	first, resp := batchPage(t, env, map[string]any{"first": 5})
	require.Empty(t, resp.Errors)
	after := *first.Viewer.Batches.PageInfo.EndCursor
	anchor := first.ids()[4]

	// 20 uploads: still inside the window.
	for k := range 20 {
		uploaded(t, env, k+1, devstack.StatusAwaitingContentValidation)
	}
	next, resp := batchPage(t, env, map[string]any{"first": 5, "after": after})
	require.Empty(t, resp.Errors)
	ids := env.Stack.Store.BatchIDs(devstack.TeacherWithOrg)
	at := slices.Index(ids, anchor)
	assert.Equal(t, ids[at+1:at+6], next.ids(), "the page after the anchor, where it is now")

	// One more: the anchor moved 21 rows since its cursor was made.
	uploaded(t, env, 21, devstack.StatusAwaitingContentValidation)
	_, resp = batchPage(t, env, map[string]any{"first": 5, "after": after})
	assert.Equal(t, "CURSOR_STALE", resp.Code())
	assert.Contains(t, resp.Errors[0].Message, "moved more than 20")

	// A fresh cursor works again; then its batch is deleted.
	again, resp := batchPage(t, env, map[string]any{"first": 5})
	require.Empty(t, resp.Errors)
	env.Stack.Store.DeleteBatch(again.ids()[4])
	_, resp = batchPage(t, env, map[string]any{"first": 5, "after": *again.Viewer.Batches.PageInfo.EndCursor})
	assert.Equal(t, "CURSOR_STALE", resp.Code())
	assert.Contains(t, resp.Errors[0].Message, "left the list")
}

// last/before pages backwards: the rows right before the cursor's batch.
func TestCursorPagingBackwards(t *testing.T) {
	env := testenv.Start(t)
	ids := env.Stack.Store.BatchIDs(devstack.TeacherWithOrg)
	first, resp := batchPage(t, env, map[string]any{"first": 12})
	require.Empty(t, resp.Errors)
	before := first.Viewer.Batches.Edges[10].Cursor
	uploaded(t, env, 1, devstack.StatusAwaitingContentValidation)

	var got cursorPage
	resp = env.Do(t, testenv.Request{
		Query: `query($before: String) { viewer { batches(last: 4, before: $before) {
		  edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage } } } }`,
		Variables: map[string]any{"before": before},
		Token:     env.Token(t, devstack.TeacherWithOrg),
	}, &got)
	require.Empty(t, resp.Errors)
	assert.Equal(t, ids[6:10], got.ids())
	assert.True(t, got.Viewer.Batches.PageInfo.HasPreviousPage)
	assert.True(t, got.Viewer.Batches.PageInfo.HasNextPage)
}

// A page by position carries cursors too, and a cursor page goes on from it.
func TestOffsetPageCarriesCursors(t *testing.T) {
	env := testenv.Start(t)
	ids := env.Stack.Store.BatchIDs(devstack.TeacherWithOrg)
	var got cursorPage
	resp := env.Do(t, testenv.Request{
		Query: `{ viewer { batches(limit: 5, offset: 30) { edges { cursor node { id } }
		  pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`,
		Token: env.Token(t, devstack.TeacherWithOrg),
	}, &got)
	require.Empty(t, resp.Errors)
	assert.Equal(t, ids[30:35], got.ids())
	info := got.Viewer.Batches.PageInfo
	assert.True(t, info.HasPreviousPage)
	assert.Equal(t, got.Viewer.Batches.Edges[0].Cursor, *info.StartCursor)

	next, resp := batchPage(t, env, map[string]any{"first": 3, "after": *info.EndCursor})
	require.Empty(t, resp.Errors)
	assert.Equal(t, ids[35:38], next.ids())
}

// Wrong cursor arguments are the client's fault, told precisely, before any
// upstream call.
func TestCursorArgumentsRefused(t *testing.T) {
	env := testenv.Start(t)
	first, resp := batchPage(t, env, map[string]any{"first": 2, "status": "PROCESSING"})
	require.Empty(t, resp.Errors)
	processingCursor := *first.Viewer.Batches.PageInfo.EndCursor
	for _, tc := range []struct{ name, query, want string }{
		{"first and limit", `{ viewer { batches(first: 5, limit: 5) { totalCount } } }`, "not both"},
		{"first and last", `{ viewer { batches(first: 5, last: 5, before: "x") { totalCount } } }`, "first and last"},
		{"last without before", `{ viewer { batches(last: 5) { totalCount } } }`, "requires"},
		{"first too large", `{ viewer { batches(first: 51) { totalCount } } }`, "between 1 and 50"},
		{"first zero", `{ viewer { batches(first: 0) { totalCount } } }`, "between 1 and 50"},
		{"garbage", `{ viewer { batches(first: 5, after: "not-a-cursor!") { totalCount } } }`, "not a cursor"},
		{"forged", `{ viewer { batches(first: 5, after: "eyJ2IjoxLCJpZCI6IngifQ") { totalCount } } }`, "not a cursor"},
		{"another filter", fmt.Sprintf(`{ viewer { batches(first: 5, after: %q) { totalCount } } }`, processingCursor), "another status filter"},
		{"after and before", fmt.Sprintf(`{ viewer { batches(first: 5, after: %q, before: %q) { totalCount } } }`, processingCursor, processingCursor), "after and before"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env.ResetCounts()
			resp := env.Do(t, testenv.Request{Query: tc.query, Token: env.Token(t, devstack.TeacherWithOrg)}, nil)
			require.Equal(t, "BAD_USER_INPUT", resp.Code(), "%s", resp.Body)
			assert.Contains(t, resp.Errors[0].Message, tc.want)
			assert.Zero(t, env.Stack.RAS.Count("list-batches"))
		})
	}
}

// Cursors are made only for the selections that read them (edges' cursor,
// pageInfo's start and end), and are the same whichever way the document
// asks for them: aliases, fragments, @include, a field selected twice.
func TestCursorsWhateverTheSelection(t *testing.T) {
	env := testenv.Start(t)
	ref, resp := batchPage(t, env, map[string]any{"first": 5})
	require.Empty(t, resp.Errors)
	require.Len(t, ref.Viewer.Batches.Edges, 5)
	var all []string
	for _, e := range ref.Viewer.Batches.Edges {
		all = append(all, e.Cursor)
	}
	start, end := all[0], all[4]
	for _, tc := range []struct {
		name      string
		selection string   // of batches(first: 5)
		paths     []string // dotted, under batches: the strings read there, in order
		want      []string
	}{
		{"page info only", `pageInfo { startCursor endCursor }`,
			[]string{"pageInfo.startCursor", "pageInfo.endCursor"}, []string{start, end}},
		{"end cursor only", `pageInfo { hasNextPage endCursor }`, []string{"pageInfo.endCursor"}, []string{end}},
		{"edges without cursors", `edges { node { id } } pageInfo { endCursor }`,
			[]string{"edges.node.id", "pageInfo.endCursor"}, append(ref.ids(), end)},
		{"aliases in a fragment", `...C`, []string{"e.c", "p.s"}, append(append([]string{}, all...), start)},
		{"inline fragments", `edges { ... on BatchEdge { cursor } } pageInfo { ... on PageInfo { endCursor } }`,
			[]string{"edges.cursor", "pageInfo.endCursor"}, append(append([]string{}, all...), end)},
		{"included", `edges @include(if: $yes) { cursor } pageInfo @skip(if: $yes) { endCursor }`,
			[]string{"edges.cursor"}, all},
		{"edges twice, the cursor under another alias", `edges { node { id } } more: edges { cursor }`,
			[]string{"edges.node.id", "more.cursor"}, append(ref.ids(), all...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vars, query := map[string]any{}, `{ viewer { batches(first: 5) { `+tc.selection+` } } }`
			if strings.Contains(tc.selection, "$yes") {
				vars["yes"], query = true, "query($yes: Boolean!) "+query
			}
			if strings.Contains(tc.selection, "...C") {
				query += ` fragment C on BatchConnection { e: edges { c: cursor } p: pageInfo { s: startCursor } }`
			}
			var got struct {
				Viewer struct {
					Batches map[string]any `json:"batches"`
				} `json:"viewer"`
			}
			resp := env.Do(t, testenv.Request{Query: query, Variables: vars,
				Token: env.Token(t, devstack.TeacherWithOrg)}, &got)
			require.Empty(t, resp.Errors)
			var read []string
			for _, p := range tc.paths {
				read = append(read, stringsAt(got.Viewer.Batches, strings.Split(p, ".")...)...)
			}
			assert.Equal(t, tc.want, read)
		})
	}

	// One field selected twice is one page, whose selections merge.
	var twice cursorPage
	resp = env.Do(t, testenv.Request{
		Query: `{ viewer { batches(first: 5) { edges { node { id } } } batches(first: 5) { edges { cursor } } } }`,
		Token: env.Token(t, devstack.TeacherWithOrg),
	}, &twice)
	require.Empty(t, resp.Errors)
	assert.Equal(t, ref.ids(), twice.ids())
	for i, e := range twice.Viewer.Batches.Edges {
		assert.Equal(t, all[i], e.Cursor)
	}
}

// stringsAt returns the strings at path under v, through lists.
func stringsAt(v any, path ...string) []string {
	switch v := v.(type) {
	case []any:
		var out []string
		for _, e := range v {
			out = append(out, stringsAt(e, path...)...)
		}
		return out
	case map[string]any:
		if len(path) == 0 {
			return nil
		}
		return stringsAt(v[path[0]], path[1:]...)
	case string:
		if len(path) == 0 {
			return []string{v}
		}
	}
	return nil
}
