package app_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/devstack"
	"github.com/essaylab/teacher-bff/internal/testenv"
)

// hostile is one request a security review would try, with the exact answer
// it must get.
type hostile struct {
	name   string
	req    func(t *testing.T, env *testenv.Env) *http.Request
	status int
	code   string
	// limit is extensions.limit for OPERATION_LIMIT_EXCEEDED.
	limit string
}

func gqlPost(body string, header map[string]string) func(t *testing.T, env *testenv.Env) *http.Request {
	return func(t *testing.T, env *testenv.Env) *http.Request {
		req, err := http.NewRequest(http.MethodPost, env.Server.URL+"/graphql", strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/graphql-response+json")
		req.Header.Set("Authorization", "Bearer "+env.Token(t, devstack.TeacherWithOrg))
		for k, v := range header {
			if v == "" {
				req.Header.Del(k)
				continue
			}
			req.Header.Set(k, v)
		}
		return req
	}
}

func query(q string) string {
	b, _ := json.Marshal(map[string]string{"query": q})
	return string(b)
}

func repeat(s string, n int) string { return strings.Repeat(s, n) }

func hostileCases(t *testing.T) []hostile {
	aliases := "{ viewer { " + func() string {
		var b strings.Builder
		for i := range 101 {
			b.WriteString("a" + strconv.Itoa(i) + ": id ")
		}
		return b.String()
	}() + "} }"
	circular := "{ __schema { types { fields { type { fields { type { fields { type { fields { name } } } } } } } } } }"
	deepIntrospection := `{ __type(name: "Batch") { fields { type ` + repeat("{ ofType ", 23) + "{ name }" + repeat(" }", 23) + " } } }"
	exp := time.Now().Add(time.Hour).Unix()
	b64 := base64.RawURLEncoding.EncodeToString
	sign := func(secret string, claims jwt.MapClaims) string {
		tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(secret))
		require.NoError(t, err)
		return "Bearer " + tok
	}
	return []hostile{
		{name: "101 aliases", req: gqlPost(query(aliases), nil), status: 400, code: "OPERATION_LIMIT_EXCEEDED", limit: "aliases"},
		{name: "500 duplicate fields", req: gqlPost(query("{ viewer { "+repeat("id ", 500)+"} }"), nil), status: 400, code: "OPERATION_LIMIT_EXCEEDED", limit: "duplicateFields"},
		{name: "10 repeated directives", req: gqlPost(query("{ viewer { id"+repeat(" @skip(if: false)", 10)+" } }"), nil), status: 400, code: "OPERATION_LIMIT_EXCEEDED", limit: "fieldDirectives"},
		{name: "circular introspection", req: gqlPost(query(circular), nil), status: 400, code: "OPERATION_LIMIT_EXCEEDED", limit: "introspectionLists"},
		{name: "deep query", req: gqlPost(query(deepIntrospection), nil), status: 400, code: "OPERATION_LIMIT_EXCEEDED", limit: "introspectionDepth"},
		{name: "costly essays under big pages", req: gqlPost(query("{ viewer { a: batches(limit: 100) { nodes { essays { id filename } } } b: batches(limit: 100) { nodes { essays { id } } } } }"), nil), status: 400, code: "OPERATION_LIMIT_EXCEEDED", limit: "complexity"},
		{name: "too many root fields", req: gqlPost(query("{ "+func() string {
			var b strings.Builder
			for i := range 11 {
				b.WriteString("v" + strconv.Itoa(i) + ": viewer { id } ")
			}
			return b.String()
		}()+"}"), nil), status: 400, code: "OPERATION_LIMIT_EXCEEDED", limit: "rootFields"},
		{name: "10-operation array batch", req: gqlPost("["+strings.TrimSuffix(repeat(query("{ viewer { id } }")+",", 10), ",")+"]", nil), status: 400, code: "BAD_REQUEST"},
		{name: "malformed JSON", req: gqlPost(`{"query": "{ viewer { id } }"`, nil), status: 400, code: "BAD_REQUEST"},
		{name: "variables not an object", req: gqlPost(`{"query": "{ viewer { id } }", "variables": [1]}`, nil), status: 400, code: "BAD_REQUEST"},
		{name: "oversized body", req: gqlPost(`{"query": "{ viewer { id } }", "extensions": {"pad": "`+repeat("x", 2<<20)+`"}}`, nil), status: 413, code: "PAYLOAD_TOO_LARGE"},
		{name: "parse error", req: gqlPost(query("{ viewer { id "), nil), status: 400, code: "GRAPHQL_PARSE_FAILED"},
		{name: "unknown field", req: gqlPost(query("{ viewer { password } }"), nil), status: 400, code: "GRAPHQL_VALIDATION_FAILED"},
		{name: "token flood", req: gqlPost(query("{ viewer { id "+repeat("__typename ", 16000)+"} }"), nil), status: 400, code: "GRAPHQL_PARSE_FAILED"},
		{name: "cross-site form post", req: gqlPost(query("{ viewer { id } }"), map[string]string{"Content-Type": "application/x-www-form-urlencoded"}), status: 400, code: "CSRF_PREVENTED"},
		{name: "cross-site text/plain post", req: gqlPost(query("{ viewer { id } }"), map[string]string{"Content-Type": "text/plain"}), status: 400, code: "CSRF_PREVENTED"},
		{name: "urlencoded with a preflight header", req: gqlPost("query="+url.QueryEscape("{ viewer { id } }"), map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Apollo-Require-Preflight": "1"}), status: 415, code: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "unacceptable Accept", req: gqlPost(query("{ viewer { id } }"), map[string]string{"Accept": "text/html"}), status: 406, code: "NOT_ACCEPTABLE"},
		{name: "subscription over GET without an event stream", req: func(t *testing.T, env *testenv.Env) *http.Request {
			req, _ := http.NewRequest(http.MethodGet, env.Server.URL+"/graphql?query="+url.QueryEscape("subscription { batchStatusChanged { id } }"), nil)
			req.Header.Set("Authorization", "Bearer "+env.Token(t, devstack.TeacherWithOrg))
			req.Header.Set("Accept", "application/graphql-response+json")
			return req
		}, status: 406, code: "NOT_ACCEPTABLE"},
		{name: "invalid batch id", req: gqlPost(query(`{ batch(id: "1 OR 1=1") { id } }`), nil), status: 200, code: "BAD_USER_INPUT"},
		{name: "limit out of range", req: gqlPost(query(`{ viewer { batches(limit: 1000) { totalCount } } }`), nil), status: 200, code: "BAD_USER_INPUT"},
		{name: "negative offset", req: gqlPost(query(`{ viewer { batches(offset: -5) { totalCount } } }`), nil), status: 200, code: "BAD_USER_INPUT"},
		{name: "expired token", req: gqlPost(query("{ viewer { id } }"), map[string]string{"Authorization": sign(testenv.Secret, jwt.MapClaims{"sub": "teacher-1", "exp": time.Now().Add(-time.Minute).Unix()})}), status: 401, code: "UNAUTHENTICATED"},
		{name: "forged token", req: gqlPost(query("{ viewer { id } }"), map[string]string{"Authorization": sign("forged-secret-forged-secret-forged-secret", jwt.MapClaims{"sub": "teacher-1", "exp": exp})}), status: 401, code: "UNAUTHENTICATED"},
		{name: "alg none", req: gqlPost(query("{ viewer { id } }"), map[string]string{"Authorization": "Bearer " + b64([]byte(`{"alg":"none"}`)) + "." + b64([]byte(`{"sub":"teacher-1","exp":9999999999}`)) + "."}), status: 401, code: "UNAUTHENTICATED"},
		{name: "wrong audience", req: gqlPost(query("{ viewer { id } }"), map[string]string{"Authorization": sign(testenv.Secret, jwt.MapClaims{"sub": "teacher-1", "exp": exp, "aud": "another-app"})}), status: 401, code: "UNAUTHENTICATED"},
		{name: "spoofed identity headers", req: gqlPost(query("{ viewer { id } }"), map[string]string{"Authorization": "", "X-User-ID": "teacher-1", "X-Org-ID": "org-7"}), status: 401, code: "UNAUTHENTICATED"},
	}
}

// Every hostile request gets its exact error and costs no upstream call;
// no answer carries tracing or exception data.
func TestHostileInputs(t *testing.T) {
	env := testenv.Start(t, func(c *configT, _ *optionsT) { c.JWTAudience = "teacher-dashboard" })
	for _, tc := range hostileCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			env.ResetCounts()
			resp := env.Send(t, tc.req(t, env), nil)
			assert.Equal(t, tc.status, resp.Status, "%s", truncate(resp.Body))
			require.NotEmpty(t, resp.Errors, "%s", truncate(resp.Body))
			assert.Equal(t, tc.code, resp.Code(), "%s", truncate(resp.Body))
			if tc.limit != "" {
				assert.Equal(t, tc.limit, resp.Errors[0].Extensions["limit"])
			}
			assert.NotEmpty(t, resp.Errors[0].Extensions["correlationId"], "every error carries the correlation id")
			assert.NotContains(t, string(resp.Body), `"tracing"`)
			assert.NotContains(t, string(resp.Body), `"exception"`)
			assert.NotContains(t, string(resp.Body), "goroutine")
			for _, s := range env.Stack.Services() {
				for _, r := range s.Requests() {
					assert.Equal(t, "healthz", r.Endpoint, "no upstream call for a hostile request")
				}
			}
		})
	}
}

