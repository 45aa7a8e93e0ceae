// Package testkit holds the small helpers every package's tests share: a
// client of the real Redis server, a GraphQL POST, polling, a buffer for
// logs. It imports no
// package of the BFF, so any package's own tests can use it (internal/testenv
// builds a whole BFF and cannot be imported from the packages it wires).
package testkit

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
)

// RedisAddr is the Redis server of the development and CI machines
// (REDIS_ADDR overrides it).
func RedisAddr() string {
	if a := os.Getenv("REDIS_ADDR"); a != "" {
		return a
	}
	return "127.0.0.1:6379"
}

// Redis returns a client of the real Redis server whose connections carry
// clientName ("" for none), closed at the end of the test. Where Redis is
// not running the test fails in CI (CI is set) and is skipped elsewhere.
func Redis(t testing.TB, clientName string) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: RedisAddr(), ClientName: clientName})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		_ = c.Close()
		if os.Getenv("CI") != "" {
			t.Fatalf("Redis at %s is required in CI: %v", RedisAddr(), err)
		}
		t.Skipf("Redis at %s is not running (start it to run this test; with CI set this fails): %v", RedisAddr(), err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// Response is a GraphQL response as a client decodes it.
type Response struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

// Code is the first error's extensions.code, "" without errors.
func (r Response) Code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// NoData reports a response without data: a request error.
func (r Response) NoData() bool {
	return len(r.Data) == 0 || string(r.Data) == "null"
}

// Post sends body (marshalled to JSON) to url as a GraphQL POST accepting
// application/graphql-response+json, and decodes the answer.
func Post(t testing.TB, url string, body any) (int, Response) {
	t.Helper()
	status, _, res := PostWith(t, url, body, nil)
	return status, res
}

// PostWith is Post with header added to the request, returning the
// response's header too.
func PostWith(t testing.TB, url string, body any, header map[string]string) (int, http.Header, Response) {
	t.Helper()
	b, err := json.Marshal(body)
	require.NoError(t, err)
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, url, bytes.NewReader(b))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/graphql-response+json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	var out Response
	require.NoError(t, json.NewDecoder(res.Body).Decode(&out))
	return res.StatusCode, res.Header, out
}

// WaitFor polls cond every 5ms until it holds, failing the test after a
// generous 5s (only reached when the test fails).
func WaitFor(t testing.TB, cond func() bool, what string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
	}
}

// Buffer is a bytes.Buffer safe to read while other goroutines write to it:
// the log sink of a server or hub under test, or a command's output.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns what was written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
