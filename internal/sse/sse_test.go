package sse_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/essaylab/teacher-bff/internal/conntrack"
	"github.com/essaylab/teacher-bff/internal/correlation"
	"github.com/essaylab/teacher-bff/internal/gqlerr"
	"github.com/essaylab/teacher-bff/internal/gqlhttp"
	"github.com/essaylab/teacher-bff/internal/sse"
	"github.com/essaylab/teacher-bff/internal/testenv/eventschema"
)

// Every stream's goroutines must be gone at the end.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// env is a real HTTP server with gqlgen's handler and the HTTP transport,
// which hands event streams to this package.
type env struct {
	t       *testing.T
	feed    *eventschema.Feed
	srv     *httptest.Server
	tracker *conntrack.Tracker
}

func newEnv(t *testing.T, o sse.Options, configure ...func(*http.Server)) *env {
	return newEnvLimited(t, o, 0, configure...)
}

func newEnvLimited(t *testing.T, o sse.Options, maxBody int64, configure ...func(*http.Server)) *env {
	t.Helper()
	es, f := eventschema.New()
	o.Tracker = &conntrack.Tracker{}
	h := handler.New(es)
	h.AddTransport(gqlhttp.Transport{Options: gqlhttp.Options{MaxBodyBytes: maxBody, SSE: o}})
	e := &env{t: t, feed: f, srv: httptest.NewUnstartedServer(correlation.Middleware(h)), tracker: o.Tracker}
	for _, c := range configure {
		c(e.srv.Config)
	}
	e.srv.Start()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), eventschema.Wait)
		defer cancel()
		if err := e.tracker.Shutdown(ctx); err != nil {
			t.Errorf("streams still open after the test: %v", err)
		}
		e.srv.Close()
	})
	return e
}

// event is one server-sent event; a comment line gives comment.
type event struct {
	comment bool
	name    string
	data    string
}

type sseClient struct {
	t    *testing.T
	resp *http.Response
	r    *bufio.Reader
}

// stream opens an event stream; cancel closes it from the client's side.
func (e *env) stream(method, query string) (*sseClient, context.CancelFunc) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), eventschema.Wait)
	e.t.Cleanup(cancel)
	var body io.Reader
	target := e.srv.URL
	if method == http.MethodPost {
		b, _ := json.Marshal(map[string]string{"query": query})
		body = strings.NewReader(string(b))
	} else {
		target += "?query=" + url.QueryEscape(query)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	require.NoError(e.t, err)
	req.Header.Set("Accept", "text/event-stream")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := e.srv.Client().Do(req)
	require.NoError(e.t, err)
	e.t.Cleanup(func() { _ = resp.Body.Close() })
	require.Equal(e.t, http.StatusOK, resp.StatusCode)
	require.Equal(e.t, "text/event-stream", resp.Header.Get("Content-Type"))
	return &sseClient{t: e.t, resp: resp, r: bufio.NewReader(resp.Body)}, cancel
}

// next reads one event; io.EOF when the stream has ended.
func (c *sseClient) next() (event, error) {
	var ev event
	for {
		line, err := c.r.ReadString('\n')
		if err != nil {
			return ev, err
		}
		line = strings.TrimSuffix(line, "\n")
		switch {
		case line == "":
			return ev, nil
		case strings.HasPrefix(line, ":"):
			ev.comment = true
		case strings.HasPrefix(line, "event: "):
			ev.name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data:"):
			ev.data = strings.TrimPrefix(strings.TrimPrefix(line, "data:"), " ")
		}
	}
}

// expect skips keep-alive comments and returns the next event.
func (c *sseClient) expect(name string) event {
	c.t.Helper()
	for {
		ev, err := c.next()
		require.NoError(c.t, err)
		if ev.comment {
			continue
		}
		require.Equal(c.t, name, ev.name, "event %+v", ev)
		return ev
	}
}

