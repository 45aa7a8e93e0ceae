package limits_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/essaylab/teacher-bff/graph"
	"github.com/essaylab/teacher-bff/internal/limits"
	"github.com/essaylab/teacher-bff/internal/operations"
)

var schema = graph.NewSchema(graph.Deps{}).Schema()

// parse parses query without validating it, as the Limiter's first check
// sees it.
func parse(t *testing.T, query string) (*ast.QueryDocument, *ast.OperationDefinition) {
	t.Helper()
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	require.NoError(t, err)
	require.Len(t, doc.Operations, 1)
	return doc, doc.Operations[0]
}

// validated parses and validates query, as the Limiter's second check sees
// it.
func validated(t *testing.T, query string) (*ast.QueryDocument, *ast.OperationDefinition) {
	t.Helper()
	doc, errs := gqlparser.LoadQueryWithRules(schema, query, nil)
	require.Empty(t, errs)
	require.Len(t, doc.Operations, 1)
	return doc, doc.Operations[0]
}

func graphiQL(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "graphiql-introspection.graphql"))
	require.NoError(t, err)
	return string(b)
}

// Every contract operation, and GraphiQL's introspection query, passes the
// default limits with room: at most half of each (the deepest contract
// path, viewer.batches.edges.node.class.id, is exactly half of MaxDepth).
func TestContractOperationsPassWithRoom(t *testing.T) {
	ops, err := operations.Load(schema, filepath.Join("..", "..", "testdata", "operations"))
	require.NoError(t, err)
	require.Len(t, ops, 8)
	ops = append(ops, operations.Operation{Name: "GraphiQL introspection", Document: graphiQL(t)})

	d := limits.Defaults()
	t.Logf("%-24s %5s %5s %5s %5s %5s %5s %5s %5s %5s", "operation",
		"depth", "iDep", "iList", "cost", "alias", "dup", "dirs", "fDirs", "roots")
	for _, op := range ops {
		t.Run(op.Name, func(t *testing.T) {
			doc, o := validated(t, op.Document)
			m := limits.Measure(schema, doc, o, nil)
			t.Logf("%-24s %5d %5d %5d %5d %5d %5d %5d %5d %5d", op.Name, m.Depth, m.IntrospectionDepth,
				m.IntrospectionLists, m.Complexity, m.Aliases, m.DuplicateFields, m.Directives, m.FieldDirectives, m.RootFields)

			require.NoError(t, limits.Check(schema, doc, o, nil))
			if op.Name == "GraphiQL introspection" {
				// Room enough for GraphiQL, but not half: its ofType chain
				// is what MaxIntrospectionDepth exists for.
				assert.Equal(t, 15, m.IntrospectionDepth)
				assert.Equal(t, 1, m.IntrospectionLists)
				return
			}
			assert.Zero(t, m.IntrospectionDepth)
			for name, pair := range map[string][2]int{
				"depth":           {m.Depth, d.MaxDepth},
				"complexity":      {m.Complexity, d.MaxComplexity},
				"aliases":         {m.Aliases, d.MaxAliases},
				"duplicateFields": {m.DuplicateFields, d.MaxDuplicateFields},
				"directives":      {m.Directives, d.MaxDirectives},
				"fieldDirectives": {m.FieldDirectives, d.MaxFieldDirectives},
				"rootFields":      {m.RootFields, d.MaxRootFields},
			} {
				assert.LessOrEqual(t, 2*pair[0], pair[1], "%s of %s", name, op.Name)
			}
		})
	}
}

