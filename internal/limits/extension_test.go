package limits_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/essaylab/teacher-bff/internal/gqlerr"
	"github.com/essaylab/teacher-bff/internal/testenv/testkit"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/essaylab/teacher-bff/graph"
	"github.com/essaylab/teacher-bff/internal/limits"
)

// newServer is gqlgen's handler over the real schema with no upstreams:
// a resolver that ran would fail or panic, so a refusal without data shows
// that none ran. before are registered ahead of the Limiter.
func newServer(t *testing.T, cfg limits.Config, before ...graphql.HandlerExtension) string {
	t.Helper()
	srv := handler.New(graph.NewSchema(graph.Deps{}))
	srv.AddTransport(transport.POST{})
	srv.SetParserTokenLimit(limits.ParserTokenLimit)
	srv.Use(extension.Introspection{})
	for _, e := range before {
		srv.Use(e)
	}
	srv.Use(limits.New(cfg))
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts.URL
}

// assertNoData asserts a request error: gqlgen answers those with a null
// data, having run nothing.
func assertNoData(t *testing.T, res testkit.Response) {
	t.Helper()
	assert.Contains(t, []string{"", "null"}, string(res.Data), "nothing executed")
}

func assertRefused(t *testing.T, err error, limit string) {
	t.Helper()
	var gqlErr *gqlerror.Error
	require.True(t, errors.As(err, &gqlErr), "want a refusal of %s, got %v", limit, err)
	assert.Equal(t, string(gqlerr.CodeLimitExceeded), gqlErr.Extensions["code"])
	assert.Equal(t, limit, gqlErr.Extensions["limit"])
}

// repeat joins n copies of format, each given its index.
func repeat(n int, format string) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf(format, i)
	}
	return strings.Join(parts, " ")
}

var hostile = []struct {
	name    string
	cfg     limits.Config
	query   string
	limit   string
	message string
}{
	{
		name:    "101 aliases",
		query:   "{ viewer { " + repeat(101, "a%d: id") + " } }",
		limit:   limits.LimitAliases,
		message: "alias count 101 exceeds the limit of 30",
	},
	{
		name:    "one field 500 times",
		query:   "{ viewer { " + strings.Repeat("id ", 500) + "} }",
		limit:   limits.LimitDuplicateFields,
		message: "selection count of one field 500 exceeds the limit of 20",
	},
	{
		// Validation would refuse the repeated @skip too, but only after
		// paying for itself; the first check refuses it earlier.
		name:    "10 directives on one field",
		query:   "{ viewer { id " + strings.Repeat("@skip(if: false) ", 10) + "} }",
		limit:   limits.LimitFieldDirectives,
		message: "directive count on one field 10 exceeds the limit of 5",
	},
	{
		name:    "21 directives in the operation",
		query:   "{ viewer { " + repeat(21, "a%d: id @include(if: true)") + " } }",
		limit:   limits.LimitDirectives,
		message: "directive count 21 exceeds the limit of 20",
	},
	{
		name:    "11 root fields",
		query:   "{ " + repeat(11, "t%d: __typename") + " }",
		limit:   limits.LimitRootFields,
		message: "root field count 11 exceeds the limit of 10",
	},
	{
		// The schema is 5 deep at most, so the default of 10 is only
		// reachable through introspection, which has its own limit below.
		name:    "depth 5 over a limit of 4",
		cfg:     limits.Config{MaxDepth: 4},
		query:   "{ viewer { batches { nodes { class { id } } } } }",
		limit:   limits.LimitDepth,
		message: "query depth 5 exceeds the limit of 4",
	},
	{
		name:    "an ofType chain 25 deep",
		query:   `{ __type(name: "Batch") { fields { type { ` + strings.Repeat("ofType { ", 21) + "name" + strings.Repeat(" }", 21) + " } } } }",
		limit:   limits.LimitIntrospectionDepth,
		message: "introspection depth 25 exceeds the limit of 20",
	},
	{
		// graphql-cop's circular introspection query.
		name:    "circular introspection",
		query:   "query cop { __schema { types { fields { type { fields { type { fields { type { fields { type { name } } } } } } } } } } }",
		limit:   limits.LimitIntrospectionLists,
		message: "introspection list nesting 4 exceeds the limit of 2",
	},
	{
		name:  "essays of three pages of 100 batches",
		query: "{ " + repeat(3, "v%d: viewer { batches(limit: 100) { nodes { essays { id filename } } } }") + " }",
		limit: limits.LimitComplexity,
		// 3 × (1 + 1 + 1 + 100 × (1 + 50 × 2))
		message: "query complexity 30309 exceeds the limit of 5000",
	},
}

