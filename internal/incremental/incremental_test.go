package incremental_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/essaylab/teacher-bff/graph"
	"github.com/essaylab/teacher-bff/internal/incremental"
)

var schema = graph.NewSchema(graph.Deps{}).Schema()

// operation prepares query as the executor does: validated, variables
// coerced.
func operation(t *testing.T, query string, vars map[string]any) *graphql.OperationContext {
	t.Helper()
	doc, errs := gqlparser.LoadQueryWithRules(schema, query, nil) // nil: the default rules
	require.Empty(t, errs, "query validates")
	op := doc.Operations[0]
	coerced, err := validator.VariableValues(schema, op, vars)
	require.NoError(t, err)
	return &graphql.OperationContext{RawQuery: query, Doc: doc, Operation: op, Variables: coerced}
}

// payload is one of gqlgen's payloads (graphql.Response) as the executor
// writes it: the first without path, each later one a deferred fragment's
// fields at its path.
type payload struct {
	path  []any
	label string
	data  string
}

func (p payload) response() *graphql.Response {
	more := true
	resp := &graphql.Response{Data: json.RawMessage(p.data), Label: p.label, HasNext: &more}
	for _, el := range p.path {
		switch v := el.(type) {
		case string:
			resp.Path = append(resp.Path, ast.PathName(v))
		case int:
			resp.Path = append(resp.Path, ast.PathIndex(v))
		}
	}
	return resp
}

func newPruner(t *testing.T) *incremental.Pruner {
	t.Helper()
	p, err := incremental.New(schema, graph.HeldBack)
	require.NoError(t, err)
	return p
}

