package app_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/devstack"
	"github.com/essaylab/teacher-bff/internal/testenv"
)

// In production an introspection query is a client error of its own: 400
// INTROSPECTION_DISABLED, counted under that code, never logged at ERROR
// nor counted as an internal error. __typename is still answered.
func TestProductionIntrospectionIsAClientError(t *testing.T) {
	var logs testenv.Logs
	env := testenv.StartWith(t, map[string]string{"BFF_ENV": "production"}, testenv.WithLogs(&logs))
	token := env.Token(t, devstack.TeacherWithOrg)
	for _, q := range []string{
		`{ __schema { types { name } } }`,
		`{ __type(name: "Batch") { name } }`,
		`query { ...S } fragment S on Query { __schema { queryType { name } } }`,
	} {
		resp := env.Do(t, testenv.Request{Query: q, Token: token}, nil)
		assert.Equal(t, http.StatusBadRequest, resp.Status, q)
		assert.Equal(t, "INTROSPECTION_DISABLED", resp.Code(), q)
		assert.Empty(t, resp.Data, q)
	}
	resp := env.Do(t, testenv.Request{Query: `{ __typename viewer { id } }`, Token: token}, nil)
	assert.Empty(t, resp.Errors)

	m := scrape(t, env)
	assert.Contains(t, m, `bff_graphql_errors_total{code="INTROSPECTION_DISABLED"} 3`)
	assert.NotContains(t, m, `code="INTERNAL_SERVER_ERROR"`)
	for _, l := range logs.Lines(t) {
		assert.NotEqual(t, "ERROR", l["level"], "logged at error: %v", l)
	}
}

// Requests refused before GraphQL runs are counted by code, and every
// request by HTTP status.
func TestRefusalsAreCounted(t *testing.T) {
	env := testenv.StartWith(t, map[string]string{"BFF_RATE_LIMIT": "3", "BFF_MAX_BODY_BYTES": "200"})
	token := env.Token(t, devstack.TeacherWithOrg)
	post := func(body, contentType, token string) int {
		req, err := http.NewRequest(http.MethodPost, env.Server.URL+"/graphql", strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", contentType)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := env.Server.Client().Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		return resp.StatusCode
	}
	ok := `{"query":"{ viewer { id } }"}`
	assert.Equal(t, http.StatusUnauthorized, post(ok, "application/json", ""))
	assert.Equal(t, http.StatusBadRequest, post(ok, "text/plain", token))
	assert.Equal(t, http.StatusRequestEntityTooLarge, post(`{"query":"{ viewer { id } }","x":"`+strings.Repeat("x", 300)+`"}`, "application/json", token))
	assert.Equal(t, http.StatusOK, post(ok, "application/json", token))
	assert.Equal(t, http.StatusOK, post(ok, "application/json", token))
	assert.Equal(t, http.StatusTooManyRequests, post(ok, "application/json", token))
	resp, err := env.Server.Client().Get(env.Server.URL + "/healthz")
	require.NoError(t, err)
	_ = resp.Body.Close()

	m := scrape(t, env)
	for _, want := range []string{
		`bff_graphql_errors_total{code="UNAUTHENTICATED"} 1`,
		`bff_graphql_errors_total{code="CSRF_PREVENTED"} 1`,
		`bff_graphql_errors_total{code="PAYLOAD_TOO_LARGE"} 1`,
		`bff_graphql_errors_total{code="RATE_LIMITED"} 1`,
		`bff_http_requests_total{status="401"} 1`,
		`bff_http_requests_total{status="400"} 1`,
		`bff_http_requests_total{status="413"} 1`,
		`bff_http_requests_total{status="429"} 1`,
		`bff_http_requests_total{status="200"} 3`,
	} {
		assert.Contains(t, m, want)
	}
}

// Probes log at debug; every request line carries its duration in
// milliseconds, as a number, under duration_ms.
func TestRequestLogLines(t *testing.T) {
	var logs testenv.Logs
	env := testenv.Start(t, testenv.WithLogs(&logs))
	for _, path := range []string{"/healthz", "/readyz"} {
		resp, err := env.Server.Client().Get(env.Server.URL + path)
		require.NoError(t, err)
		_ = resp.Body.Close()
	}
	env.Do(t, testenv.Request{Query: `{ viewer { id } }`, Token: env.Token(t, devstack.TeacherWithOrg)}, nil)

	levels := map[string]string{}
	for _, l := range logs.Lines(t) {
		if l["msg"] != "request" {
			continue
		}
		path, _ := l["path"].(string)
		levels[path], _ = l["level"].(string)
		ms, ok := l["duration_ms"].(float64)
		assert.True(t, ok && ms >= 0, "duration_ms of %s: %v", path, l["duration_ms"])
		assert.NotContains(t, l, "duration")
	}
	assert.Equal(t, map[string]string{"/healthz": "DEBUG", "/readyz": "DEBUG", "/graphql": "INFO"}, levels)
}
