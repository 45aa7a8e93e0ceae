package wstransport

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/gqlerr"
)

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
	ctx, cancel := context.WithTimeout(context.Background(), wait)
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
	e := newEnv(t, Options{}, SSE{})
	c, _ := e.stream(http.MethodPost, "subscription { events }")
	s := e.feed.next(t)
	s.push(t, "a")
	assert.JSONEq(t, `{"data":{"events":"a"}}`, c.expect("next").data)
	s.push(t, "b")
	assert.JSONEq(t, `{"data":{"events":"b"}}`, c.expect("next").data)
	close(s.end)
	assert.Empty(t, c.expect("complete").data)
	c.expectEnd()
}

func TestSSEOverGET(t *testing.T) {
	e := newEnv(t, Options{}, SSE{})
	c, _ := e.stream(http.MethodGet, "{ hello }")
	assert.JSONEq(t, `{"data":{"hello":"world"}}`, c.expect("next").data)
	c.expect("complete")
	c.expectEnd()

	// Mutations are refused over GET, through an event as the protocol asks.
	c, _ = e.stream(http.MethodGet, "mutation { noop }")
	var resp struct{ Errors []map[string]any }
	require.NoError(t, json.Unmarshal([]byte(c.expect("next").data), &resp))
	require.Len(t, resp.Errors, 1)
	ext, _ := resp.Errors[0]["extensions"].(map[string]any)
	assert.Equal(t, string(gqlerr.CodeMethodNotAllowed), ext["code"])
	c.expect("complete")
}

func TestSSEValidationError(t *testing.T) {
	e := newEnv(t, Options{}, SSE{})
	c, _ := e.stream(http.MethodPost, "subscription { nope }")
	ev := c.expect("next")
	assert.Contains(t, ev.data, `Cannot query field \"nope\"`)
	assert.NotContains(t, ev.data, `"data"`, "a request error has no data entry")
	c.expect("complete")
}

func TestSSEBadRequest(t *testing.T) {
	e := newEnv(t, Options{}, SSE{MaxBodyBytes: 100})
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
	e := newEnv(t, Options{}, SSE{KeepAlive: 10 * time.Millisecond})
	c, _ := e.stream(http.MethodPost, "subscription { events }")
	e.feed.next(t)
	for range 5 {
		ev, err := c.next()
		require.NoError(t, err)
		require.True(t, ev.comment, "event %+v", ev)
	}
}

func TestSSEClientDisconnect(t *testing.T) {
	e := newEnv(t, Options{}, SSE{})
	c, cancel := e.stream(http.MethodPost, "subscription { events }")
	s := e.feed.next(t)
	s.push(t, "a")
	c.expect("next")
	cancel()
	s.cancelled(t)
}

func TestSSEExpiry(t *testing.T) {
	expiry := func(context.Context) time.Time { return time.Now().Add(50 * time.Millisecond) }
	e := newEnv(t, Options{}, SSE{Expiry: expiry})
	c, _ := e.stream(http.MethodPost, "subscription { events }")
	s := e.feed.next(t)
	c.expectEnd()
	s.cancelled(t)
}

func TestSSEGoingAway(t *testing.T) {
	e := newEnv(t, Options{}, SSE{})
	c, _ := e.stream(http.MethodPost, "subscription { events }")
	s := e.feed.next(t)
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	require.NoError(t, e.tracker.Shutdown(ctx))
	c.expectEnd()
	s.cancelled(t)
}
