package limits_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/essaylab/teacher-bff/internal/limits"
	"github.com/essaylab/teacher-bff/internal/operations"
)

// answerBound is the most one document may take to be answered or refused
// before it fails the fuzz target: generous against the 50 ms of CPU that
// BenchmarkHostileDocument holds every hostile kind to, so that a busy
// machine does not fail it, and far below the seconds such documents cost
// before the document limits.
var answerBound = 500 * time.Millisecond * raceSlowdown

// FuzzHostileDocument: whatever document arrives (under the body limit),
// measuring it stops at its bound, and answering or refusing it stays
// under answerBound. A slow answer is timed twice more and the fastest
// counts, so a moment of contention does not fail it.
//
//	go test ./internal/limits -run '^$' -fuzz FuzzHostileDocument -fuzztime 60s
func FuzzHostileDocument(f *testing.F) {
	for _, d := range hostileDocuments() {
		f.Add(d.query, d.operationName)
	}
	if ops, err := operations.Load(schema, filepath.Join("..", "..", "testdata", "operations")); err == nil {
		for _, op := range ops {
			f.Add(op.Document, "")
		}
	}
	if b, err := os.ReadFile(filepath.Join("testdata", "graphiql-introspection.graphql")); err == nil {
		f.Add(string(b), "IntrospectionQuery")
	}
	f.Add("{ viewer { id } }", "")
	exec := newExecutor()
	bound := limits.Defaults().MaxDocumentSelections
	f.Fuzz(func(t *testing.T, query, operationName string) {
		if len(query) > maxBodyBytes {
			t.Skip("over the body limit: refused with 413 before it is read")
		}
		if doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: query}, limits.ParserTokenLimit); err == nil {
			if m := limits.MeasureDocument(doc, bound); m.Selections > bound+1 {
				t.Fatalf("measuring went on to %d selections past its bound of %d", m.Selections, bound)
			}
		}
		d := hostileDocument{name: "fuzz", query: query, operationName: operationName}
		took := timed(exec, d)
		for i := 0; i < 2 && took > answerBound; i++ {
			took = min(took, timed(exec, d))
		}
		if took > answerBound {
			t.Fatalf("answering a %d-byte document took %v (bound %v)", len(query), took, answerBound)
		}
	})
}
