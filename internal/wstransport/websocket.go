package wstransport

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/gorilla/websocket"

	"github.com/essaylab/teacher-bff/internal/conntrack"
	"github.com/essaylab/teacher-bff/internal/gqlerr"
	"github.com/essaylab/teacher-bff/internal/gqlwire"
)

// Defaults for the zero fields of Options.
const (
	DefaultInitTimeout      = 10 * time.Second
	DefaultKeepAlive        = 15 * time.Second
	DefaultWriteTimeout     = 10 * time.Second
	DefaultMaxMessageBytes  = gqlwire.DefaultMaxBodyBytes
	DefaultMaxSubscriptions = 100
)

// InitFunc checks connection_init's payload. It returns the context every
// operation of the connection runs in (with the teacher in it), derived from
// ctx, and when the identity expires (zero: never). An error refuses the
// connection. ctx ends when the connection does.
type InitFunc func(ctx context.Context, payload map[string]any) (context.Context, time.Time, error)

// Options configure Websocket.
type Options struct {
	// Init authenticates the connection (both subprotocols). A refusal closes
	// it with 4403 (legacy: connection_error first); an identity that expires
	// closes it with 4403 "token expired" at that time. nil accepts every
	// connection in the upgrade request's context: tests only.
	Init InitFunc
	// InitTimeout is how long a connection may stay unacknowledged (no
	// connection_init, or Init still running) before 4408. Default 10s.
	InitTimeout time.Duration
	// KeepAlive is the interval of the server's pings (graphql-transport-ws
	// ping messages; legacy ka messages plus WebSocket ping frames), which
	// start once the connection is acknowledged. Default 15s.
	KeepAlive time.Duration
	// PongTimeout is how long the server waits, after a ping, for any frame
	// from the client (a pong, or anything else) before it drops the
	// connection as dead. Default 2×KeepAlive, so a dead peer is noticed
	// within 3×KeepAlive at most.
	PongTimeout time.Duration
	// WriteTimeout bounds every write (a close frame's too, with the legacy
	// connection_error before it); a client that reads slower than that is
	// dropped. The peer's answer to our close frame is awaited at most this
	// long too. Default 10s.
	WriteTimeout time.Duration
	// CheckOrigin decides whether a browser's Origin may open a connection
	// (the upgrade is refused with 403 otherwise). Set it: nil falls back to
	// gorilla's same-origin check, which refuses every cross-origin page.
	CheckOrigin func(r *http.Request) bool
	// MaxMessageBytes bounds a client message (the BFF gives it its one
	// configured body limit, as for HTTP bodies); a larger one closes the
	// connection with 1009 (message too big). Default DefaultMaxMessageBytes
	// (1 MiB, gqlwire.DefaultMaxBodyBytes).
	MaxMessageBytes int64
	// MaxSubscriptions bounds the running operations of one connection; one
	// more is answered with an error message for its id. Default 100.
	MaxSubscriptions int
	// Tracker, when set, closes the connections with 1001 at shutdown.
	Tracker *conntrack.Tracker
	// Logger receives connection failures (debug) and internal errors
	// (error). Default: discard.
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.InitTimeout <= 0 {
		o.InitTimeout = DefaultInitTimeout
	}
	if o.KeepAlive <= 0 {
		o.KeepAlive = DefaultKeepAlive
	}
	if o.PongTimeout <= 0 {
		o.PongTimeout = 2 * o.KeepAlive
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = DefaultWriteTimeout
	}
	if o.MaxMessageBytes <= 0 {
		o.MaxMessageBytes = DefaultMaxMessageBytes
	}
	if o.MaxSubscriptions <= 0 {
		o.MaxSubscriptions = DefaultMaxSubscriptions
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// writeBuffers are shared by every connection's writes.
var writeBuffers = &sync.Pool{}

// Websocket serves GraphQL operations over WebSocket, with the
// graphql-transport-ws and the legacy graphql-ws subprotocols.
type Websocket struct{ Options }

var _ graphql.Transport = Websocket{}

// Supports claims WebSocket upgrade requests.
func (t Websocket) Supports(r *http.Request) bool {
	return r.Method == http.MethodGet && websocket.IsWebSocketUpgrade(r)
}

// Do upgrades the request and hands the connection to a goroutine that
// serves it until it ends.
func (t Websocket) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	o := t.withDefaults()
	if !o.Tracker.Enter() {
		gqlwire.WriteRefusal(w, r, gqlwire.Refuse(gqlerr.CodeShuttingDown, "the server is shutting down"))
		return
	}
	served := false
	defer func() {
		if !served {
			o.Tracker.Leave()
		}
	}()

	up := websocket.Upgrader{
		HandshakeTimeout: o.WriteTimeout,
		// An idle subscription should hold as little as possible: a small
		// read buffer, and write buffers taken from a pool only while
		// writing, instead of the HTTP server's 4 KiB buffers for the
		// connection's lifetime. The read buffer only sizes reads: larger
		// messages are read straight into the message; it must hold a
		// control frame (125 bytes), and clients send little.
		ReadBufferSize:  256,
		WriteBufferSize: 4096,
		WriteBufferPool: writeBuffers,
		// Server preference: the maintained protocol first.
		Subprotocols: []string{SubprotocolTransportWS, SubprotocolLegacyWS},
		CheckOrigin:  o.CheckOrigin,
		Error: func(w http.ResponseWriter, r *http.Request, status int, reason error) {
			o.Logger.DebugContext(r.Context(), "websocket upgrade refused",
				slog.Int("status", status), slog.String("error", reason.Error()))
			code := gqlerr.CodeBadRequest
			if status == http.StatusForbidden {
				code = gqlerr.CodeCSRF // CheckOrigin refused the page's origin
			}
			gqlwire.WriteRefusal(w, r, &gqlwire.Refusal{Status: status, Code: code, Message: http.StatusText(status)})
		},
	}
	ws, err := up.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade has answered with an HTTP error.
	}

	var d *dialect
	switch ws.Subprotocol() {
	case SubprotocolTransportWS:
		d = transportWS
	case SubprotocolLegacyWS:
		d = legacyWS
	}
	c := newConn(o, ws, r.Context(), exec, d)
	// The connection is served on a goroutine of its own, and the handler
	// returns: for as long as a handler runs, net/http keeps the
	// connection's 4 KiB read and write buffers, the response, the request
	// and the handler chain's deep stack, which for a subscription is hours.
	served = true
	go c.serve() // It leaves the Tracker.
}
