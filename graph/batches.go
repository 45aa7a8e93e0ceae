package graph

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/essaylab/teacher-bff/graph/model"
	"github.com/essaylab/teacher-bff/internal/auth"
	"github.com/essaylab/teacher-bff/internal/gqlerr"
	"github.com/essaylab/teacher-bff/internal/loaders"
	"github.com/essaylab/teacher-bff/internal/ras"
)

// Page bounds of Teacher.batches, as the contract gives them.
const (
	defaultLimit = 20
	maxLimit     = 100
)

// viewer is the authenticated teacher of the operation.
func viewer(ctx context.Context) (auth.Teacher, error) {
	t, ok := auth.TeacherFrom(ctx)
	if !ok {
		return auth.Teacher{}, auth.ErrNotAuthenticated
	}
	return t, nil
}

// checkBatchID refuses an id that cannot name a batch before any upstream
// is asked about it.
func checkBatchID(id string) error {
	if _, err := uuid.Parse(id); err != nil {
		return badInput("id %q is not a batch id (a UUID)", truncate(id, 64))
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// pageArgs are Teacher.batches' arguments; nil means absent or null.
type pageArgs struct {
	first, last         *int
	after, before       *string
	limit, offset       *int
	status              *model.BatchStatus
	limitSet, offsetSet bool // limit or offset appear in the document
}

// pageRequest is one page of Teacher.batches to read: the list call, and
// how to cut the page out of its answer.
type pageRequest struct {
	params ras.ListParams
	filter string // the status filter, a client status; "" for all
	size   int    // the page size asked: limit, first or last
	anchor *cursor
	back   bool // last/before: the page ends right before the anchor
}

// pageRequestFor checks the arguments (BAD_USER_INPUT for a wrong one) and
// plans the list call.
func pageRequestFor(userID string, a pageArgs) (pageRequest, error) {
	req := pageRequest{params: ras.ListParams{UserID: userID, Statuses: internalStatuses(a.status)}}
	if a.status != nil {
		req.filter = statusFromModel(*a.status)
	}
	if a.first == nil && a.last == nil && a.after == nil && a.before == nil {
		return req, req.byPosition(a)
	}
	if a.limitSet || a.offsetSet {
		return req, badInput("page by cursor (first, after, last, before) or by position (limit, offset), not both")
	}
	switch {
	case a.first != nil && a.last != nil:
		return req, badInput("first and last cannot be combined: page forwards or backwards")
	case a.after != nil && a.before != nil:
		return req, badInput("after and before cannot be combined: page forwards or backwards")
	case a.last != nil && a.before == nil:
		return req, badInput("last pages backwards from before, which it requires")
	case a.first != nil && a.before != nil, a.last != nil && a.after != nil:
		return req, badInput("page forwards with first and after, backwards with last and before")
	}
	name, n := "first", a.first
	if a.last != nil || a.before != nil {
		name, n, req.back = "last", a.last, true
	}
	req.size = defaultLimit
	if n != nil {
		req.size = *n
	}
	if req.size < 1 || req.size > maxCursorPage {
		return req, badInput("%s must be between 1 and %d, got %d", name, maxCursorPage, req.size)
	}
	cur, argName := a.after, "after"
	if req.back {
		cur, argName = a.before, "before"
	}
	if cur == nil {
		// The top of the list.
		req.params.Limit = req.size
		return req, nil
	}
	c, err := decodeCursor(argName, *cur)
	if err != nil {
		return req, err
	}
	if c.Filter != req.filter {
		return req, badInput("%s is a cursor of another status filter", argName)
	}
	req.anchor = &c
	req.params.Offset, req.params.Limit = window(c.Pos, req.size, req.back)
	return req, nil
}

// byPosition is the limit/offset page (absent or null means the default).
func (req *pageRequest) byPosition(a pageArgs) error {
	req.params.Limit = defaultLimit
	if a.limit != nil {
		req.params.Limit = *a.limit
	}
	if a.offset != nil {
		req.params.Offset = *a.offset
	}
	if req.params.Limit < 1 || req.params.Limit > maxLimit {
		return badInput("limit must be between 1 and %d, got %d", maxLimit, req.params.Limit)
	}
	if req.params.Offset < 0 {
		return badInput("offset must be 0 or more, got %d", req.params.Offset)
	}
	req.size = req.params.Limit
	return nil
}

// window is the list call that finds an anchor last seen at position pos,
// if it moved at most cursorWindow rows either way, together with the n
// rows after it (or before it, when back).
func window(pos, n int, back bool) (offset, limit int) {
	if back {
		offset = max(0, pos-cursorWindow-n)
		return offset, pos + cursorWindow - offset + 1
	}
	offset = max(0, pos-cursorWindow)
	return offset, pos - offset + cursorWindow + 1 + n
}

// cut returns the page out of the list call's answer and the position of
// its first row; CURSOR_STALE when the anchor is not in the window.
func (req pageRequest) cut(page ras.Page) (rows []ras.Batch, pos int, err error) {
	if req.anchor == nil {
		return page.Batches, req.params.Offset, nil
	}
	a := req.anchor
	// The anchor is looked for only where it may have moved to: past that,
	// the window would not hold the whole page after it.
	reach := min(len(page.Batches), a.Pos+cursorWindow-req.params.Offset+1)
	i := -1
	for k := range page.Batches[:reach] {
		if page.Batches[k].ID == a.ID && page.Batches[k].CreatedAt.Equal(a.At) {
			i = k
			break
		}
	}
	if i < 0 {
		end := reach == len(page.Batches) && req.params.Offset+reach >= page.Total
		return nil, 0, staleAnchor(page.Batches[:reach], end, req)
	}
	if req.back {
		from := max(0, i-req.size)
		return page.Batches[from:i], req.params.Offset + from, nil
	}
	end := min(len(page.Batches), i+1+req.size)
	return page.Batches[i+1 : end], req.params.Offset + i + 1, nil
}

// staleAnchor says why an anchor is not among the rows where it was looked
// for (end: they reach the end of the list). The list is ordered by
// created_at, newest first: when the rows span the anchor's created_at, the
// anchor would be among them, so it has left the list.
func staleAnchor(rows []ras.Batch, end bool, req pageRequest) error {
	at := req.anchor.At
	spans := req.params.Offset == 0 && len(rows) == 0
	if len(rows) > 0 {
		top := req.params.Offset == 0 || !rows[0].CreatedAt.Before(at)
		bottom := end || !rows[len(rows)-1].CreatedAt.After(at)
		spans = top && bottom
	}
	if spans {
		return gqlerr.StaleCursor("the cursor's batch has left the list: reload it")
	}
	return gqlerr.StaleCursor("the list moved more than %d batches around the cursor's batch: reload it", cursorWindow)
}

// batches reads one page of Teacher.batches.
func (r *teacherResolver) batches(ctx context.Context, obj *model.Teacher, a pageArgs) (*model.BatchConnection, error) {
	var ids []string
	// Every page reports to the operation's gate exactly once, failed or
	// not, so the pages that did load are not held back waiting for it.
	defer func() { loaders.PageLoaded(ctx, ids) }()
	// And it reports its total, for the counts of the same filter (before
	// it waits at the gate: the defers run last first).
	total, listed := 0, false
	defer func() { loaders.ListTotal(ctx, filterKey(internalStatuses(a.status)), total, listed) }()

	req, err := pageRequestFor(obj.ID, a)
	if err != nil {
		return nil, err
	}
	page, err := r.deps.RAS.ListBatches(ctx, req.params)
	if err != nil {
		return nil, err
	}
	total, listed = page.Total, true
	conn, err := connectionFromPage(obj.ID, req, page, selectionOf(ctx))
	if err != nil {
		return nil, err
	}
	ids = make([]string, len(conn.Nodes))
	for i, n := range conn.Nodes {
		ids[i] = n.ID
	}
	return conn, nil
}

// connectionFromPage builds the page, with the edges and cursors sel reads.
// A batch of another teacher in the answer is an upstream fault: the page
// fails rather than show it.
func connectionFromPage(userID string, req pageRequest, page ras.Page, sel connSelection) (*model.BatchConnection, error) {
	rows, pos, err := req.cut(page)
	if err != nil {
		return nil, err
	}
	conn := &model.BatchConnection{
		TotalCount:  page.Total,
		Limit:       req.size,
		Offset:      pos,
		HasNextPage: pos+len(rows) < page.Total,
		Nodes:       make([]*model.Batch, len(rows)),
		PageInfo:    &model.PageInfo{HasPreviousPage: pos > 0},
	}
	conn.PageInfo.HasNextPage = conn.HasNextPage
	if sel.edges {
		conn.Edges = make([]*model.BatchEdge, len(rows))
	}
	cursorAt := func(i int) string {
		return cursor{ID: rows[i].ID, At: rows[i].CreatedAt, Pos: pos + i, Filter: req.filter}.encode()
	}
	for i := range rows {
		n, err := ownBatch(userID, &rows[i])
		if err != nil {
			return nil, err
		}
		conn.Nodes[i] = n
		if sel.edges {
			conn.Edges[i] = &model.BatchEdge{Node: n}
			if sel.edgeCursors {
				conn.Edges[i].Cursor = cursorAt(i)
			}
		}
	}
	if len(rows) > 0 && sel.pageCursors {
		last := len(rows) - 1
		if sel.edgeCursors {
			conn.PageInfo.StartCursor, conn.PageInfo.EndCursor = &conn.Edges[0].Cursor, &conn.Edges[last].Cursor
		} else {
			start, end := cursorAt(0), cursorAt(last)
			conn.PageInfo.StartCursor, conn.PageInfo.EndCursor = &start, &end
		}
	}
	return conn, nil
}

// ownedBatch fetches a batch of the viewer through the operation's loader
// (load: loaders.Batch, or loaders.BatchNow when no other key can join).
// Nil, without an error, when there is none or it is another teacher's: the
// caller cannot tell the two apart.
func (r *Resolver) ownedBatch(ctx context.Context, id string, load func(context.Context, string) (*ras.Batch, error)) (*ras.Batch, error) {
	t, err := viewer(ctx)
	if err != nil {
		return nil, err
	}
	b, err := load(ctx, id)
	switch {
	case errors.Is(err, ras.ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, err
	case b.UserID != t.ID:
		return nil, nil
	}
	return b, nil
}
