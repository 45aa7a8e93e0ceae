package wstransport

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/gqlerr"
	"github.com/essaylab/teacher-bff/internal/testenv/eventschema"
)

func TestTransportWSHappyPath(t *testing.T) {
	e := newEnv(t, Options{})
	c := e.dial(SubprotocolTransportWS, SubprotocolLegacyWS)
	require.Equal(t, SubprotocolTransportWS, c.c.Subprotocol(), "the maintained protocol wins")
	c.init()

	c.subscribe("subscribe", "s1", "subscription { events }")
	s := e.feed.Next(t)
	assert.Equal(t, "teacher-1", s.Ctx.Value(teacherKey{}), "operations run in Init's context")
	s.Push(t, "a")
	assert.JSONEq(t, `{"data":{"events":"a"}}`, string(c.expect("next", "s1").Payload))
	s.Push(t, "b")
	assert.JSONEq(t, `{"data":{"events":"b"}}`, string(c.expect("next", "s1").Payload))

	// A query over the socket: one next, then complete.
	c.subscribe("subscribe", "q1", "{ hello }")
	assert.JSONEq(t, `{"data":{"hello":"world"}}`, string(c.expect("next", "q1").Payload))
	c.expect("complete", "q1")

	// Validation failure: an error message, and no complete.
	c.subscribe("subscribe", "v1", "subscription { nope }")
	errs := errorsOf(t, c.expect("error", "v1"))
	assert.Contains(t, errs[0].Message, `Cannot query field "nope"`)

	// Client pings are answered, with their payload.
	c.sendRaw(`{"type":"ping","payload":{"n":1}}`)
	assert.JSONEq(t, `{"n":1}`, string(c.expect("pong", "").Payload))
	c.sendRaw(`{"type":"pong"}`) // unsolicited pongs are allowed

	// The server ends the subscription: complete.
	close(s.End)
	c.expect("complete", "s1")

	require.NoError(t, c.c.Close(websocket.StatusNormalClosure, ""))
}

func TestTransportWSClientCompleteCancelsResolver(t *testing.T) {
	e := newEnv(t, Options{})
	c := e.dial(SubprotocolTransportWS)
	c.init()
	c.subscribe("subscribe", "1", "subscription { events }")
	s := e.feed.Next(t)
	s.Push(t, "a")
	c.expect("next", "1")

	c.sendRaw(`{"type":"complete","id":"1"}`)
	s.Cancelled(t)
	// Nothing follows for that id: the next message is the pong.
	c.sendRaw(`{"type":"ping"}`)
	c.expect("pong", "")

	// The id is free again.
	c.subscribe("subscribe", "1", "subscription { events }")
	s2 := e.feed.Next(t)
	s2.Push(t, "b")
	c.expect("next", "1")
}

func TestTransportWSInvalidMessages(t *testing.T) {
	cases := map[string]string{
		"not JSON":                `{"type":`,
		"not an object":           `[1,2]`,
		"no type":                 `{"id":"1"}`,
		"type not a string":       `{"type":42}`,
		"unknown type":            `{"type":"bogus"}`,
		"server-only type":        `{"type":"next","id":"1","payload":{}}`,
		"subscribe without id":    `{"type":"subscribe","payload":{"query":"{ hello }"}}`,
		"subscribe empty id":      `{"type":"subscribe","id":"","payload":{"query":"{ hello }"}}`,
		"subscribe numeric id":    `{"type":"subscribe","id":7,"payload":{"query":"{ hello }"}}`,
		"subscribe no payload":    `{"type":"subscribe","id":"1"}`,
		"query not a string":      `{"type":"subscribe","id":"1","payload":{"query":1}}`,
		"variables not object":    `{"type":"subscribe","id":"1","payload":{"query":"{ hello }","variables":[1]}}`,
		"complete without id":     `{"type":"complete"}`,
		"ping payload not object": `{"type":"ping","payload":[1]}`,
	}
	e := newEnv(t, Options{})
	for name, raw := range cases {
		t.Run(name, func(t *testing.T) {
			c := e.dial(SubprotocolTransportWS)
			c.init()
			c.sendRaw(raw)
			ce := c.readClose()
			assert.Equal(t, websocket.StatusCode(CloseBadRequest), ce.Code, "reason %q", ce.Reason)
			assert.NotEmpty(t, ce.Reason)
		})
	}

	t.Run("init payload not an object", func(t *testing.T) {
		c := e.dial(SubprotocolTransportWS)
		c.sendRaw(`{"type":"connection_init","payload":"token"}`)
		assert.Equal(t, websocket.StatusCode(CloseBadRequest), c.readClose().Code)
	})
	t.Run("long type", func(t *testing.T) {
		// The reason would not fit in a close frame.
		c := e.dial(SubprotocolTransportWS)
		c.sendRaw(`{"type":"` + strings.Repeat("x", 200) + `"}`)
		c.expectClose(CloseBadRequest, "Invalid message received")
	})
	t.Run("too big", func(t *testing.T) {
		c := e.dial(SubprotocolTransportWS)
		c.init()
		c.sendRaw(`{"type":"ping","payload":{"pad":"` + strings.Repeat("x", DefaultMaxMessageBytes) + `"}}`)
		assert.Equal(t, websocket.StatusMessageTooBig, c.readClose().Code)
	})
}

