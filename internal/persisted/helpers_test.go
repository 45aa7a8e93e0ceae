package persisted_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/graph"
	"github.com/essaylab/teacher-bff/internal/persisted"
)

var schema = graph.NewSchema(graph.Deps{}).Schema()

// These tests share a real Redis with other packages' tests: every document
// carries a random operation name, so its key is this test's alone.

func redisAddr() string {
	if a := os.Getenv("REDIS_ADDR"); a != "" {
		return a
	}
	return "127.0.0.1:6379"
}

// redisClient connects to the test Redis. It fails the test when Redis is
// unreachable under CI, and skips it otherwise.
func redisClient(t *testing.T) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: redisAddr()})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		_ = c.Close()
		if os.Getenv("CI") != "" {
			t.Fatalf("Redis at %s is unreachable and CI is set: %v", redisAddr(), err)
		}
		t.Skipf("Redis at %s is unreachable (%v): skipping; with CI set this fails", redisAddr(), err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// downClient is a client of a Redis that is not there; dials counts its
// attempts to reach it.
func downClient(t *testing.T) (c *redis.Client, dials *atomic.Int64) {
	t.Helper()
	dials = new(atomic.Int64)
	c = redis.NewClient(&redis.Options{
		Addr: "127.0.0.1:1",
		Dialer: func(ctx context.Context, network, addr string) (net.Conn, error) {
			dials.Add(1)
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		},
	})
	t.Cleanup(func() { _ = c.Close() })
	return c, dials
}

// uniqueQuery is a document no other test (or test run) stores.
func uniqueQuery() string {
	return "query Q" + rand.Text()[:16] + " { __typename }"
}

// forget deletes the Redis key of query when the test ends.
func forget(t *testing.T, r *redis.Client, query string) {
	t.Cleanup(func() { r.Del(context.Background(), persisted.KeyPrefix+persisted.Hash(query)) })
}

// newServer is gqlgen's handler over the real schema with no upstreams,
// with exts registered in order.
func newServer(t *testing.T, exts ...graphql.HandlerExtension) string {
	t.Helper()
	srv := handler.New(graph.NewSchema(graph.Deps{}))
	srv.AddTransport(transport.POST{})
	for _, e := range exts {
		srv.Use(e)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts.URL
}

type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

// code is the first error's extensions.code, "" without errors.
func (r gqlResponse) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

func (r gqlResponse) noData() bool {
	return len(r.Data) == 0 || string(r.Data) == "null"
}

func post(t *testing.T, url string, body map[string]any) (int, gqlResponse) {
	t.Helper()
	b, err := json.Marshal(body)
	require.NoError(t, err)
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, url, bytes.NewReader(b))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/graphql-response+json")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	var out gqlResponse
	require.NoError(t, json.NewDecoder(res.Body).Decode(&out))
	return res.StatusCode, out
}

// apq is a request body in Apollo's protocol; query may be "".
func apq(hash, query string) map[string]any {
	body := map[string]any{"extensions": map[string]any{
		"persistedQuery": map[string]any{"version": 1, "sha256Hash": hash},
	}}
	if query != "" {
		body["query"] = query
	}
	return body
}

// logBuffer collects log lines written from the handlers' goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) count(s string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Count(b.buf.String(), s)
}