// Each payload as gqlgen v0.17.98 writes it for the query (null where it
// held a deferred field back), and as it must be sent: without the held-back
// keys, everything else byte for byte and in order.
func TestPrune(t *testing.T) {
	tests := []struct {
		name     string
		query    string
		vars     map[string]any
		payloads []payload
		want     []string
	}{
		{
			name:  "a resolver field in a deferred fragment is absent until delivered",
			query: `{ viewer { id ... @defer(label: "c") { credits { userBalance } } } }`,
			payloads: []payload{
				{data: `{"viewer":{"id":"t1","credits":null}}`},
				{path: []any{"viewer"}, label: "c", data: `{"credits":{"userBalance":847}}`},
			},
			want: []string{`{"viewer":{"id":"t1"}}`, `{"credits":{"userBalance":847}}`},
		},
		{
			name:  "a plain field in a deferred fragment comes at once and stays",
			query: `{ viewer { ... @defer { id orgId __typename credits { userBalance } } } }`,
			payloads: []payload{
				{data: `{"viewer":{"id":"t1","orgId":"o1","__typename":"Teacher","credits":null}}`},
				{path: []any{"viewer"}, data: `{"credits":{"userBalance":847}}`},
			},
			want: []string{`{"viewer":{"id":"t1","orgId":"o1","__typename":"Teacher"}}`, `{"credits":{"userBalance":847}}`},
		},
		{
			name:  "the other keys keep their order",
			query: `{ viewer { id ... @defer { credits { userBalance } } orgId } }`,
			payloads: []payload{
				{data: `{"viewer":{"id":"t1","credits":null,"orgId":"o1"}}`},
			},
			want: []string{`{"viewer":{"id":"t1","orgId":"o1"}}`},
		},
		{
			name:  "a field selected inside and outside a @defer is not deferred",
			query: `{ viewer { credits { userBalance } ... @defer { credits { orgBalance } batchCounts { all } } } }`,
			payloads: []payload{
				{data: `{"viewer":{"credits":{"userBalance":847,"orgBalance":12000},"batchCounts":null}}`},
				{path: []any{"viewer"}, data: `{"batchCounts":{"all":55}}`},
			},
			want: []string{`{"viewer":{"credits":{"userBalance":847,"orgBalance":12000}}}`, `{"batchCounts":{"all":55}}`},
		},
		{
			name:  "@defer(if: false) does not defer",
			query: `query ($d: Boolean!) { viewer { ... @defer(if: $d) { credits { userBalance } } ... @defer { batchCounts { all } } } }`,
			vars:  map[string]any{"d": false},
			payloads: []payload{
				{data: `{"viewer":{"credits":{"userBalance":847},"batchCounts":null}}`},
				{path: []any{"viewer"}, data: `{"batchCounts":{"all":55}}`},
			},
			want: []string{`{"viewer":{"credits":{"userBalance":847}}}`, `{"batchCounts":{"all":55}}`},
		},
		{
			name:  "@defer(if: true) from a variable defers",
			query: `query ($d: Boolean!) { viewer { id ... @defer(if: $d) { credits { userBalance } } } }`,
			vars:  map[string]any{"d": true},
			payloads: []payload{
				{data: `{"viewer":{"id":"t1","credits":null}}`},
			},
			want: []string{`{"viewer":{"id":"t1"}}`},
		},
		{
			name: "a deferred fragment spread; a spread without @defer holding an inline @defer",
			query: `query { viewer { id ...Money @defer(label: "money") ...Counts } }
				fragment Money on Teacher { orgId credits { userBalance } }
				fragment Counts on Teacher { ... @defer(label: "counts") { batchCounts { all } } }`,
			payloads: []payload{
				{data: `{"viewer":{"id":"t1","orgId":"o1","credits":null,"batchCounts":null}}`},
				{path: []any{"viewer"}, label: "money", data: `{"credits":{"userBalance":847}}`},
				{path: []any{"viewer"}, label: "counts", data: `{"batchCounts":{"all":55}}`},
			},
			want: []string{`{"viewer":{"id":"t1","orgId":"o1"}}`, `{"credits":{"userBalance":847}}`, `{"batchCounts":{"all":55}}`},
		},
		{
			name:  "aliases: keys and paths are response keys",
			query: `{ me: viewer { ... @defer { c: credits { userBalance } credits { orgBalance } } } }`,
			payloads: []payload{
				{data: `{"me":{"c":null,"credits":null}}`},
				{path: []any{"me"}, data: `{"c":{"userBalance":847},"credits":{"orgBalance":12000}}`},
			},
			want: []string{`{"me":{}}`, `{"c":{"userBalance":847},"credits":{"orgBalance":12000}}`},
		},
		{
			name:  "a @defer in a list's items: each item, each at its own path",
			query: `{ viewer { batches(limit: 2) { nodes { id ... @defer { class { name } validation { deviationCount } } } } } }`,
			payloads: []payload{
				{data: `{"viewer":{"batches":{"nodes":[{"id":"b1","class":null,"validation":null},{"id":"b2","class":null,"validation":null}]}}}`},
				{path: []any{"viewer", "batches", "nodes", 1}, data: `{"class":{"name":"SA22B"},"validation":{"deviationCount":0}}`},
				{path: []any{"viewer", "batches", "nodes", 0}, data: `{"class":null,"validation":null}`},
			},
			want: []string{
				`{"viewer":{"batches":{"nodes":[{"id":"b1"},{"id":"b2"}]}}}`,
				`{"class":{"name":"SA22B"},"validation":{"deviationCount":0}}`,
				`{"class":null,"validation":null}`,
			},
		},
		{
			name: "nested @defer: the outer fragment's payload holds the inner's placeholders",
			query: `{ viewer { id ... @defer(label: "outer") { batches(limit: 2) { totalCount nodes { id
				... @defer(label: "inner") { class { name } } } } } } }`,
			payloads: []payload{
				{data: `{"viewer":{"id":"t1","batches":null}}`},
				{path: []any{"viewer"}, label: "outer", data: `{"batches":{"totalCount":55,"nodes":[{"id":"b1","class":null},{"id":"b2","class":null}]}}`},
				{path: []any{"viewer", "batches", "nodes", 0}, label: "inner", data: `{"class":{"name":"SA22B"}}`},
				{path: []any{"viewer", "batches", "nodes", 1}, label: "inner", data: `{"class":null}`},
			},
			want: []string{
				`{"viewer":{"id":"t1"}}`,
				`{"batches":{"totalCount":55,"nodes":[{"id":"b1"},{"id":"b2"}]}}`,
				`{"class":{"name":"SA22B"}}`,
				`{"class":null}`,
			},
		},
		{
			name:  "errors in a deferred payload: a field's null is its value, a nulled fragment stays null",
			query: `{ viewer { id ... @defer(label: "c") { credits { userBalance } } ... @defer(label: "b") { batches { totalCount } } } }`,
			payloads: []payload{
				{data: `{"viewer":{"id":"t1","credits":null,"batches":null}}`},
				{path: []any{"viewer"}, label: "c", data: `{"credits":null}`},
				{path: []any{"viewer"}, label: "b", data: `null`},
			},
			want: []string{`{"viewer":{"id":"t1"}}`, `{"credits":null}`, `null`},
		},
		{
			name:  "a null parent has nothing to drop",
			query: `{ viewer { id ... @defer { credits { userBalance } } } }`,
			payloads: []payload{
				{data: `{"viewer":null}`},
			},
			want: []string{`{"viewer":null}`},
		},
		{
			name: "the first spread of a fragment decides, as gqlgen collects it",
			query: `query { viewer { ...Money @defer ...Money } }
				fragment Money on Teacher { credits { userBalance } }`,
			payloads: []payload{
				{data: `{"viewer":{"credits":null}}`},
				{path: []any{"viewer"}, data: `{"credits":{"userBalance":847}}`},
			},
			want: []string{`{"viewer":{}}`, `{"credits":{"userBalance":847}}`},
		},
		{
			name:  "HTML characters and escapes in the kept values are left as they are",
			query: `{ viewer { batches(limit: 1) { nodes { title ... @defer { class { name } } } } } }`,
			payloads: []payload{
				{data: `{"viewer":{"batches":{"nodes":[{"title":"<b>Q&A</b> \"1\" \u00e9","class":null}]}}}`},
			},
			want: []string{`{"viewer":{"batches":{"nodes":[{"title":"<b>Q&A</b> \"1\" \u00e9"}]}}}`},
		},
	}
	p := newPruner(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc := operation(t, tt.query, tt.vars)
			require.Len(t, tt.want, len(tt.payloads))
			for i, pl := range tt.payloads {
				resp := pl.response()
				require.NoError(t, p.Prune(rc, resp))
				assert.Equal(t, tt.want[i], string(resp.Data), "payload %d", i)
			}
		})
	}
}