// readClose reads until the close frame and returns it.
func (c *client) readClose() websocket.CloseError {
	c.t.Helper()
	for {
		_, err := c.next()
		if err != nil {
			var ce websocket.CloseError
			require.ErrorAs(c.t, err, &ce)
			return ce
		}
	}
}

func TestTransportWSUnauthorized(t *testing.T) {
	e := newEnv(t, Options{})
	c := e.dial(SubprotocolTransportWS)
	c.subscribe("subscribe", "1", "subscription { events }")
	c.expectClose(CloseUnauthorized, "Unauthorized")
	e.feed.None(t)
}

func TestTransportWSForbidden(t *testing.T) {
	e := newEnv(t, Options{})
	c := e.dial(SubprotocolTransportWS)
	c.sendRaw(`{"type":"connection_init","payload":{"token":"stolen"}}`)
	c.expectClose(CloseForbidden, "Forbidden")
}

func TestTransportWSInitTimeout(t *testing.T) {
	e := newEnv(t, Options{InitTimeout: 30 * time.Millisecond})
	c := e.dial(SubprotocolTransportWS)
	c.expectClose(CloseInitTimeout, "Connection initialisation timeout")
}

func TestTransportWSTooManyInits(t *testing.T) {
	e := newEnv(t, Options{})
	c := e.dial(SubprotocolTransportWS)
	c.init()
	c.sendRaw(`{"type":"connection_init","payload":{"token":"good"}}`)
	c.expectClose(CloseTooManyInits, "Too many initialisation requests")
}

func TestTransportWSDuplicateID(t *testing.T) {
	e := newEnv(t, Options{})
	c := e.dial(SubprotocolTransportWS)
	c.init()
	c.subscribe("subscribe", "dup", "subscription { events }")
	first := e.feed.Next(t)
	first.Push(t, "a")
	c.expect("next", "dup")

	// The first subscription still delivers while the duplicate arrives.
	pushed := make(chan struct{})
	go func() {
		defer close(pushed)
		select {
		case first.Events <- "b":
		case <-first.Ctx.Done():
		}
	}()
	c.subscribe("subscribe", "dup", "subscription { events }")
	before := c.expectClose(CloseSubscriberExists, "Subscriber for dup already exists")
	for _, m := range before {
		assert.Equal(t, msg{ID: "dup", Type: "next"}, msg{ID: m.ID, Type: m.Type}, "only the first one's results")
	}
	<-pushed

	// Nothing is left behind: the first resolver is cancelled, the
	// duplicate never started, and the connection's goroutines end.
	first.Cancelled(t)
	e.feed.None(t)
	ctx, cancel := context.WithTimeout(context.Background(), eventschema.Wait)
	defer cancel()
	require.NoError(t, e.tracker.Shutdown(ctx))
}

func TestTransportWSInternalError(t *testing.T) {
	t.Run("Init panics", func(t *testing.T) {
		init := func(context.Context, map[string]any) (context.Context, time.Time, error) { panic("bug") }
		e := newEnv(t, Options{Init: init})
		c := e.dial(SubprotocolTransportWS)
		c.sendRaw(`{"type":"connection_init"}`)
		c.expectClose(CloseInternal, "Internal server error")
	})
	t.Run("operation panics", func(t *testing.T) {
		e := newEnv(t, Options{})
		c := e.dial(SubprotocolTransportWS)
		c.init()
		c.subscribe("subscribe", "1", "{ boom }")
		c.expectClose(CloseInternal, "Internal server error")
	})
}

