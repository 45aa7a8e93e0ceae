package wstransport

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/coder/websocket"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"go.uber.org/goleak"

	"github.com/essaylab/teacher-bff/internal/conntrack"
	"github.com/essaylab/teacher-bff/internal/correlation"
	"github.com/essaylab/teacher-bff/internal/testenv/eventschema"
)

// Every connection, operation and timer goroutine must be gone at the end.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

type teacherKey struct{}

// tokenInit accepts {"token":"good"} and puts the teacher in the context.
func tokenInit(ctx context.Context, payload map[string]any) (context.Context, time.Time, error) {
	if payload["token"] != "good" {
		return nil, time.Time{}, errors.New("bad token")
	}
	return context.WithValue(ctx, teacherKey{}, "teacher-1"), time.Time{}, nil
}

// env is a real HTTP server with gqlgen's handler and the WebSocket transport.
type env struct {
	t       *testing.T
	feed    *eventschema.Feed
	srv     *httptest.Server
	tracker *conntrack.Tracker
}

// newEnv fills the options tests do not care about: keep-alives too rare
// to show up, short close waits, every origin allowed, tokenInit.
// configure may set the http.Server's own timeouts.
func newEnv(t *testing.T, o Options, configure ...func(*http.Server)) *env {
	t.Helper()
	es, f := eventschema.New()
	tracker := &conntrack.Tracker{}
	if o.Init == nil {
		o.Init = tokenInit
	}
	if o.KeepAlive == 0 {
		o.KeepAlive = time.Minute
	}
	if o.WriteTimeout == 0 {
		o.WriteTimeout = time.Second
	}
	if o.CheckOrigin == nil {
		o.CheckOrigin = func(*http.Request) bool { return true }
	}
	o.Tracker = tracker
	h := handler.New(es)
	h.AddTransport(Websocket{Options: o})
	e := &env{t: t, feed: f, srv: httptest.NewUnstartedServer(correlation.Middleware(h)), tracker: tracker}
	for _, c := range configure {
		c(e.srv.Config)
	}
	e.srv.Start()
	t.Cleanup(func() {
		// Whatever the test left open is closed, and must end in time.
		ctx, cancel := context.WithTimeout(context.Background(), eventschema.Wait)
		defer cancel()
		if err := tracker.Shutdown(ctx); err != nil {
			t.Errorf("connections still open after the test: %v", err)
		}
		e.srv.Close()
	})
	return e
}

// msg is a message of either subprotocol, as the client sees it.
type msg struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

type client struct {
	t *testing.T
	c *websocket.Conn
}

func (e *env) dial(protocols ...string) *client {
	e.t.Helper()
	c, err := e.dialWith(&websocket.DialOptions{Subprotocols: protocols})
	require.NoError(e.t, err)
	return c
}

func (e *env) dialWith(opts *websocket.DialOptions) (*client, error) {
	ctx, cancel := context.WithTimeout(context.Background(), eventschema.Wait)
	defer cancel()
	url := "ws" + strings.TrimPrefix(e.srv.URL, "http")
	c, resp, err := websocket.Dial(ctx, url, opts)
	if err != nil {
		if resp != nil {
			return nil, errors.Join(err, errors.New(resp.Status))
		}
		return nil, err
	}
	e.t.Cleanup(func() { _ = c.CloseNow() })
	return &client{t: e.t, c: c}, nil
}

func (c *client) sendRaw(s string) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), eventschema.Wait)
	defer cancel()
	require.NoError(c.t, c.c.Write(ctx, websocket.MessageText, []byte(s)))
}

func (c *client) send(m msg) {
	c.t.Helper()
	b, err := json.Marshal(m)
	require.NoError(c.t, err)
	c.sendRaw(string(b))
}

func (c *client) subscribe(typ, id, query string) {
	c.t.Helper()
	c.send(msg{ID: id, Type: typ, Payload: json.RawMessage(`{"query":` + quote(query) + `}`)})
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// read returns the next message, failing the test on a close or timeout.
func (c *client) read() msg {
	c.t.Helper()
	m, err := c.next()
	require.NoError(c.t, err)
	return m
}

func (c *client) next() (msg, error) {
	ctx, cancel := context.WithTimeout(context.Background(), eventschema.Wait)
	defer cancel()
	_, b, err := c.c.Read(ctx)
	if err != nil {
		return msg{}, err
	}
	var m msg
	require.NoError(c.t, json.Unmarshal(b, &m), "server sent %s", b)
	return m, nil
}

// expect reads the next message and checks its type and id. Keep-alives
// (ping, ka) come on a timer the test does not hold: they are skipped
// unless expected.
func (c *client) expect(typ, id string) msg {
	c.t.Helper()
	m := c.read()
	for typ != m.Type && (m.Type == "ping" || m.Type == "ka") {
		m = c.read()
	}
	require.Equal(c.t, typ, m.Type, "message %+v (payload %s)", m, m.Payload)
	require.Equal(c.t, id, m.ID, "message %+v", m)
	return m
}

// expectClose reads until the socket closes and checks the close frame. It
// returns the messages that came before it.
func (c *client) expectClose(code websocket.StatusCode, reason string) []msg {
	c.t.Helper()
	var before []msg
	for {
		m, err := c.next()
		if err == nil {
			before = append(before, m)
			continue
		}
		var ce websocket.CloseError
		require.ErrorAs(c.t, err, &ce, "no close frame (messages before: %+v)", before)
		require.Equal(c.t, code, ce.Code, "close reason %q", ce.Reason)
		require.Equal(c.t, reason, ce.Reason)
		return before
	}
}

// expectDropped reads until the connection ends without a close frame.
func (c *client) expectDropped() {
	c.t.Helper()
	for {
		_, err := c.next()
		if err != nil {
			require.Equal(c.t, websocket.StatusCode(-1), websocket.CloseStatus(err), "got a close frame: %v", err)
			return
		}
	}
}

// init opens a graphql-transport-ws connection.
func (c *client) init() {
	c.t.Helper()
	c.sendRaw(`{"type":"connection_init","payload":{"token":"good"}}`)
	c.expect("connection_ack", "")
}

// initLegacy opens a graphql-ws (legacy) connection.
func (c *client) initLegacy() {
	c.t.Helper()
	c.sendRaw(`{"type":"connection_init","payload":{"token":"good"}}`)
	c.expect("connection_ack", "")
	c.expect("ka", "")
}

// errorsOf decodes an error message's payload (a list of GraphQL errors).
func errorsOf(t *testing.T, m msg) gqlerror.List {
	t.Helper()
	var errs gqlerror.List
	require.NoError(t, json.Unmarshal(m.Payload, &errs), "payload %s", m.Payload)
	require.NotEmpty(t, errs)
	return errs
}
