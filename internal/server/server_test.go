package server_test

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

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/essaylab/teacher-bff/graph"
	"github.com/essaylab/teacher-bff/internal/auth"
	"github.com/essaylab/teacher-bff/internal/entitlements"
	"github.com/essaylab/teacher-bff/internal/health"
	"github.com/essaylab/teacher-bff/internal/loaders"
	"github.com/essaylab/teacher-bff/internal/playground"
	"github.com/essaylab/teacher-bff/internal/ras"
	"github.com/essaylab/teacher-bff/internal/server"
	"github.com/essaylab/teacher-bff/internal/testenv/testkit"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const secret = "server-test-secret-server-test-secret-0"

type panicky struct{}

func (panicky) ListBatches(context.Context, ras.ListParams) (ras.Page, error) {
	panic("boom: internal detail")
}

func (panicky) Balance(context.Context, string) (entitlements.Balance, error) {
	return entitlements.Balance{UserBalance: 7}, nil
}

// logBuffer collects JSON log lines.
type logBuffer struct{ bytes.Buffer }

func newServer(t *testing.T, logs *logBuffer, probe func(context.Context) error) (*httptest.Server, *auth.Authenticator, *health.Prober) {
	t.Helper()
	a, err := auth.New(auth.Config{Secret: []byte(secret)})
	require.NoError(t, err)
	log := slog.New(slog.NewJSONHandler(logs, nil))
	prober := health.NewProber(time.Hour, time.Second, health.Check{Name: "ras", Probe: probe})
	pg, err := playground.New(playground.Options{Title: "Teacher BFF", Endpoint: "/graphql"})
	require.NoError(t, err)
	h := server.New(server.Options{
		Schema:        graph.NewSchema(graph.Deps{RAS: panicky{}, Credits: panicky{}, Logger: log}),
		Loaders:       loaders.NewFactory(nil, nil, panicky{}, loaders.Config{}),
		Auth:          a,
		Health:        prober,
		Logger:        log,
		Introspection: true,
		Playground:    pg,
	})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, a, prober
}

// post runs query as the teacher of token, with a known correlation id.
func post(t *testing.T, url, token, query string) (int, testkit.Response) {
	t.Helper()
	status, _, res := testkit.PostWith(t, url+"/graphql", map[string]string{"query": query},
		map[string]string{"X-Correlation-ID": "corr-test-7", "Authorization": "Bearer " + token})
	return status, res
}

// A panic in a resolver costs that field only: the client gets
// INTERNAL_SERVER_ERROR with no detail, the log gets the panic with the
// correlation id, and the server keeps serving.
func TestResolverPanicRecovered(t *testing.T) {
	var logs logBuffer
	srv, a, _ := newServer(t, &logs, func(context.Context) error { return nil })
	tok, err := a.Issue(auth.Teacher{ID: "teacher-1"}, time.Hour)
	require.NoError(t, err)

	status, out := post(t, srv.URL, tok, `{ viewer { id credits { userBalance } batches { totalCount } } }`)
	assert.Equal(t, http.StatusOK, status)
	require.Len(t, out.Errors, 1)
	e := out.Errors[0]
	assert.Equal(t, "INTERNAL_SERVER_ERROR", e.Extensions["code"])
	assert.Equal(t, "corr-test-7", e.Extensions["correlationId"])
	assert.Equal(t, "internal server error", e.Message)
	raw, _ := json.Marshal(out)
	assert.NotContains(t, string(raw), "boom")
	var data struct {
		Viewer struct {
			Batches *struct{} `json:"batches"`
			Credits struct {
				UserBalance int `json:"userBalance"`
			} `json:"credits"`
		} `json:"viewer"`
	}
	require.NoError(t, json.Unmarshal(out.Data, &data))
	assert.Nil(t, data.Viewer.Batches)
	assert.Equal(t, 7, data.Viewer.Credits.UserBalance)

	assert.Contains(t, logs.String(), "boom: internal detail")
	assert.Contains(t, logs.String(), `"correlation_id":"corr-test-7"`)

	// Still serving.
	status, out = post(t, srv.URL, tok, `{ viewer { id } }`)
	assert.Equal(t, http.StatusOK, status)
	assert.Empty(t, out.Errors)
}

// Logs never carry the bearer token.
func TestTokensNeverLogged(t *testing.T) {
	var logs logBuffer
	srv, a, _ := newServer(t, &logs, func(context.Context) error { return nil })
	tok, err := a.Issue(auth.Teacher{ID: "teacher-1"}, time.Hour)
	require.NoError(t, err)
	post(t, srv.URL, tok, `{ viewer { batches { totalCount } } }`)
	post(t, srv.URL, tok+"x", `{ viewer { id } }`)
	require.NotEmpty(t, logs.String())
	assert.NotContains(t, logs.String(), tok[:40])
	assert.NotContains(t, logs.String(), secret)
}

// /readyz answers from the prober's last round; /healthz is the process.
func TestHealthAndReadiness(t *testing.T) {
	var logs logBuffer
	healthy := true
	srv, _, prober := newServer(t, &logs, func(context.Context) error {
		if healthy {
			return nil
		}
		return assert.AnError
	})
	get := func(path string) (int, string) {
		resp, err := http.Get(srv.URL + path)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(b)
	}
	code, _ := get("/readyz")
	assert.Equal(t, http.StatusServiceUnavailable, code, "not ready before the first probe")

	prober.ProbeOnce(context.Background())
	code, body := get("/readyz")
	assert.Equal(t, http.StatusOK, code, body)

	healthy = false
	prober.ProbeOnce(context.Background())
	code, body = get("/readyz")
	assert.Equal(t, http.StatusServiceUnavailable, code)
	assert.Contains(t, body, `"name":"ras"`)
	assert.NotContains(t, body, assert.AnError.Error(), "probe errors stay in the logs")

	healthy = true
	prober.ProbeOnce(context.Background())
	prober.SetDraining()
	code, _ = get("/readyz")
	assert.Equal(t, http.StatusServiceUnavailable, code, "draining is not ready")

	code, _ = get("/healthz")
	assert.Equal(t, http.StatusOK, code)
}

func TestPlaygroundServed(t *testing.T) {
	var logs logBuffer
	srv, _, _ := newServer(t, &logs, func(context.Context) error { return nil })
	resp, err := http.Get(srv.URL + "/")
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("Content-Type"), "text/html")
}
