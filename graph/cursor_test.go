package graph

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/gqlerr"
	"github.com/essaylab/teacher-bff/internal/ras"
)

// list is n batches, newest first, one minute apart, ids b000, b001, ...
func list(n int) []ras.Batch {
	t0 := time.Date(2025, 12, 10, 9, 0, 0, 0, time.UTC)
	out := make([]ras.Batch, n)
	for i := range out {
		out[i] = ras.Batch{ID: fmt.Sprintf("b%03d", i), CreatedAt: t0.Add(-time.Duration(i) * time.Minute)}
	}
	return out
}

// read answers req's list call from rows, as RAS would.
func read(rows []ras.Batch, req pageRequest) ras.Page {
	from := min(req.params.Offset, len(rows))
	to := min(from+req.params.Limit, len(rows))
	return ras.Page{Batches: rows[from:to], Offset: req.params.Offset, Limit: req.params.Limit, Total: len(rows)}
}

func ids(rows []ras.Batch) []string {
	out := make([]string, len(rows))
	for i, b := range rows {
		out[i] = b.ID
	}
	return out
}

// The anchor is found wherever it moved within the window, and the page is
// the rows right after (or before) it; beyond the window, CURSOR_STALE.
func TestCursorWindow(t *testing.T) {
	base := list(200)
	for _, tt := range []struct {
		name  string
		pos   int // the anchor's position when its cursor was made
		moved int // rows added (+) or removed (-) above it since
		size  int
		back  bool
		stale string // "" for a page
	}{
		{"unmoved", 50, 0, 10, false, ""},
		{"20 added above", 50, 20, 10, false, ""},
		{"20 removed above", 50, -20, 10, false, ""},
		{"21 added above", 50, 21, 10, false, "moved more than 20"},
		{"21 removed above", 50, -21, 10, false, "moved more than 20"},
		{"near the top, 20 added", 3, 20, 50, false, ""},
		{"near the top, 21 added", 3, 21, 50, false, "moved more than 20"},
		{"at the top", 0, 0, 5, false, ""},
		{"backwards, unmoved", 50, 0, 10, true, ""},
		{"backwards, 20 added", 50, 20, 10, true, ""},
		{"backwards, 20 removed", 50, -20, 10, true, ""},
		{"backwards, 21 added", 50, 21, 10, true, "moved more than 20"},
		{"backwards near the top", 4, 0, 10, true, ""},
		{"last page", 195, 0, 10, false, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			anchor := base[tt.pos]
			now := base
			if tt.moved > 0 {
				added := list(tt.moved)
				for i := range added {
					added[i].ID = fmt.Sprintf("new%03d", i)
					added[i].CreatedAt = base[0].CreatedAt.Add(time.Duration(tt.moved-i) * time.Minute)
				}
				now = append(added, base...)
			} else if tt.moved < 0 {
				// The top -moved rows deleted.
				now = base[-tt.moved:]
			}
			req := pageRequest{size: tt.size, back: tt.back,
				anchor: &cursor{ID: anchor.ID, At: anchor.CreatedAt, Pos: tt.pos}}
			req.params.Offset, req.params.Limit = window(tt.pos, tt.size, tt.back)
			assert.LessOrEqual(t, req.params.Limit, ras.MaxLimit)

			rows, pos, err := req.cut(read(now, req))
			if tt.stale != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.stale)
				code, _, _ := gqlerr.Classify(err)
				assert.Equal(t, gqlerr.CodeCursorStale, code)
				return
			}
			require.NoError(t, err)
			at := tt.pos + tt.moved
			require.Equal(t, anchor.ID, now[at].ID)
			want := now[at+1 : min(len(now), at+1+tt.size)]
			wantPos := at + 1
			if tt.back {
				wantPos = max(0, at-tt.size)
				want = now[wantPos:at]
			}
			assert.Equal(t, ids(want), ids(rows))
			assert.Equal(t, wantPos, pos)
		})
	}
}

// A deleted anchor inside the window is told apart from a moved one.
func TestCursorAnchorGone(t *testing.T) {
	base := list(100)
	anchor := base[30]
	now := append(append([]ras.Batch{}, base[:30]...), base[31:]...)
	req := pageRequest{size: 10, anchor: &cursor{ID: anchor.ID, At: anchor.CreatedAt, Pos: 30}}
	req.params.Offset, req.params.Limit = window(30, 10, false)
	_, _, err := req.cut(read(now, req))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "left the list")
}

func TestDecodeCursor(t *testing.T) {
	good := cursor{ID: "5b0d7c1e-0000-4000-8000-000000000001", At: time.Date(2025, 12, 10, 9, 15, 0, 0, time.UTC), Pos: 7, Filter: "processing"}
	got, err := decodeCursor("after", good.encode())
	require.NoError(t, err)
	good.V = cursorVersion
	assert.Equal(t, good, got)

	for _, bad := range []string{
		"", "!!!", "eyJ2IjoxfQ", // {"v":1}
		cursor{ID: "not-a-uuid", At: good.At}.encode(),
		cursor{ID: good.ID}.encode(), // no created_at
		cursor{ID: good.ID, At: good.At, Pos: -1}.encode(),
		cursor{ID: good.ID, At: good.At, Pos: maxCursorPos + 1}.encode(),
		string(make([]byte, maxCursorBytes+1)),
	} {
		_, err := decodeCursor("after", bad)
		require.Error(t, err, "%q", bad)
		code, _, _ := gqlerr.Classify(err)
		assert.Equal(t, gqlerr.CodeBadUserInput, code)
	}
}