// The measures of small documents, worked out by hand.
func TestMeasure(t *testing.T) {
	tests := []struct {
		name  string
		query string
		vars  map[string]any
		want  limits.Measures
	}{
		{
			name:  "the pricing example: a page of 100 batches with their essays",
			query: `{ viewer { batches(limit: 100) { nodes { essays { id } } } } }`,
			// viewer 1 + batches (1 + nodes (1 + 100 × essays (1 + 50 × 1)))
			want: limits.Measures{Depth: 5, Complexity: 5103, DuplicateFields: 1, RootFields: 1},
		},
		{
			name:  "the schema default page of 20, passed from the connection to nodes only",
			query: `{ viewer { batches { totalCount nodes { id title } } } }`,
			want:  limits.Measures{Depth: 4, Complexity: 1 + 1 + 1 + (1 + 20*2), DuplicateFields: 1, RootFields: 1},
		},
		{
			name:  "a page size from a variable's default",
			query: `query($n: Int = 7) { viewer { batches(limit: $n) { nodes { id } } } }`,
			want:  limits.Measures{Depth: 4, Complexity: 1 + 1 + 1 + 7, DuplicateFields: 1, RootFields: 1},
		},
		{
			name:  "a page size from a variable as the transport decodes it",
			query: `query($n: Int = 7) { viewer { batches(limit: $n) { nodes { id } } } }`,
			vars:  map[string]any{"n": json.Number("90")},
			want:  limits.Measures{Depth: 4, Complexity: 1 + 1 + 1 + 90, DuplicateFields: 1, RootFields: 1},
		},
		{
			name:  "a null page size is the resolver's default",
			query: `query($n: Int) { viewer { batches(limit: $n) { nodes { id } } } }`,
			want:  limits.Measures{Depth: 4, Complexity: 1 + 1 + 1 + 20, DuplicateFields: 1, RootFields: 1},
		},
		{
			name:  "first prices a cursor page like limit, edges and nodes alike",
			query: `{ viewer { batches(first: 50) { edges { cursor node { essays { id } } } pageInfo { endCursor } } } }`,
			// viewer 1 + batches (1 + edges (1 + 50 × (cursor 1 + node (1 + essays (1 + 50 × 1)))) + pageInfo (1 + 1))
			want: limits.Measures{Depth: 6, Complexity: 1 + 1 + (1 + 50*(1+1+1+50)) + 2, DuplicateFields: 1, RootFields: 1},
		},
		{
			name:  "last from a variable prices the page, not limit's default",
			query: `query($n: Int) { viewer { batches(last: $n, before: "c") { nodes { id } } } }`,
			vars:  map[string]any{"n": json.Number("40")},
			want:  limits.Measures{Depth: 4, Complexity: 1 + 1 + 1 + 40, DuplicateFields: 1, RootFields: 1},
		},
		{
			name:  "an absent first falls back to limit's default",
			query: `query($n: Int) { viewer { batches(first: $n) { nodes { id } } } }`,
			want:  limits.Measures{Depth: 4, Complexity: 1 + 1 + 1 + 20, DuplicateFields: 1, RootFields: 1},
		},
		{
			name:  "needsAttention prices its items by first",
			query: `{ viewer { needsAttention(first: 30) { items { reason batch { id } } } } }`,
			// viewer 1 + needsAttention (1 + items (1 + 30 × (1 + (1 + 1))))
			want: limits.Measures{Depth: 5, Complexity: 1 + 1 + 1 + 30*3, DuplicateFields: 1, RootFields: 1},
		},
		{
			name:  "a fragment counts once per spread",
			query: `{ viewer { ...T ...T } } fragment T on Teacher { x: id @include(if: true) }`,
			want:  limits.Measures{Depth: 2, Complexity: 3, Aliases: 2, DuplicateFields: 2, Directives: 2, FieldDirectives: 1, RootFields: 1},
		},
		{
			name:  "inline fragments merge into their selection set",
			query: `{ viewer { id ... on Teacher @skip(if: false) { id } } }`,
			want:  limits.Measures{Depth: 2, Complexity: 3, DuplicateFields: 2, Directives: 1, FieldDirectives: 1, RootFields: 1},
		},
		{
			name:  "introspection is measured apart",
			query: `{ __typename __type(name: "Batch") { fields { type { ofType { name } } } } }`,
			want: limits.Measures{Depth: 1, IntrospectionDepth: 5, IntrospectionLists: 1,
				Complexity: 1 + 1 + 1 + 1 + 1 + 1, DuplicateFields: 1, RootFields: 2},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, op := validated(t, tt.query)
			assert.Equal(t, tt.want, limits.Measure(schema, doc, op, tt.vars), "validated")
			doc, op = parse(t, tt.query)
			assert.Equal(t, tt.want, limits.Measure(schema, doc, op, tt.vars), "parsed only")
		})
	}
}

// Fragments are measured once per context: a fragment spread twice in
// each of 40 nested fragments (2^40 selections written out) is measured at
// once, and its counts stop at a ceiling instead of wrapping around.
func TestMeasureFragmentBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("{ viewer { ...F0 } }\n")
	for i := range 40 {
		fmt.Fprintf(&b, "fragment F%d on Teacher { ...F%d ...F%d }\n", i, i+1, i+1)
	}
	b.WriteString("fragment F40 on Teacher { id }\n")
	doc, op := parse(t, b.String())

	m := limits.Measure(schema, doc, op, nil)
	assert.Greater(t, m.DuplicateFields, 1<<29)
	assert.Greater(t, m.Complexity, 1<<29)
	assert.Equal(t, 2, m.Depth)

	err := limits.Check(schema, doc, op, nil)
	assertRefused(t, err, limits.LimitDuplicateFields)
}

// Validation refuses fragment cycles, but the first check runs before it:
// a cycle must end the walk, not the process.
func TestMeasureFragmentCycle(t *testing.T) {
	doc, op := parse(t, `{ viewer { ...A } }
fragment A on Teacher { id ...B }
fragment B on Teacher { orgId ...A }`)
	m := limits.Measure(schema, doc, op, nil)
	assert.Equal(t, 2, m.Depth)
	assert.NoError(t, limits.Check(schema, doc, op, nil))
}

func TestMeasureWithoutOperationOrSchema(t *testing.T) {
	assert.Equal(t, limits.Measures{}, limits.Measure(schema, &ast.QueryDocument{}, nil, nil))

	// Without a schema no field is known to be a list: only pages count.
	doc, op := parse(t, `{ viewer { batches(limit: 3) { nodes { essays { id } } } } }`)
	m := limits.Measure(nil, doc, op, nil)
	assert.Equal(t, 5, m.Complexity, "no list is known")
	assert.Equal(t, 5, m.Depth)
}