// A payload without hasNext (no @defer took effect) is not walked: the
// same bytes, no allocation, whatever its nulls.
func TestPruneLeavesOperationsWithoutDeferAlone(t *testing.T) {
	p := newPruner(t)
	rc := operation(t, `{ viewer { id credits { userBalance } } }`, nil)
	data := json.RawMessage(`{"viewer":{"id":"t1","credits":null}}`)
	resp := &graphql.Response{Data: data}
	require.NoError(t, p.Prune(rc, resp))
	assert.Equal(t, &data[0], &resp.Data[0], "the same bytes")

	mw := p.Middleware(slog.New(slog.DiscardHandler))
	ctx := graphql.WithOperationContext(context.Background(), rc)
	next := func(context.Context) *graphql.Response { return resp }
	allocs := testing.AllocsPerRun(100, func() { _ = mw(ctx, next) })
	assert.Zero(t, allocs)
}

// The middleware prunes what the executor hands it, and a payload it
// cannot walk is sent as the executor wrote it, with an error logged.
func TestMiddleware(t *testing.T) {
	p := newPruner(t)
	var logs bytes.Buffer
	mw := p.Middleware(slog.New(slog.NewJSONHandler(&logs, nil)))
	rc := operation(t, `{ viewer { id ... @defer { credits { userBalance } } } }`, nil)
	ctx := graphql.WithOperationContext(context.Background(), rc)

	resp := mw(ctx, func(context.Context) *graphql.Response {
		return payload{data: `{"viewer":{"id":"t1","credits":null}}`}.response()
	})
	assert.JSONEq(t, `{"viewer":{"id":"t1"}}`, string(resp.Data))
	assert.Empty(t, logs.String())

	assert.Nil(t, mw(ctx, func(context.Context) *graphql.Response { return nil }), "the end of the stream passes through")

	bad := `{"viewer":{"id":"t1","nope":null}}`
	resp = mw(ctx, func(context.Context) *graphql.Response { return payload{data: bad}.response() })
	assert.Equal(t, bad, string(resp.Data))
	assert.Contains(t, logs.String(), `"msg":"deferred fields left in place"`)
	assert.Contains(t, logs.String(), `no field at key \"nope\"`)
}

// Payloads that do not fit the operation are errors, and left unchanged.
func TestPruneErrors(t *testing.T) {
	p := newPruner(t)
	rc := operation(t, `{ viewer { id ... @defer { credits { userBalance } } } }`, nil)
	for _, pl := range []payload{
		{path: []any{"nobody"}, data: `{"credits":null}`},
		{data: `{"viewer":[1]}`},
		{data: `{"viewer":{"id":"t1","credits":null}`},
		{data: `[]`},
	} {
		resp := pl.response()
		assert.Error(t, p.Prune(rc, resp), "%s at %v", pl.data, pl.path)
		assert.Equal(t, pl.data, string(resp.Data))
	}
}

// A schema with an interface or union is refused: an object's type would
// not be known from the data.
func TestNewRefusesAbstractTypes(t *testing.T) {
	for _, sdl := range []string{
		`type Query { node: Node } interface Node { id: ID! } type A implements Node { id: ID! }`,
		`type Query { thing: Thing } union Thing = A | B type A { a: Int } type B { b: Int }`,
	} {
		s, err := gqlparser.LoadSchema(&ast.Source{Input: sdl})
		require.NoError(t, err)
		_, err = incremental.New(s, graph.HeldBack)
		assert.ErrorContains(t, err, "abstract types are not supported")
	}
	_, err := incremental.New(schema, nil)
	assert.Error(t, err)
}
