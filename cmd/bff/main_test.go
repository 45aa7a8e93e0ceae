package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/essaylab/teacher-bff/internal/testenv/testkit"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// syncBuffer is run's stdout or stderr, read while run writes to it.
type syncBuffer = testkit.Buffer

// running is a run of the BFF in this process, started by startRun.
type running struct {
	base, authz, metricsURL string
	stdout, stderr          *syncBuffer
	sigterm                 context.CancelFunc
	done                    chan error
}

// startRun runs the BFF with args and waits for the demo's banner.
func startRun(t *testing.T, args ...string) *running {
	t.Helper()
	ctx, sigterm := context.WithCancel(context.Background())
	r := &running{stdout: &syncBuffer{}, stderr: &syncBuffer{}, sigterm: sigterm, done: make(chan error, 1)}
	t.Cleanup(func() {
		sigterm()
		select {
		case <-r.done:
		case <-time.After(20 * time.Second):
			t.Error("run did not return after SIGTERM")
		}
	})
	go func() { r.done <- run(ctx, args, r.stdout, r.stderr) }()
	require.Eventually(t, func() bool {
		out := r.stdout.String()
		m := regexp.MustCompile(`Endpoint:\s+(http://\S+)/graphql`).FindStringSubmatch(out)
		a := regexp.MustCompile(`"Authorization": "(Bearer [^"]+)"`).FindStringSubmatch(out)
		mm := regexp.MustCompile(`Metrics:\s+(http://\S+)`).FindStringSubmatch(out)
		if m == nil || a == nil || mm == nil {
			return false
		}
		r.base, r.authz, r.metricsURL = m[1], a[1], mm[1]
		return true
	}, 20*time.Second, 20*time.Millisecond, "the demo prints its endpoint and header; stderr: %s", r.stderr)
	return r
}

// stop sends SIGTERM and returns run's result.
func (r *running) stop() error {
	r.sigterm()
	select {
	case err := <-r.done:
		r.done <- err // for the cleanup
		return err
	case <-time.After(10 * time.Second):
		return errors.New("run did not return after SIGTERM")
	}
}

// query posts a GraphQL query with the Authorization header authz.
func (r *running) query(t *testing.T, authz, q string) (int, map[string]any) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": q})
	req, _ := http.NewRequest(http.MethodPost, r.base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", authz)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return resp.StatusCode, out
}

// viewerID is the id a token's holder sees as viewer.
func (r *running) viewerID(t *testing.T, authz string) any {
	t.Helper()
	code, out := r.query(t, authz, `{ viewer { id } }`)
	require.Equal(t, http.StatusOK, code, "%v", out)
	require.Nil(t, out["errors"])
	return out["data"].(map[string]any)["viewer"].(map[string]any)["id"]
}

func demoEnv(t *testing.T) {
	t.Setenv("BFF_LISTEN_ADDR", "127.0.0.1:0")
	t.Setenv("BFF_METRICS_ADDR", "127.0.0.1:0")
}