// expectEnd reads until the stream ends, which must be without complete.
func (c *sseClient) expectEnd() {
	c.t.Helper()
	for {
		ev, err := c.next()
		if errors.Is(err, io.EOF) {
			return
		}
		require.NoError(c.t, err)
		require.True(c.t, ev.comment, "event %+v before the end", ev)
	}
}

func TestSSEHappyPath(t *testing.T) {
	e := newEnv(t, sse.Options{})
	c, _ := e.stream(http.MethodPost, "subscription { events }")
	s := e.feed.Next(t)
	s.Push(t, "a")
	assert.JSONEq(t, `{"data":{"events":"a"}}`, c.expect("next").data)
	s.Push(t, "b")
	assert.JSONEq(t, `{"data":{"events":"b"}}`, c.expect("next").data)
	close(s.End)
	assert.Empty(t, c.expect("complete").data)
	c.expectEnd()
}

func TestSSEOverGET(t *testing.T) {
	e := newEnv(t, sse.Options{})
	c, _ := e.stream(http.MethodGet, "{ hello }")
	assert.JSONEq(t, `{"data":{"hello":"world"}}`, c.expect("next").data)
	c.expect("complete")
	c.expectEnd()

	// A subscription over GET: what a browser's EventSource sends.
	c, _ = e.stream(http.MethodGet, "subscription { events }")
	e.feed.Next(t).Push(t, "a")
	assert.JSONEq(t, `{"data":{"events":"a"}}`, c.expect("next").data)

	// Mutations are refused over GET, as by every HTTP transport: 405, no
	// stream.
	resp, err := e.srv.Client().Get(e.srv.URL + "?query=" + url.QueryEscape("mutation { noop }"))
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	assert.Equal(t, "POST", resp.Header.Get("Allow"))
	var body struct{ Errors []map[string]any }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	require.Len(t, body.Errors, 1)
	ext, _ := body.Errors[0]["extensions"].(map[string]any)
	assert.Equal(t, string(gqlerr.CodeMethodNotAllowed), ext["code"])
}

// Which requests become event streams: subscriptions whenever the client
// accepts text/event-stream, queries only when it prefers it (or lists it
// first among equals). urql sends its default Accept with every operation.
func TestSSEWhenAccepted(t *testing.T) {
	const urql = "application/graphql-response+json, application/graphql+json, application/json, text/event-stream, multipart/mixed"
	e := newEnv(t, sse.Options{})
	for _, tt := range []struct {
		name, accept, query, want string
	}{
		{"urql query: JSON", urql, "{ hello }", "application/graphql-response+json; charset=utf-8"},
		{"urql subscription: stream", urql, "subscription { events }", "text/event-stream"},
		{"query, stream listed first", "text/event-stream, application/json", "{ hello }", "text/event-stream"},
		{"query, stream listed second", "application/json, text/event-stream", "{ hello }", "application/json; charset=utf-8"},
		{"query, stream preferred by q", "application/json;q=0.5, text/event-stream", "{ hello }", "text/event-stream"},
		{"query, stream refused", "text/event-stream;q=0, application/json", "{ hello }", "application/json; charset=utf-8"},
		{"subscription, stream refused: 406", "text/event-stream;q=0, application/json", "subscription { events }", "application/json; charset=utf-8"},
		{"subscription, JSON only: 406", "application/json", "subscription { events }", "application/json; charset=utf-8"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), eventschema.Wait)
			defer cancel()
			b, _ := json.Marshal(map[string]string{"query": tt.query})
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.srv.URL, strings.NewReader(string(b)))
			require.NoError(t, err)
			req.Header.Set("Accept", tt.accept)
			req.Header.Set("Content-Type", "application/json")
			resp, err := e.srv.Client().Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			assert.Equal(t, tt.want, resp.Header.Get("Content-Type"))
			if strings.Contains(tt.name, "406") {
				assert.Equal(t, http.StatusNotAcceptable, resp.StatusCode)
			} else {
				assert.Equal(t, http.StatusOK, resp.StatusCode)
			}
			if strings.HasPrefix(tt.want, "text/event-stream") && strings.HasPrefix(tt.query, "subscription") {
				e.feed.Next(t) // the stream ends with the request
			}
		})
	}
}