// A query over GET is allowed (queries have no side effects); GET answers
// like POST.
func TestQueryOverGET(t *testing.T) {
	env := testenv.Start(t)
	req, _ := http.NewRequest(http.MethodGet, env.Server.URL+"/graphql?query="+url.QueryEscape("{ viewer { id } }"), nil)
	req.Header.Set("Authorization", "Bearer "+env.Token(t, devstack.TeacherWithOrg))
	var got struct {
		Viewer struct{ ID string } `json:"viewer"`
	}
	resp := env.Send(t, req, &got)
	require.Equal(t, http.StatusOK, resp.Status)
	assert.Equal(t, devstack.TeacherWithOrg, got.Viewer.ID)
}

// Field suggestions ("Did you mean …") reveal the schema: on in
// development, off in production, where introspection is off too.
func TestSuggestionsAndIntrospectionInProduction(t *testing.T) {
	typo := query("{ viewer { credit { userBalance } } }")
	introspect := query("{ __schema { types { name } } }")
	dev := testenv.Start(t)
	resp := dev.Send(t, gqlPost(typo, nil)(t, dev), nil)
	assert.Contains(t, resp.Errors[0].Message, "Did you mean")
	resp = dev.Send(t, gqlPost(introspect, nil)(t, dev), nil)
	assert.Empty(t, resp.Errors)

	prod := testenv.Start(t, func(c *configT, _ *optionsT) { c.Env = "production"; c.Introspection = false })
	resp = prod.Send(t, gqlPost(typo, nil)(t, prod), nil)
	require.NotEmpty(t, resp.Errors)
	assert.NotContains(t, resp.Errors[0].Message, "Did you mean")
	resp = prod.Send(t, gqlPost(introspect, nil)(t, prod), nil)
	require.NotEmpty(t, resp.Errors, "introspection is off in production")
	r, err := http.Get(prod.Server.URL + "/")
	require.NoError(t, err)
	r.Body.Close()
	assert.Equal(t, http.StatusNotFound, r.StatusCode, "no playground in production")
}

