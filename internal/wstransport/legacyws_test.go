package wstransport

import (
	"context"
	"encoding/json"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/gqlerr"
)

func TestLegacyHappyPath(t *testing.T) {
	e := newEnv(t, Options{})
	c := e.dial(SubprotocolLegacyWS)
	require.Equal(t, SubprotocolLegacyWS, c.c.Subprotocol())
	c.initLegacy()

	c.subscribe("start", "1", "subscription { events }")
	s := e.feed.Next(t)
	assert.Equal(t, "teacher-1", s.Ctx.Value(teacherKey{}))
	s.Push(t, "a")
	assert.JSONEq(t, `{"data":{"events":"a"}}`, string(c.expect("data", "1").Payload))

	c.subscribe("start", "q", "{ hello }")
	assert.JSONEq(t, `{"data":{"hello":"world"}}`, string(c.expect("data", "q").Payload))
	c.expect("complete", "q")

	c.subscribe("start", "v", "subscription { nope }")
	errs := errorsOf(t, c.expect("error", "v"))
	assert.Contains(t, errs[0].Message, `Cannot query field "nope"`)

	// stop ends the subscription; nothing more is sent for it.
	c.sendRaw(`{"type":"stop","id":"1"}`)
	s.Cancelled(t)

	// A start reusing a running id replaces that operation.
	c.subscribe("start", "2", "subscription { events }")
	old := e.feed.Next(t)
	c.subscribe("start", "2", "subscription { events }")
	old.Cancelled(t)
	e.feed.Next(t).Push(t, "b")
	assert.JSONEq(t, `{"data":{"events":"b"}}`, string(c.expect("data", "2").Payload))

	c.sendRaw(`{"type":"connection_terminate"}`)
	c.expectClose(CloseNormal, "")
}

// expectConnectionError reads the connection_error message and the close
// that follows it.
func (c *client) expectConnectionError(code websocket.StatusCode, reason string) map[string]any {
	c.t.Helper()
	before := c.expectClose(code, reason)
	require.NotEmpty(c.t, before)
	m := before[len(before)-1]
	require.Equal(c.t, "connection_error", m.Type)
	var payload map[string]any
	require.NoError(c.t, json.Unmarshal(m.Payload, &payload))
	return payload
}

func TestLegacyConnectionErrors(t *testing.T) {
	e := newEnv(t, Options{})

	t.Run("init refused", func(t *testing.T) {
		c := e.dial(SubprotocolLegacyWS)
		c.sendRaw(`{"type":"connection_init","payload":{"token":"stolen"}}`)
		p := c.expectConnectionError(CloseForbidden, "Forbidden")
		assert.Equal(t, "Forbidden", p["message"])
		ext, _ := p["extensions"].(map[string]any)
		assert.Equal(t, string(gqlerr.CodeUnauthenticated), ext["code"])
		assert.NotEmpty(t, ext["correlationId"], "built by gqlerr.New")
	})
	t.Run("start before init", func(t *testing.T) {
		c := e.dial(SubprotocolLegacyWS)
		c.subscribe("start", "1", "subscription { events }")
		c.expectConnectionError(CloseUnauthorized, "Unauthorized")
		e.feed.None(t)
	})
	t.Run("invalid JSON", func(t *testing.T) {
		c := e.dial(SubprotocolLegacyWS)
		c.initLegacy()
		c.sendRaw(`{"type":"start",`)
		ce := c.readClose()
		assert.Equal(t, websocket.StatusCode(CloseBadRequest), ce.Code)
	})
	t.Run("start without payload", func(t *testing.T) {
		c := e.dial(SubprotocolLegacyWS)
		c.initLegacy()
		c.sendRaw(`{"type":"start","id":"1"}`)
		p := c.expectConnectionError(CloseBadRequest, `"start" message: the request is empty: send a JSON object with a query`)
		assert.Contains(t, p["message"], "query")
	})
	t.Run("graphql-transport-ws message", func(t *testing.T) {
		c := e.dial(SubprotocolLegacyWS)
		c.initLegacy()
		c.sendRaw(`{"type":"subscribe","id":"1","payload":{"query":"{ hello }"}}`)
		c.expectConnectionError(CloseBadRequest, "Unexpected message of type subscribe received")
	})
	t.Run("init timeout", func(t *testing.T) {
		e := newEnv(t, Options{InitTimeout: 30 * time.Millisecond})
		c := e.dial(SubprotocolLegacyWS)
		c.expectConnectionError(CloseInitTimeout, "Connection initialisation timeout")
	})
	t.Run("identity expires", func(t *testing.T) {
		init := func(ctx context.Context, _ map[string]any) (context.Context, time.Time, error) {
			return ctx, time.Now().Add(50 * time.Millisecond), nil
		}
		e := newEnv(t, Options{Init: init})
		c := e.dial(SubprotocolLegacyWS)
		c.initLegacy()
		p := c.expectConnectionError(CloseForbidden, "token expired")
		assert.Equal(t, "token expired", p["message"])
	})
	t.Run("second init", func(t *testing.T) {
		c := e.dial(SubprotocolLegacyWS)
		c.initLegacy()
		c.sendRaw(`{"type":"connection_init","payload":{"token":"good"}}`)
		c.expectConnectionError(CloseTooManyInits, "Too many initialisation requests")
	})
}

func TestLegacyKeepAlive(t *testing.T) {
	e := newEnv(t, Options{KeepAlive: 10 * time.Millisecond, PongTimeout: 30 * time.Millisecond})
	var pings atomic.Int32
	c, err := e.dialWith(&websocket.DialOptions{
		Subprotocols: []string{SubprotocolLegacyWS},
		// The client answers ping frames (as browsers do) while it reads.
		OnPingReceived: func(context.Context, []byte) bool { pings.Add(1); return true },
	})
	require.NoError(t, err)
	c.initLegacy()
	// ka keeps coming over many pong timeouts.
	for range 10 {
		c.expect("ka", "")
	}
	assert.Positive(t, pings.Load(), "WebSocket pings go with the ka messages")
}

func TestLegacyDeadPeer(t *testing.T) {
	e := newEnv(t, Options{KeepAlive: 10 * time.Millisecond, PongTimeout: 30 * time.Millisecond})
	c, err := e.dialWith(&websocket.DialOptions{
		Subprotocols: []string{SubprotocolLegacyWS},
		// Reads ka messages but never answers ping frames.
		OnPingReceived: func(context.Context, []byte) bool { return false },
	})
	require.NoError(t, err)
	c.initLegacy()
	c.subscribe("start", "1", "subscription { events }")
	s := e.feed.Next(t)
	c.expectDropped()
	s.Cancelled(t)
}
