package wstransport

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/gorilla/websocket"
)

// closeSent as a close code: gorilla has written the close frame itself.
const closeSent = -1

// frame is one message to write.
type frame struct {
	op   *operation // set on an operation's frames: dropped once the client stopped it
	data []byte     // a text message
	ping bool       // a WebSocket ping control frame instead
}

// dialect is what differs between the two subprotocols.
type dialect struct {
	next      string  // message type of a result: "next" or "data"
	keepAlive []frame // sent every KeepAlive once acknowledged
	handle    func(c *conn, m *inMessage)
	// fail closes the connection with code and reason; the legacy protocol
	// first sends the reason in a connection_error message.
	fail func(c *conn, code int, reason string)
}

// conn is one WebSocket connection. An idle subscriber holds all of it for
// hours, so it is kept small: no goroutine but the reader (serve's own) and
// one per operation. Frames are written by whoever sends them, one at a
// time under wmu (see send); the timers are one time.AfterFunc (see
// schedule) and going away at shutdown a context.AfterFunc, both of which
// run a goroutine only when they fire. serve returns once all of these
// have ended.
type conn struct {
	o    Options
	ws   *websocket.Conn
	exec graphql.GraphExecutor
	d    *dialect // nil: no supported subprotocol, closing with 4406

	// ctx is the connection's lifetime: closeWith cancels it (and so every
	// operation); its end is the "closing" signal.
	ctx       context.Context
	cancel    context.CancelFunc
	closeOnce sync.Once
	// stopGoingAway cancels the Tracker's shutdown callback (nil: no
	// Tracker). The reader's.
	stopGoingAway func() bool

	// wmu serialises writes (gorilla allows one writer at a time) and
	// orders them: nothing is written after the close frame. It is never
	// taken while mu is held.
	wmu sync.Mutex

	start    time.Time
	lastRead atomic.Int64 // when the last frame arrived, as time since start

	// The reader's own state. opCtx and expiry are set before acked and not
	// changed after.
	initReceived bool
	readAt       time.Time
	opCtx        context.Context
	expiry       time.Time

	mu     sync.Mutex
	acked  bool         // connection_ack is written; set under mu, by the reader
	ops    []*operation // running operations (a map costs more, for the few there are)
	timers schedule
	ended  bool           // serve is done: no more callbacks may join wg
	wg     sync.WaitGroup // the operations and running callbacks
}

func newConn(o Options, ws *websocket.Conn, ctx context.Context, exec graphql.GraphExecutor, d *dialect) *conn {
	// The connection outlives the handler (see Do), whose return cancels the
	// request's context: keep the values the HTTP middleware put there
	// (correlation id, the gateway's identity), not the cancellation.
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	return &conn{
		o: o, ws: ws, exec: exec, d: d,
		ctx: ctx, cancel: cancel,
		start: time.Now(),
		opCtx: ctx,
	}
}

// serve runs the connection on the reader goroutine until it ends.
//
// Its frames and read's are kept small on purpose. Handling messages (JSON,
// Init, validation, a resolver's setup) grows the reader's stack to 8 KiB;
// while idle, the reader sits in gorilla's read path below these frames,
// and the runtime halves a stack at a GC only if what is in use, plus 800
// bytes, is under a quarter of it. A few hundred bytes less here (gorilla's
// ReadMessage, a closure with defers, slog arguments) make that so, and an
// idle connection's reader gets back to 4 KiB. So the setup and the end
// happen in functions of their own, and read does little more than read.
func (c *conn) serve() {
	defer c.recoverServe()
	c.begin()
	c.end(c.read())
}

func (c *conn) recoverServe() {
	if p := recover(); p != nil {
		c.o.Logger.ErrorContext(c.ctx, "websocket connection panicked", slog.Any("panic", p))
		_ = c.ws.Close()
	}
	c.o.Tracker.Leave()
}

