package persisted_test

import (
	"context"
	"crypto/rand"
	"net"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/redis/go-redis/v9"

	"github.com/essaylab/teacher-bff/graph"
	"github.com/essaylab/teacher-bff/internal/persisted"
)

var schema = graph.NewSchema(graph.Deps{}).Schema()

// These tests share a real Redis with other packages' tests: every document
// carries a random operation name, so its key is this test's alone.

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
