package graph

import (
	"fmt"
	"testing"

	"github.com/essaylab/teacher-bff/internal/batchstatus"
	"github.com/essaylab/teacher-bff/internal/ras"
)

// BenchmarkConnection builds a 50-row page of Teacher.batches as the
// dashboard selects it (nodes only) and as a cursor pager does (edges with
// their cursors, pageInfo's), the cost connectionFromPage adds to the list
// call's answer.
func BenchmarkConnection(b *testing.B) {
	rows := list(50)
	for i := range rows {
		rows[i].UserID = "t1"
		rows[i].ID = fmt.Sprintf("5b0d7c1e-0000-4000-8000-%012d", i)
		rows[i].Status, rows[i].ClientStatus = batchstatus.Processing, batchstatus.Processing
	}
	page := ras.Page{Batches: rows, Limit: 50, Total: 120}
	req := pageRequest{size: 50, filter: batchstatus.Processing}
	req.params.Limit = 50
	for _, c := range []struct {
		name string
		sel  connSelection
	}{
		{"nodes", connSelection{}},
		{"edges", connSelection{edges: true, edgeCursors: true, pageCursors: true}},
	} {
		b.Run("select="+c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := connectionFromPage("t1", req, page, c.sel); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
