package app_test

import (
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/devstack"
	"github.com/essaylab/teacher-bff/internal/testenv"
)

// Apollo Client's Accept for an operation with @defer (3.x and 4.x).
const acceptApolloDefer = "multipart/mixed;deferSpec=20220824,application/json"

// urql's default Accept for queries (@urql/core 6).
const acceptURQL = "application/graphql-response+json, application/graphql+json, application/json, text/event-stream, multipart/mixed"

// part is one payload of an incremental-delivery answer.
type part struct {
	Data        json.RawMessage `json:"data"`
	Errors      []testenv.Error `json:"errors"`
	HasNext     *bool           `json:"hasNext"`
	Incremental []struct {
		Data   json.RawMessage `json:"data"`
		Errors []testenv.Error `json:"errors"`
		Path   []any           `json:"path"`
		Label  string          `json:"label"`
	} `json:"incremental"`
}

// postDeferred posts query with accept and returns the response, its body
// read.
func postDeferred(t *testing.T, env *testenv.Env, query, accept string) (*http.Response, []byte) {
	t.Helper()
	return postOperation(t, env, query, nil, accept)
}

// postOperation is postDeferred with variables.
func postOperation(t *testing.T, env *testenv.Env, query string, vars map[string]any, accept string) (*http.Response, []byte) {
	t.Helper()
	params := map[string]any{"query": query}
	if vars != nil {
		params["variables"] = vars
	}
	b, _ := json.Marshal(params)
	req, err := http.NewRequest(http.MethodPost, env.Server.URL+"/graphql", strings.NewReader(string(b)))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", accept)
	req.Header.Set("Authorization", "Bearer "+env.Token(t, devstack.TeacherWithOrg))
	resp, err := env.Server.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, body
}

// readParts splits a multipart/mixed answer as a client does: by the
// boundary of its Content-Type, each part JSON under application/json.
func readParts(t *testing.T, resp *http.Response, body []byte) []part {
	t.Helper()
	mt, params, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	require.NoError(t, err)
	require.Equal(t, "multipart/mixed", mt)
	assert.Equal(t, "20220824", params["deferspec"], "the deferSpec Apollo Client asks for")
	r := multipart.NewReader(strings.NewReader(string(body)), params["boundary"])
	var out []part
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		require.NoError(t, err, "body: %q", body)
		assert.Contains(t, p.Header.Get("Content-Type"), "application/json")
		var v part
		require.NoError(t, json.NewDecoder(p).Decode(&v))
		out = append(out, v)
	}
	return out
}

// @defer is served as incremental delivery over multipart/mixed: the
// initial result without the deferred fields (not even as null), then their
// data at its path, and hasNext false on the last part.
func TestDeferOverMultipartMixed(t *testing.T) {
	env := testenv.Start(t)
	const query = `{ viewer { id ... @defer(label: "credits") { credits { userBalance } } } }`
	resp, body := postDeferred(t, env, query, acceptApolloDefer)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)

	parts := readParts(t, resp, body)
	require.Len(t, parts, 2, "%s", body)
	// gqlgen's executor holds the deferred field's place with null;
	// internal/incremental drops it (DeferStream RFC, "Payload format").
	assert.JSONEq(t, `{"viewer":{"id":"`+devstack.TeacherWithOrg+`"}}`, string(parts[0].Data))
	require.NotNil(t, parts[0].HasNext)
	assert.True(t, *parts[0].HasNext)

	require.Len(t, parts[1].Incremental, 1)
	inc := parts[1].Incremental[0]
	assert.Equal(t, "credits", inc.Label)
	assert.Equal(t, []any{"viewer"}, inc.Path)
	var credits struct {
		Credits *struct{ UserBalance *int } `json:"credits"`
	}
	require.NoError(t, json.Unmarshal(inc.Data, &credits))
	require.NotNil(t, credits.Credits, "the deferred data comes: %s", inc.Data)
	require.NotNil(t, credits.Credits.UserBalance)
	assert.Empty(t, inc.Errors)
	require.NotNil(t, parts[1].HasNext)
	assert.False(t, *parts[1].HasNext)
}