func (c *conn) begin() {
	c.ws.SetReadLimit(c.o.MaxMessageBytes)
	// Control frames count as traffic for dead-peer detection.
	answerPing := c.ws.PingHandler()
	c.ws.SetPingHandler(func(data string) error { c.touch(); return answerPing(data) })
	c.ws.SetPongHandler(func(string) error { c.touch(); return nil })

	c.stopGoingAway = c.o.Tracker.OnShutdown(c.goAway)
	if c.d == nil {
		c.closeWith(CloseSubprotocolNotAcceptable, "Subprotocol not acceptable")
	} else {
		c.mu.Lock()
		c.timers.init = time.Now().Add(c.o.InitTimeout)
		c.arm()
		c.mu.Unlock()
	}
}

func (c *conn) read() error {
	for {
		_, r, err := c.ws.NextReader()
		if err != nil {
			return err
		}
		data, err := io.ReadAll(r)
		if err != nil {
			return err
		}
		c.received(data)
	}
}

func (c *conn) received(data []byte) {
	c.touch()
	if c.isClosing() || c.d == nil {
		return // Only the peer's close frame matters now.
	}
	c.readAt = time.Now()
	c.handle(data)
}

// end follows the reader's end: the peer closed, our close handshake is
// over, or the socket failed. Nothing more can be said on it.
func (c *conn) end(err error) {
	if err != nil && !isClosed(err) {
		c.o.Logger.DebugContext(c.ctx, "websocket read ended", slog.String("error", err.Error()))
	}
	if errors.Is(err, websocket.ErrReadLimit) {
		// gorilla has sent 1009 already: nothing is written any more.
		c.closeWith(closeSent, "")
		c.drain()
	}
	c.closeWith(0, "")
	_ = c.ws.Close()

	c.mu.Lock()
	c.ended = true
	c.mu.Unlock()
	c.stopTimers()
	c.wg.Wait()
}

// drain discards what the client still sends after gorilla refused a
// message over the read limit (it has sent 1009 itself), for at most
// WriteTimeout: closing the socket with unread data would reset the
// connection, and the client might lose the close frame.
func (c *conn) drain() {
	nc := c.ws.NetConn()
	_ = nc.SetReadDeadline(time.Now().Add(c.o.WriteTimeout))
	_, _ = io.Copy(io.Discard, nc)
}

func isClosed(err error) bool {
	var ce *websocket.CloseError
	return errors.As(err, &ce) || errors.Is(err, websocket.ErrCloseSent)
}

func (c *conn) handle(data []byte) {
	defer func() {
		if p := recover(); p != nil {
			c.internalError(p)
		}
	}()
	m, err := parseMessage(data)
	if err != nil {
		c.d.fail(c, CloseBadRequest, err.Error())
		return
	}
	c.d.handle(c, m)
}

// internalError ends the connection after a panic: the state of the
// connection is unknown, and graphql-ws answers internal errors with 4500.
func (c *conn) internalError(p any) {
	c.o.Logger.ErrorContext(c.ctx, "panic in websocket transport",
		slog.Any("panic", p), slog.String("stack", string(debug.Stack())))
	c.closeWith(CloseInternal, "Internal server error")
}

// closeWith closes the connection: operations are cancelled, nothing is
// written any more but the close frame (none for code 0, which drops the
// TCP connection; none for closeSent, gorilla has sent one), and the reader
// then waits for the peer's close frame. Only the first call counts; it
// writes the close frame itself, so it may wait for a write in progress
// (WriteTimeout at most) and for its own.
func (c *conn) closeWith(code int, reason string) { c.closeAfter(nil, code, reason) }

// closeAfter is closeWith with a last message (the legacy
// connection_error) written right before the close frame.
func (c *conn) closeAfter(last []byte, code int, reason string) {
	first := false
	c.closeOnce.Do(func() {
		first = true
		c.cancel()
		c.mu.Lock()
		// Init may have returned a context not derived from c.ctx.
		for _, op := range c.ops {
			op.cancel()
		}
		c.mu.Unlock()
	})
	if first {
		c.finish(last, code, reason)
	}
}

func (c *conn) isClosing() bool { return c.ctx.Err() != nil }

func (c *conn) since() int64 { return int64(time.Since(c.start)) }

func (c *conn) touch() { c.lastRead.Store(c.since()) }