// A teacher past the rate limit gets 429 with Retry-After, and other
// teachers are not affected.
func TestRateLimitPerTeacher(t *testing.T) {
	env := testenv.Start(t, func(c *configT, _ *optionsT) { c.RateLimit = 3 })
	do := func(teacher string) *testenv.Response {
		return env.Do(t, testenv.Request{Query: "{ viewer { id } }", Token: env.Token(t, teacher)}, nil)
	}
	for range 3 {
		require.Equal(t, http.StatusOK, do(devstack.TeacherWithOrg).Status)
	}
	resp := do(devstack.TeacherWithOrg)
	assert.Equal(t, http.StatusTooManyRequests, resp.Status)
	assert.Equal(t, "RATE_LIMITED", resp.Code())
	assert.NotEmpty(t, resp.Header.Get("Retry-After"))
	assert.Equal(t, http.StatusOK, do(devstack.TeacherWithoutOrg).Status, "another teacher has a budget of their own")
}

// CORS: an allowed origin's preflight is answered; another origin gets no
// CORS grant.
func TestCORSAllowList(t *testing.T) {
	env := testenv.Start(t, func(c *configT, _ *optionsT) { c.AllowedOrigins = []string{"https://teacher.example.com"} })
	preflight := func(origin string) http.Header {
		req, _ := http.NewRequest(http.MethodOptions, env.Server.URL+"/graphql", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "authorization,content-type")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.Header
	}
	assert.Equal(t, "https://teacher.example.com", preflight("https://teacher.example.com").Get("Access-Control-Allow-Origin"))
	assert.Empty(t, preflight("https://evil.example.com").Get("Access-Control-Allow-Origin"))
}

func truncate(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}