// A deferred page of batches meets the others at the loaders' gate and is
// delivered with its classes.
func TestDeferredPage(t *testing.T) {
	env := testenv.Start(t)
	const query = `{ viewer { id ... @defer { batches(limit: 2) { nodes { id class { name } } } } } }`
	resp, body := postDeferred(t, env, query, acceptApolloDefer)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	parts := readParts(t, resp, body)
	require.Len(t, parts, 2, "%s", body)
	require.Len(t, parts[1].Incremental, 1)
	assert.Contains(t, string(parts[1].Incremental[0].Data), `"nodes":[{"id":`)
	assert.Empty(t, parts[1].Incremental[0].Errors)
}

// A client that cannot read incremental delivery is told so with a code;
// one that prefers an event stream gets the same payloads as events; a
// disabled @defer is an ordinary query.
func TestDeferNegotiation(t *testing.T) {
	env := testenv.Start(t)
	const query = `{ viewer { id ... @defer { credits { userBalance } } } }`

	resp, body := postDeferred(t, env, query, "application/graphql-response+json, application/json")
	assert.Equal(t, http.StatusNotAcceptable, resp.StatusCode)
	assert.Contains(t, string(body), `"code":"NOT_ACCEPTABLE"`)
	assert.NotContains(t, string(body), `"data"`)

	// urql's default Accept lists JSON first: multipart/mixed, not the
	// event stream it lists before it.
	resp, body = postDeferred(t, env, query, acceptURQL)
	assert.Contains(t, resp.Header.Get("Content-Type"), "multipart/mixed")
	assert.Len(t, readParts(t, resp, body), 2)

	resp, body = postDeferred(t, env, query, "text/event-stream")
	assert.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
	assert.Contains(t, string(body), `"hasNext":true`)
	assert.Contains(t, string(body), `"userBalance":`)
	assert.Contains(t, string(body), "event: complete")

	// multipart/mixed alone, without @defer: one part (it was a 400
	// text/plain "transport not supported").
	resp, body = postDeferred(t, env, `{ viewer { id } }`, "multipart/mixed")
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	parts := readParts(t, resp, body)
	require.Len(t, parts, 1)
	assert.JSONEq(t, `{"viewer":{"id":"`+devstack.TeacherWithOrg+`"}}`, string(parts[0].Data))
	require.NotNil(t, parts[0].HasNext)
	assert.False(t, *parts[0].HasNext)

	resp, body = postDeferred(t, env, `{ viewer { id ... @defer(if: false) { credits { userBalance } } } }`, "application/json")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(body), `"userBalance":`)
	assert.NotContains(t, string(body), "hasNext")
}

// The limits price what a deferred fragment asks for like any other
// selection: deferring a costly selection does not get it past them.
func TestDeferredFragmentsArePriced(t *testing.T) {
	env := testenv.Start(t)
	const query = `{ viewer { id ... @defer { a: batches(limit: 100) { nodes { essays { id filename } } } b: batches(limit: 100) { nodes { essays { id } } } } } }`
	resp, body := postDeferred(t, env, query, acceptApolloDefer)
	// A request error, answered in the JSON type the client also accepts
	// (application/json: 200, GraphQL-over-HTTP's legacy rule).
	assert.Equal(t, "application/json; charset=utf-8", resp.Header.Get("Content-Type"))
	assert.Contains(t, string(body), `"code":"OPERATION_LIMIT_EXCEEDED"`)
	assert.Contains(t, string(body), `"limit":"complexity"`)
	assert.NotContains(t, string(body), `"data"`)

	resp, body = postDeferred(t, env, query, "multipart/mixed")
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "multipart/mixed alone: a request error in application/graphql-response+json")
	assert.Contains(t, string(body), `"code":"OPERATION_LIMIT_EXCEEDED"`)
}

// @stream is not in the schema: asking for it is a validation error, not a
// list delivered at once as if it had been streamed.
func TestStreamIsRefused(t *testing.T) {
	env := testenv.Start(t)
	resp, body := postDeferred(t, env, `{ viewer { batches(limit: 2) { nodes @stream(initialCount: 1) { id } } } }`, acceptApolloDefer)
	assert.Equal(t, "application/json; charset=utf-8", resp.Header.Get("Content-Type"))
	assert.Contains(t, string(body), `"code":"GRAPHQL_VALIDATION_FAILED"`)
	assert.Contains(t, string(body), `stream`)
	assert.NotContains(t, string(body), `"data"`)
}
