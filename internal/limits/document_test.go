package limits_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/essaylab/teacher-bff/internal/gqlerr"
	"github.com/essaylab/teacher-bff/internal/limits"
	"github.com/essaylab/teacher-bff/internal/operations"
)

func parseDocument(t testing.TB, query string) *ast.QueryDocument {
	t.Helper()
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: query}, limits.ParserTokenLimit)
	require.NoError(t, err)
	return doc
}

// The measures of small documents, worked out by hand.
func TestMeasureDocument(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  limits.DocumentMeasures
	}{
		{"one field", `{ viewer { id } }`, limits.DocumentMeasures{Selections: 2}},
		{"repeats pair up", `{ viewer { id id id } }`, limits.DocumentMeasures{Selections: 4, FieldPairs: 3}},
		{"aliases are their own key", `{ viewer { a: id b: id id } }`, limits.DocumentMeasures{Selections: 4}},
		{
			// 2 viewers put 2 × 2 credits at one place, 4 × 1 userBalance
			// below: 1 + 6 + 6 pairs.
			"nested repeats merge", `{ viewer { credits { userBalance } credits { userBalance } } viewer { credits { userBalance } credits { userBalance } } }`,
			limits.DocumentMeasures{Selections: 2 + 4 + 4, FieldPairs: 1 + 6 + 6},
		},
		{
			// The operation writes F out (1 spread + 2 fields); F on its own
			// counts its 2 fields again.
			"fragments count where spread and on their own", `{ viewer { ...F id } } fragment F on Teacher { id orgId }`,
			limits.DocumentMeasures{Fragments: 1, Selections: 1 + 1 + 2 + 1 + 2, FieldPairs: 1},
		},
		{
			"unused fragments and other operations count", `query A { viewer { id } } query B { viewer { id id } } fragment F on Teacher { id id }`,
			limits.DocumentMeasures{Fragments: 1, Selections: 2 + 3 + 2, FieldPairs: 1 + 1},
		},
		{
			"inline fragments merge into their place", `{ viewer { id ... on Teacher { id } } }`,
			limits.DocumentMeasures{Selections: 4, FieldPairs: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, limits.MeasureDocument(parseDocument(t, tt.query), 1000))
		})
	}
}

// Writing out stops past the bound, however far the fragments would go.
func TestMeasureDocumentStopsAtTheBound(t *testing.T) {
	for _, d := range hostileDocuments() {
		if !strings.HasPrefix(d.name, "fragment-") {
			continue
		}
		m := limits.MeasureDocument(parseDocument(t, d.query), 500)
		assert.Equal(t, 501, m.Selections, d.name)
	}
	cycle := `{ viewer { ...A } } fragment A on Teacher { credits { ...B } } fragment B on Credits { ...A }`
	assert.Equal(t, 101, limits.MeasureDocument(parseDocument(t, cycle), 100).Selections)
}

// The frontend's operations and GraphiQL's introspection query pass the
// document limits with room: at most a fifth of each.
func TestRealDocumentsPassTheDocumentLimits(t *testing.T) {
	ops, err := operations.Load(schema, filepath.Join("..", "..", "testdata", "operations"))
	require.NoError(t, err)
	ops = append(ops, operations.Operation{Name: "GraphiQL introspection", Document: graphiQL(t)})
	d := limits.Defaults()
	for _, op := range ops {
		doc := parseDocument(t, op.Document)
		m := limits.MeasureDocument(doc, d.MaxDocumentSelections)
		t.Logf("%-24s fragments %3d selections %4d pairs %3d", op.Name, m.Fragments, m.Selections, m.FieldPairs)
		require.NoError(t, limits.Config{}.CheckDocument(doc), op.Name)
		assert.LessOrEqual(t, 5*m.Fragments, d.MaxFragments, op.Name)
		assert.LessOrEqual(t, 5*m.Selections, d.MaxDocumentSelections, op.Name)
		assert.LessOrEqual(t, 5*m.FieldPairs, d.MaxFieldPairs, op.Name)
	}
}

// Every generated hostile document is refused by the server before
// validation, with the limit that names what is wrong with it, and no data.
func TestHostileDocumentsAreRefusedBeforeValidation(t *testing.T) {
	want := map[string]string{
		"unused-fragment-7000-repeats": limits.LimitSelections,
		"other-operation-7000-repeats": limits.LimitSelections,
		"nested-repeats-under-limits":  limits.LimitSelections,
		"nested-repeats-in-fragments":  limits.LimitSelections,
		"fragment-chain-1800":          limits.LimitFragments,
		"fragment-fan-out-40":          limits.LimitDuplicateFields, // the selected operation's own limit, first
		"operations-1500":              limits.LimitSelections,
		"repeats-under-selections":     limits.LimitFieldPairs,
	}
	exec := newExecutor()
	for _, d := range hostileDocuments() {
		limit, ok := want[d.name]
		if !ok {
			continue // refused by the parser's token limit or by validation, cheaply
		}
		t.Run(d.name, func(t *testing.T) {
			errs := answer(exec, d)
			require.Len(t, errs, 1, "%v", errs)
			assert.Equal(t, string(gqlerr.CodeLimitExceeded), errs[0].Extensions["code"])
			assert.Equal(t, limit, errs[0].Extensions["limit"], errs[0].Message)
		})
	}
}
