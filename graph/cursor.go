package graph

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"slices"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/google/uuid"

	"github.com/essaylab/teacher-bff/internal/ras"
)

// Cursor paging of Teacher.batches (the Relay connection spec), over a
// result aggregator that pages only by offset.
//
// A cursor remembers its anchor: the batch it was made for, that batch's
// created_at, its position in the list when the cursor was made, and the
// status filter of the list. The next page must start right after the
// anchor wherever it is now, since batches may have been added or removed
// above it (new uploads arrive at the top; a status filter loses and gains
// batches as they change status). So the BFF reads a window around the
// anchor's old position, cursorWindow rows either way, plus the page after
// (or before) it, in one list call, and finds the anchor in it by id. A
// cursor page therefore costs one result aggregator call of at most
// 2×cursorWindow+1+maxCursorPage = 91 rows, whatever the drift.
//
// When the anchor is not in the window, the field fails with CURSOR_STALE
// rather than guess: either the batch is gone from the list (deleted, or no
// longer in the filter's status), or more than cursorWindow batches were
// added or removed above it since the cursor was made. The list order is
// created_at, newest first, stable for equal timestamps (the contract), so
// the window's timestamps tell the two cases apart for the message.
const (
	// cursorWindow is how far (in rows, either way) the anchor may have
	// moved since its cursor was made.
	cursorWindow = 20
	// maxCursorPage bounds first and last, so that a window and its page
	// fit in one list call (ras.MaxLimit rows).
	maxCursorPage = 50
	// maxCursorBytes bounds a cursor before it is decoded.
	maxCursorBytes = 512
	// maxCursorPos bounds the position a cursor may claim: no teacher has a
	// million batches, and the offset of the window call derives from it.
	maxCursorPos  = 1_000_000
	cursorVersion = 1
)

// Every window and its page fit in one list call.
var _ = [ras.MaxLimit - (2*cursorWindow + 1 + maxCursorPage)]struct{}{}

// cursor is a cursor's payload, version 1. It is opaque to clients: base64
// (URL alphabet, no padding) of this JSON.
type cursor struct {
	V      int       `json:"v"`
	ID     string    `json:"id"`  // the anchor batch
	At     time.Time `json:"at"`  // its created_at
	Pos    int       `json:"pos"` // its 0-based position in the list when made
	Filter string    `json:"f"`   // the list's status filter, a client status; "" for all
}

// connSelection is what a Teacher.batches selection reads besides the
// nodes: the edges and the cursors, which cost an allocation and a JSON
// encoding a row that the dashboard's queries (nodes only) do not pay.
type connSelection struct {
	edges       bool // edges
	edgeCursors bool // edges { cursor }
	pageCursors bool // pageInfo { startCursor } or pageInfo { endCursor }
}

// selectionOf reads the connection's selection in the field ctx resolves,
// as the executor will: through fragments and aliases, with @skip and
// @include applied (graphql.CollectFields, whose answers the operation
// caches). Without a field context, everything.
func selectionOf(ctx context.Context) connSelection {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil || !graphql.HasOperationContext(ctx) {
		return connSelection{edges: true, edgeCursors: true, pageCursors: true}
	}
	op := graphql.GetOperationContext(ctx)
	var sel connSelection
	for _, f := range graphql.CollectFields(op, fc.Field.Selections, []string{"BatchConnection"}) {
		switch f.Name {
		case "edges":
			sel.edges = true
			sel.edgeCursors = sel.edgeCursors || selects(op, f, "BatchEdge", "cursor")
		case "pageInfo":
			sel.pageCursors = sel.pageCursors || selects(op, f, "PageInfo", "startCursor", "endCursor")
		}
	}
	return sel
}

// selects reports whether f's selection (of type typ) reads any of fields.
func selects(op *graphql.OperationContext, f graphql.CollectedField, typ string, fields ...string) bool {
	for _, sub := range graphql.CollectFields(op, f.Selections, []string{typ}) {
		if slices.Contains(fields, sub.Name) {
			return true
		}
	}
	return false
}

func (c cursor) encode() string {
	c.V = cursorVersion
	b, _ := json.Marshal(c) // a struct of strings, ints and a time: cannot fail
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor reads a cursor a client sent. Anything it did not make is
// BAD_USER_INPUT; name is the argument ("after" or "before").
func decodeCursor(name, s string) (cursor, error) {
	var c cursor
	if len(s) > maxCursorBytes {
		return c, badInput("%s is not a cursor of this list", name)
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return c, badInput("%s is not a cursor of this list", name)
	}
	if err := json.Unmarshal(raw, &c); err != nil || c.V != cursorVersion || c.At.IsZero() ||
		c.Pos < 0 || c.Pos > maxCursorPos {
		return c, badInput("%s is not a cursor of this list", name)
	}
	if _, err := uuid.Parse(c.ID); err != nil {
		return c, badInput("%s is not a cursor of this list", name)
	}
	return c, nil
}
