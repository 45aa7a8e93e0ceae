// Package testenv runs a whole BFF against the reference upstreams on real
// listeners, for tests and benchmarks: each upstream is a devstack service
// with its knobs (latency, faults, call counts), the BFF is the same wiring
// cmd/bff uses.
package testenv

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/app"
	"github.com/essaylab/teacher-bff/internal/auth"
	"github.com/essaylab/teacher-bff/internal/config"
	"github.com/essaylab/teacher-bff/internal/devstack"
)

// Secret is the JWT secret of every test BFF.
const Secret = "test-secret-test-secret-test-secret-0123"

// Now is the instant the reference data is seeded relative to.
var Now = time.Date(2025, 12, 10, 10, 0, 0, 0, time.UTC)

// Env is a running BFF with its upstreams.
type Env struct {
	Stack  *devstack.Stack
	Server *httptest.Server
	App    *app.App
	Config config.Config
	auth   *auth.Authenticator
}

// Option adjusts the configuration or options before the BFF is built.
type Option func(*config.Config, *app.Options)

// Start runs a BFF over a fresh reference stack; both stop with the test.
// It runs as BFF_ENV=development (introspection on), which tests of
// production behaviour override with StartWith.
func Start(t testing.TB, opts ...Option) *Env {
	t.Helper()
	return StartWith(t, nil, opts...)
}

// StartWith is Start with settings: environment variables (BFF_*) read
// through config.Load as cmd/bff reads them, over the test defaults.
func StartWith(t testing.TB, settings map[string]string, opts ...Option) *Env {
	t.Helper()
	stack, err := devstack.Start(devstack.Options{Now: Now, Seed: 1})
	require.NoError(t, err)
	t.Cleanup(func() { _ = stack.Close() })

	vars := map[string]string{
		"BFF_RAS_URL":          stack.RAS.URL,
		"BFF_CMS_URL":          stack.CMS.URL,
		"BFF_ENTITLEMENTS_URL": stack.Entitlements.URL,
		"BFF_INTERNAL_API_KEY": devstack.DefaultAPIKey,
		"BFF_JWT_SECRET":       Secret,
		"BFF_UPSTREAM_TIMEOUT": "2s",
		"BFF_ENV":              config.Development,
	}
	for k, v := range settings {
		vars[k] = v
	}
	cfg, err := config.Load(func(name string) (string, bool) {
		v, ok := vars[name]
		return v, ok
	}, false)
	require.NoError(t, err)
	o := app.Options{Logger: slog.New(slog.DiscardHandler)}
	for _, opt := range opts {
		opt(&cfg, &o)
	}
	a, err := app.New(cfg, o)
	require.NoError(t, err)
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = a.Shutdown(ctx)
		srv.Close()
	})

	authn, err := auth.New(auth.Config{Secret: []byte(cfg.JWTSecret), Audience: cfg.JWTAudience, Issuer: cfg.JWTIssuer, OrgClaim: cfg.JWTOrgClaim})
	require.NoError(t, err)
	return &Env{Stack: stack, Server: srv, App: a, Config: cfg, auth: authn}
}

// Token returns a valid bearer token for a teacher.
func (e *Env) Token(t testing.TB, teacherID string) string {
	t.Helper()
	return e.TokenFor(t, teacherID, time.Hour)
}

// TokenFor returns a bearer token for a teacher that expires after ttl.
func (e *Env) TokenFor(t testing.TB, teacherID string, ttl time.Duration) string {
	t.Helper()
	tok, err := e.auth.Issue(auth.Teacher{ID: teacherID}, ttl)
	require.NoError(t, err)
	return tok
}

// ResetCounts forgets the calls every upstream has received so far.
func (e *Env) ResetCounts() {
	for _, s := range e.Stack.Services() {
		s.ResetCounts()
	}
}

// Request is one GraphQL request.
type Request struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName,omitempty"`
	Variables     map[string]any `json:"variables,omitempty"`
	// Token is sent as a bearer token when set.
	Token  string            `json:"-"`
	Header map[string]string `json:"-"`
}

// Error is one GraphQL error as a client sees it.
type Error struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// Response is a GraphQL response with its HTTP status and headers.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	Data   json.RawMessage `json:"data"`
	Errors []Error         `json:"errors"`
}

// Code returns the extensions.code of the first error ("" when none).
func (r *Response) Code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// Do posts req and decodes the answer; into, when not nil, receives data.
func (e *Env) Do(t testing.TB, req Request, into any) *Response {
	t.Helper()
	body, err := json.Marshal(req)
	require.NoError(t, err)
	hr, err := http.NewRequest(http.MethodPost, e.Server.URL+"/graphql", bytes.NewReader(body))
	require.NoError(t, err)
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set("Accept", "application/graphql-response+json")
	if req.Token != "" {
		hr.Header.Set("Authorization", "Bearer "+req.Token)
	}
	for k, v := range req.Header {
		hr.Header.Set(k, v)
	}
	return e.Send(t, hr, into)
}

// Send sends a prepared HTTP request and decodes the GraphQL answer.
func (e *Env) Send(t testing.TB, hr *http.Request, into any) *Response {
	t.Helper()
	resp, err := e.Server.Client().Do(hr)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	out := &Response{Status: resp.StatusCode, Header: resp.Header, Body: raw}
	require.NoError(t, json.Unmarshal(raw, out), "answer is not a GraphQL JSON body: %s", raw)
	if into != nil && len(out.Data) > 0 && string(out.Data) != "null" {
		require.NoError(t, json.Unmarshal(out.Data, into))
	}
	return out
}

// ReportCalls reports each upstream's calls per benchmark operation (health
// checks left out), as "<service>-calls/op".
func ReportCalls(b *testing.B, stack *devstack.Stack) {
	for _, s := range stack.Services() {
		n := 0
		for ep, c := range s.Counts() {
			if ep != devstack.EndpointHealthz {
				n += c
			}
		}
		b.ReportMetric(float64(n)/float64(b.N), s.Name()+"-calls/op")
	}
}