func TestSSEValidationError(t *testing.T) {
	e := newEnv(t, sse.Options{})
	c, _ := e.stream(http.MethodPost, "subscription { nope }")
	ev := c.expect("next")
	assert.Contains(t, ev.data, `Cannot query field \"nope\"`)
	assert.NotContains(t, ev.data, `"data"`, "a request error has no data entry")
	c.expect("complete")
}

func TestSSEBadRequest(t *testing.T) {
	e := newEnvLimited(t, sse.Options{}, 100)
	post := func(body string) *http.Response {
		req, err := http.NewRequest(http.MethodPost, e.srv.URL, strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Accept", "text/event-stream")
		req.Header.Set("Content-Type", "application/json")
		resp, err := e.srv.Client().Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		return resp
	}
	assert.Equal(t, http.StatusBadRequest, post(`{"query":`).StatusCode)
	assert.Equal(t, http.StatusBadRequest, post(`{"variables":{}}`).StatusCode)
	assert.Equal(t, http.StatusRequestEntityTooLarge, post(`{"query":"`+strings.Repeat("x", 200)+`"}`).StatusCode)
}

func TestSSEKeepAlive(t *testing.T) {
	e := newEnv(t, sse.Options{KeepAlive: 10 * time.Millisecond})
	c, _ := e.stream(http.MethodPost, "subscription { events }")
	e.feed.Next(t)
	for range 5 {
		ev, err := c.next()
		require.NoError(t, err)
		require.True(t, ev.comment, "event %+v", ev)
	}
}

func TestSSEClientDisconnect(t *testing.T) {
	e := newEnv(t, sse.Options{})
	c, cancel := e.stream(http.MethodPost, "subscription { events }")
	s := e.feed.Next(t)
	s.Push(t, "a")
	c.expect("next")
	cancel()
	s.Cancelled(t)
}

func TestSSEExpiry(t *testing.T) {
	expiry := func(context.Context) time.Time { return time.Now().Add(50 * time.Millisecond) }
	e := newEnv(t, sse.Options{Expiry: expiry})
	c, _ := e.stream(http.MethodPost, "subscription { events }")
	s := e.feed.Next(t)
	c.expectEnd()
	s.Cancelled(t)
}

func TestSSEGoingAway(t *testing.T) {
	e := newEnv(t, sse.Options{})
	c, _ := e.stream(http.MethodPost, "subscription { events }")
	s := e.feed.Next(t)
	ctx, cancel := context.WithTimeout(context.Background(), eventschema.Wait)
	defer cancel()
	require.NoError(t, e.tracker.Shutdown(ctx))
	c.expectEnd()
	s.Cancelled(t)
}

// The http.Server's own write timeout does not cut a stream: each write
// sets its own deadline.
func TestSSEServerTimeoutsDoNotCutStreams(t *testing.T) {
	timeouts := func(s *http.Server) {
		s.ReadTimeout = 30 * time.Millisecond
		s.WriteTimeout = 30 * time.Millisecond
	}
	e := newEnv(t, sse.Options{KeepAlive: 10 * time.Millisecond}, timeouts)
	stream, _ := e.stream(http.MethodPost, "subscription { events }")
	s := e.feed.Next(t)
	deadline := time.Now().Add(150 * time.Millisecond)
	for time.Now().Before(deadline) {
		ev, err := stream.next()
		require.NoError(t, err)
		assert.True(t, ev.comment)
	}
	s.Push(t, "b")
	assert.JSONEq(t, `{"data":{"events":"b"}}`, stream.expect("next").data)
}