func TestTransportWSMaxSubscriptions(t *testing.T) {
	e := newEnv(t, Options{MaxSubscriptions: 1})
	c := e.dial(SubprotocolTransportWS)
	c.init()
	c.subscribe("subscribe", "1", "subscription { events }")
	s := e.feed.Next(t)

	c.subscribe("subscribe", "2", "subscription { events }")
	errs := errorsOf(t, c.expect("error", "2"))
	assert.Equal(t, string(gqlerr.CodeTooManySubscriptions), errs[0].Extensions["code"])
	assert.NotEmpty(t, errs[0].Extensions["correlationId"], "built by gqlerr.New")

	s.Push(t, "a")
	c.expect("next", "1")
	e.feed.None(t)
}

func TestTransportWSIdentityExpiry(t *testing.T) {
	expiringIn := func(d time.Duration) InitFunc {
		return func(ctx context.Context, _ map[string]any) (context.Context, time.Time, error) {
			return ctx, time.Now().Add(d), nil
		}
	}
	t.Run("while connected", func(t *testing.T) {
		e := newEnv(t, Options{Init: expiringIn(50 * time.Millisecond)})
		c := e.dial(SubprotocolTransportWS)
		c.init()
		c.subscribe("subscribe", "1", "subscription { events }")
		s := e.feed.Next(t)
		c.expectClose(CloseForbidden, "token expired")
		s.Cancelled(t)
	})
	t.Run("already expired", func(t *testing.T) {
		e := newEnv(t, Options{Init: expiringIn(-time.Second)})
		c := e.dial(SubprotocolTransportWS)
		c.sendRaw(`{"type":"connection_init"}`)
		c.expectClose(CloseForbidden, "token expired")
	})
}

func TestTransportWSKeepAlive(t *testing.T) {
	e := newEnv(t, Options{KeepAlive: 10 * time.Millisecond, PongTimeout: 30 * time.Millisecond})
	c := e.dial(SubprotocolTransportWS)
	c.init()
	// Answered pings keep the connection up over many pong timeouts.
	for range 10 {
		c.expect("ping", "")
		c.sendRaw(`{"type":"pong"}`)
	}
}

func TestTransportWSDeadPeer(t *testing.T) {
	e := newEnv(t, Options{KeepAlive: 10 * time.Millisecond, PongTimeout: 30 * time.Millisecond})
	c := e.dial(SubprotocolTransportWS)
	c.init()
	c.subscribe("subscribe", "1", "subscription { events }")
	s := e.feed.Next(t)
	// The client reads the pings but never answers: it is dropped.
	c.expectDropped()
	s.Cancelled(t)
}

func TestUnsupportedSubprotocol(t *testing.T) {
	e := newEnv(t, Options{})
	for _, protocols := range [][]string{nil, {"graphql-sse"}} {
		c := e.dial(protocols...)
		c.expectClose(CloseSubprotocolNotAcceptable, "Subprotocol not acceptable")
	}
}

func TestOrigin(t *testing.T) {
	allowed := func(r *http.Request) bool {
		o := r.Header.Get("Origin")
		return o == "" || o == "https://teacher.example"
	}
	e := newEnv(t, Options{CheckOrigin: allowed})
	dial := func(origin string) error {
		h := http.Header{}
		h.Set("Origin", origin)
		_, err := e.dialWith(&websocket.DialOptions{Subprotocols: []string{SubprotocolTransportWS}, HTTPHeader: h})
		return err
	}
	err := dial("https://evil.example")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "403")
	require.NoError(t, dial("https://teacher.example"))
}

func TestGoingAway(t *testing.T) {
	e := newEnv(t, Options{})
	c := e.dial(SubprotocolTransportWS)
	c.init()
	c.subscribe("subscribe", "1", "subscription { events }")
	s := e.feed.Next(t)

	shutdown := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), eventschema.Wait)
		defer cancel()
		shutdown <- e.tracker.Shutdown(ctx)
	}()
	c.expectClose(CloseGoingAway, "Going away")
	s.Cancelled(t)
	require.NoError(t, <-shutdown)

	// New connections are refused while shutting down.
	_, err := e.dialWith(&websocket.DialOptions{Subprotocols: []string{SubprotocolTransportWS}})
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "503"), err.Error())
	assert.False(t, errors.Is(err, context.DeadlineExceeded))
}
