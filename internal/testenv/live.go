package testenv

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/app"
	"github.com/essaylab/teacher-bff/internal/config"
	"github.com/essaylab/teacher-bff/internal/events"
	"github.com/essaylab/teacher-bff/internal/testenv/testkit"
)

// RedisURL is the Redis server of the development and CI machines, as the
// BFF's configuration names it (testkit.RedisAddr, database 0).
var RedisURL = "redis://" + testkit.RedisAddr() + "/0"

// RequireRedis returns a client of the real Redis server. Where it is not
// running the test fails in CI (CI is set) and is skipped elsewhere.
func RequireRedis(t testing.TB) *redis.Client {
	t.Helper()
	return testkit.Redis(t, "")
}

// WithRedis makes the BFF take its events from the real Redis server. Its
// rate-limit budgets there are its own (a fresh key prefix), so tests on the
// shared server do not spend each other's.
func WithRedis(t testing.TB) Option {
	RequireRedis(t)
	prefix := "test-" + rand.Text()[:10] + ":"
	return func(c *config.Config, o *app.Options) {
		c.RedisURL = RedisURL
		if o.RateLimitPrefix == "" {
			o.RateLimitPrefix = prefix
		}
	}
}

// WithBus makes the BFF take its events from an in-process bus.
func WithBus(bus *events.MemoryBus) Option {
	return func(_ *config.Config, o *app.Options) { o.Events = bus }
}

// WSClient is a WebSocket client of the BFF speaking one subscription
// protocol frame by frame.
type WSClient struct {
	Conn *websocket.Conn
	t    testing.TB
}

// Message is one protocol message.
type Message struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// DialWS opens a WebSocket to /graphql with the given subprotocol.
func (e *Env) DialWS(t testing.TB, protocol string, header http.Header) *WSClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	url := "ws" + strings.TrimPrefix(e.Server.URL, "http") + "/graphql"
	c, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{protocol}, HTTPHeader: header})
	require.NoError(t, err)
	c.SetReadLimit(1 << 20)
	t.Cleanup(func() { _ = c.CloseNow() })
	return &WSClient{Conn: c, t: t}
}

// Send writes one message.
func (c *WSClient) Send(m Message) {
	c.t.Helper()
	b, err := json.Marshal(m)
	require.NoError(c.t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(c.t, c.Conn.Write(ctx, websocket.MessageText, b))
}

// Read returns the next message other than keep-alives, waiting at most d.
func (c *WSClient) Read(d time.Duration) (Message, error) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	for {
		_, b, err := c.Conn.Read(ctx)
		if err != nil {
			return Message{}, err
		}
		var m Message
		if err := json.Unmarshal(b, &m); err != nil {
			return Message{}, err
		}
		switch m.Type {
		case "ka", "ping", "pong":
			continue
		}
		return m, nil
	}
}

// Expect reads the next message and requires its type.
func (c *WSClient) Expect(typ string) Message {
	c.t.Helper()
	m, err := c.Read(5 * time.Second)
	require.NoError(c.t, err)
	require.Equal(c.t, typ, m.Type, "payload: %s", m.Payload)
	return m
}

// CloseCode waits for the server to close the connection and returns its
// close code (-1 when the connection ended without a close frame).
func (c *WSClient) CloseCode(d time.Duration) websocket.StatusCode {
	c.t.Helper()
	for {
		_, err := c.Read(d)
		if err == nil {
			continue
		}
		return websocket.CloseStatus(err)
	}
}

// Init sends connection_init with payload and waits for the ack.
func (c *WSClient) Init(payload map[string]any) {
	c.t.Helper()
	b, err := json.Marshal(payload)
	require.NoError(c.t, err)
	c.Send(Message{Type: "connection_init", Payload: b})
	c.Expect("connection_ack")
}

// Subscribe starts an operation; subscribeType is "subscribe" for
// graphql-transport-ws and "start" for the legacy protocol.
func (c *WSClient) Subscribe(subscribeType, id, query string, vars map[string]any) {
	c.t.Helper()
	b, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	require.NoError(c.t, err)
	c.Send(Message{ID: id, Type: subscribeType, Payload: b})
}
