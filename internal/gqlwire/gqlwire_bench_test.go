package gqlwire

import (
	"testing"

	"github.com/99designs/gqlgen/graphql"
)

// BenchmarkEncode encodes a 90-row result, DashboardSections' size.
func BenchmarkEncode(b *testing.B) {
	resp := &graphql.Response{Data: rowData(90, "Essays on Macbeth, week 3")}
	b.SetBytes(int64(len(resp.Data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Encode(resp); err != nil {
			b.Fatal(err)
		}
	}
}