// Each hostile document is refused by Check, and by the server with a
// request error before any resolver runs.
func TestHostileOperationsAreRefused(t *testing.T) {
	for _, tt := range hostile {
		t.Run(tt.name, func(t *testing.T) {
			doc, op := parse(t, tt.query)
			err := tt.cfg.Check(schema, doc, op, nil)
			assertRefused(t, err, tt.limit)
			assert.EqualError(t, err, "input: "+tt.message)

			status, res := testkit.Post(t, newServer(t, tt.cfg), map[string]any{"query": tt.query})
			assert.Equal(t, http.StatusBadRequest, status)
			assertNoData(t, res)
			require.Len(t, res.Errors, 1)
			assert.Equal(t, tt.message, res.Errors[0].Message)
			assert.Equal(t, string(gqlerr.CodeLimitExceeded), res.Errors[0].Extensions["code"])
			assert.Equal(t, tt.limit, res.Errors[0].Extensions["limit"])
		})
	}
}

// The first check runs before validation, which never sees the document:
// validation would refuse this one for its unknown field, and would first
// pay for comparing the 500 ids pairwise.
func TestRefusedBeforeValidation(t *testing.T) {
	query := "{ viewer { " + strings.Repeat("id ", 500) + "noSuchField } }"
	status, res := testkit.Post(t, newServer(t, limits.Config{}), map[string]any{"query": query})
	assert.Equal(t, http.StatusBadRequest, status)
	require.Len(t, res.Errors, 1)
	assert.Equal(t, string(gqlerr.CodeLimitExceeded), res.Errors[0].Extensions["code"])
	assert.Equal(t, limits.LimitDuplicateFields, res.Errors[0].Extensions["limit"])
}

// A negative limit is off; the others stay on.
func TestNegativeLimitIsOff(t *testing.T) {
	doc, op := parse(t, hostile[0].query)
	assert.NoError(t, limits.Config{MaxAliases: -1}.Check(schema, doc, op, nil))
	assertRefused(t, limits.Config{MaxAliases: -1, MaxRootFields: -1, MaxComplexity: 50}.Check(schema, doc, op, nil),
		limits.LimitComplexity)
}

func TestWithDefaults(t *testing.T) {
	got := limits.Config{MaxDepth: -1, MaxAliases: 7}.WithDefaults()
	want := limits.Defaults()
	want.MaxDepth, want.MaxAliases = -1, 7
	assert.Equal(t, want, got)
	assert.Equal(t, limits.Defaults(), limits.Config{}.WithDefaults())
}

// GraphiQL's introspection query runs under the default limits.
func TestGraphiQLIntrospectionRuns(t *testing.T) {
	status, res := testkit.Post(t, newServer(t, limits.Config{}), map[string]any{"query": graphiQL(t)})
	assert.Equal(t, http.StatusOK, status)
	require.Empty(t, res.Errors)
	var data struct {
		Schema struct {
			Types []struct{ Name string } `json:"types"`
		} `json:"__schema"`
	}
	require.NoError(t, json.Unmarshal(res.Data, &data))
	var names []string
	for _, ty := range data.Schema.Types {
		names = append(names, ty.Name)
	}
	assert.Contains(t, names, "Batch")
}

// A document the first check cannot see (a persisted query filled in by an
// extension registered after the Limiter) is refused by the second, still
// before execution.
func TestSecondCheckCoversPersistedQueries(t *testing.T) {
	query := hostile[len(hostile)-1].query
	sum := sha256.Sum256([]byte(query))
	hash := hex.EncodeToString(sum[:])
	cache := graphql.MapCache[string]{hash: query}

	srv := handler.New(graph.NewSchema(graph.Deps{}))
	srv.AddTransport(transport.POST{})
	srv.Use(limits.New(limits.Config{}))
	srv.Use(extension.AutomaticPersistedQuery{Cache: cache})
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)

	status, res := testkit.Post(t, ts.URL, map[string]any{
		"extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hash}},
	})
	assert.Equal(t, http.StatusBadRequest, status)
	assertNoData(t, res)
	require.Len(t, res.Errors, 1)
	assert.Equal(t, limits.LimitComplexity, res.Errors[0].Extensions["limit"])
}

// Documents that do not parse or name a missing operation are left to
// gqlgen's own errors.
func TestGqlgenErrorsAreKept(t *testing.T) {
	url := newServer(t, limits.Config{})
	for _, body := range []map[string]any{
		{"query": "{ viewer { id "},
		{"query": "query A { __typename }", "operationName": "B"},
	} {
		status, res := testkit.Post(t, url, body)
		assert.Equal(t, http.StatusBadRequest, status)
		require.Len(t, res.Errors, 1)
		assert.NotEqual(t, string(gqlerr.CodeLimitExceeded), res.Errors[0].Extensions["code"])
	}
	status, res := testkit.Post(t, url, map[string]any{"query": "{ __typename }"})
	assert.Equal(t, http.StatusOK, status)
	assert.JSONEq(t, `{"__typename":"Query"}`, string(res.Data))
}