// The demo starts with one command and tells where the playground is and
// which header to use; a contract query answers with the reference data.
// On SIGTERM: /readyz turns false while in-flight operations finish,
// subscriptions get a going-away close, and run returns nil (exit 0).
func TestDemoLifecycle(t *testing.T) {
	demoEnv(t)
	t.Setenv("BFF_PPROF_ADDR", "127.0.0.1:0")
	t.Setenv("BFF_DRAIN_DELAY", "300ms")
	t.Setenv("BFF_SHUTDOWN_TIMEOUT", "5s")
	r := startRun(t, "-demo", "-demo-latency", "800ms")
	base, authz, metricsURL, stderr := r.base, r.authz, r.metricsURL, r.stderr

	query := func(q string) (int, map[string]any) { return r.query(t, authz, q) }
	code, out := query(`{ viewer { id credits { userBalance } batches(limit: 2) { totalCount nodes { title } } } }`)
	require.Equal(t, http.StatusOK, code)
	assert.Nil(t, out["errors"])
	assert.Equal(t, "teacher-1", out["data"].(map[string]any)["viewer"].(map[string]any)["id"])

	resp, err := http.Get(metricsURL)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, stderr.String(), `"msg":"profiling"`, "BFF_PPROF_ADDR starts the profiling listener")
	resp, err = http.Get(base + "/debug/pprof/")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "profiles are never on the API's port")

	// A frontend on a local dev server may call the demo without a setting.
	req, _ := http.NewRequest(http.MethodOptions, base+"/graphql", nil)
	req.Header.Set("Origin", "http://localhost:5173")
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "authorization,content-type")
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, "http://localhost:5173", resp.Header.Get("Access-Control-Allow-Origin"))

	// A subscription and an in-flight query (the upstreams take 800ms, longer than the drain delay).
	wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer wcancel()
	ws, _, err := websocket.Dial(wctx, "ws"+strings.TrimPrefix(base, "http")+"/graphql",
		&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	require.NoError(t, err)
	defer ws.CloseNow()
	require.NoError(t, ws.Write(wctx, websocket.MessageText, []byte(`{"type":"connection_init","payload":{"Authorization":"`+authz+`"}}`)))
	_, ack, err := ws.Read(wctx)
	require.NoError(t, err)
	require.Contains(t, string(ack), "connection_ack")
	require.NoError(t, ws.Write(wctx, websocket.MessageText, []byte(`{"id":"1","type":"subscribe","payload":{"query":"subscription { batchStatusChanged { id } }"}}`)))

	inflight := make(chan int, 1)
	go func() {
		code, _ := query(`{ viewer { batches(limit: 5) { totalCount } } }`)
		inflight <- code
	}()
	time.Sleep(50 * time.Millisecond) // the query is waiting on RAS

	stopped := make(chan error, 1)
	go func() { stopped <- r.stop() }()
	require.Eventually(t, func() bool {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		return resp.StatusCode == http.StatusServiceUnavailable
	}, 2*time.Second, 10*time.Millisecond, "/readyz turns false during the drain")

	assert.Equal(t, http.StatusOK, <-inflight, "the in-flight query finished")
	for {
		_, _, err := ws.Read(wctx)
		if err != nil {
			assert.Equal(t, websocket.StatusGoingAway, websocket.CloseStatus(err), "subscriptions get a going-away close: %v", err)
			break
		}
	}
	assert.NoError(t, <-stopped, "a clean shutdown exits 0")
}

// A GET carries its operation in the URL. Up to the body limit
// (BFF_MAX_BODY_BYTES, here its default of 1 MiB) it is served, though
// longer than the 64 KiB the header fields get; past it the answer is a
// GraphQL error with a code (414 URI_TOO_LONG), not net/http's plain 431.
func TestLongGETQueryIsServedOrRefusedWithACode(t *testing.T) {
	demoEnv(t)
	r := startRun(t, "-demo")
	get := func(size int) (*http.Response, []byte) {
		t.Helper()
		// size bytes of URL query: the operation, then a comment.
		raw := "query=" + url.QueryEscape("{ viewer { id } }\n#")
		raw += strings.Repeat("x", size-len(raw))
		req, err := http.NewRequest(http.MethodGet, r.base+"/graphql?"+raw, nil)
		require.NoError(t, err)
		require.Len(t, req.URL.RawQuery, size)
		req.Header.Set("Authorization", r.authz)
		req.Header.Set("Accept", "application/graphql-response+json")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp, body
	}

	resp, body := get(100 << 10)
	assert.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	assert.Contains(t, string(body), `"viewer":{"id":"teacher-1"}`)

	resp, body = get(1<<20 + 1)
	require.Equal(t, http.StatusRequestURITooLong, resp.StatusCode, "%.200s", body)
	assert.Equal(t, "application/graphql-response+json; charset=utf-8", resp.Header.Get("Content-Type"))
	var refused struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message    string         `json:"message"`
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	require.NoError(t, json.Unmarshal(body, &refused), "%.200s", body)
	require.Len(t, refused.Errors, 1)
	assert.Nil(t, refused.Data, "a request error has no data key")
	assert.Equal(t, "URI_TOO_LONG", refused.Errors[0].Extensions["code"])
	assert.Equal(t, resp.Header.Get("X-Correlation-Id"), refused.Errors[0].Extensions["correlationId"])
	assert.Contains(t, refused.Errors[0].Message, "send the operation with POST")
}
