package wstransport

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/gorilla/websocket"
)

// outQueue is how many frames may wait for the writer. A full queue makes
// the connection's own senders wait, never another connection's.
const outQueue = 32

// closeSent as a close code: gorilla has written the close frame itself.
const closeSent = -1

// frame is one message for the writer goroutine.
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

// conn is one WebSocket connection. Its goroutines: the reader (Do's own),
// the writer, the watchdog (timers) and one per operation; serve returns
// when all of them have ended.
type conn struct {
	o    Options
	ws   *websocket.Conn
	exec graphql.GraphExecutor
	d    *dialect // nil: no supported subprotocol, closing with 4406
	r    *http.Request
	log  *slog.Logger

	ctx    context.Context // the connection's lifetime; ends at closeWith
	cancel context.CancelFunc

	out        chan frame
	closing    chan struct{} // closed by closeWith, after closeCode and closeText are set
	closeOnce  sync.Once
	closeCode  int // 0: drop the TCP connection without a close frame; closeSent
	closeText  string
	writerDone chan struct{}

	start    time.Time
	lastRead atomic.Int64 // when the last frame arrived, as time since start

	// The reader's own state. acked is closed once connection_ack is queued;
	// opCtx and expiry are set before that and not changed after.
	initReceived bool
	readAt       time.Time
	opCtx        context.Context
	expiry       time.Time
	acked        chan struct{}

	mu  sync.Mutex
	ops map[string]*operation // running operations by id
	wg  sync.WaitGroup        // the watchdog and the operations
}

func newConn(o Options, ws *websocket.Conn, r *http.Request, exec graphql.GraphExecutor, d *dialect) *conn {
	// The connection outlives the handler (see Do), whose return cancels the
	// request's context: keep the values the HTTP middleware put there
	// (correlation id, the gateway's identity), not the cancellation.
	ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
	return &conn{
		o: o, ws: ws, exec: exec, d: d, r: r, log: o.Logger,
		ctx: ctx, cancel: cancel,
		out:        make(chan frame, outQueue),
		closing:    make(chan struct{}),
		writerDone: make(chan struct{}),
		start:      time.Now(),
		opCtx:      ctx,
		acked:      make(chan struct{}),
		ops:        map[string]*operation{},
	}
}

func (c *conn) serve() {
	c.ws.SetReadLimit(c.o.MaxMessageBytes)
	// Control frames count as traffic for dead-peer detection.
	answerPing := c.ws.PingHandler()
	c.ws.SetPingHandler(func(data string) error { c.touch(); return answerPing(data) })
	c.ws.SetPongHandler(func(string) error { c.touch(); return nil })

	go c.write()
	c.wg.Add(1)
	go c.watch()

	if err := c.read(); errors.Is(err, websocket.ErrReadLimit) {
		// gorilla has sent 1009 already; the writer stops without writing.
		c.closeWith(closeSent, "")
		<-c.writerDone
		c.drain()
	}

	// The reader has stopped: the peer closed, our close handshake is over,
	// or the socket failed. Nothing more can be said on it.
	c.closeWith(0, "")
	<-c.writerDone
	_ = c.ws.Close()
	c.wg.Wait()
}

func (c *conn) read() error {
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			if !isClosed(err) {
				c.log.DebugContext(c.ctx, "websocket read ended", slog.String("error", err.Error()))
			}
			return err
		}
		c.touch()
		select {
		case <-c.closing:
			continue // Only the peer's close frame matters now.
		default:
		}
		if c.d != nil {
			c.readAt = time.Now()
			c.handle(data)
		}
	}
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
	c.log.ErrorContext(c.ctx, "panic in websocket transport",
		slog.Any("panic", p), slog.String("stack", string(debug.Stack())))
	c.closeWith(CloseInternal, "Internal server error")
}

// closeWith starts closing the connection: operations are cancelled, the
// writer flushes what is queued and sends the close frame (none for code
// 0), and the reader then waits for the peer's close frame. Only the first
// call counts.
func (c *conn) closeWith(code int, reason string) {
	c.closeOnce.Do(func() {
		c.closeCode, c.closeText = code, reason
		close(c.closing)
		c.cancel()
		c.mu.Lock()
		for _, op := range c.ops {
			op.cancel()
		}
		c.mu.Unlock()
	})
}

func (c *conn) isClosing() bool {
	select {
	case <-c.closing:
		return true
	default:
		return false
	}
}

func (c *conn) isAcked() bool {
	select {
	case <-c.acked:
		return true
	default:
		return false
	}
}

// send queues f. It waits while the queue is full and gives up once the
// connection is closing.
func (c *conn) send(f frame) {
	if c.isClosing() || (f.op != nil && f.op.stopped.Load()) {
		return
	}
	select {
	case c.out <- f:
	case <-c.closing:
	}
}

// trySend queues frames without waiting: a keep-alive is pointless behind a
// full queue, and the write deadline deals with a client that stopped
// reading.
func (c *conn) trySend(frames []frame) bool {
	for _, f := range frames {
		if c.isClosing() {
			return false
		}
		select {
		case c.out <- f:
		default:
			return false
		}
	}
	return true
}

// message queues a protocol message.
func (c *conn) message(op *operation, id, typ string, payload json.RawMessage) {
	b, err := json.Marshal(outMessage{ID: id, Type: typ, Payload: payload})
	if err != nil {
		panic(err) // payloads are encoded by us: a bug, answered with 4500
	}
	c.send(frame{op: op, data: b})
}

func (c *conn) write() {
	defer close(c.writerDone)
	for {
		select {
		case f := <-c.out:
			if !c.writeFrame(f, time.Now().Add(c.o.WriteTimeout)) {
				// The socket is unusable; closing it unblocks the reader.
				c.closeWith(0, "")
				_ = c.ws.Close()
				return
			}
		case <-c.closing:
			c.finish()
			return
		}
	}
}

// finish sends what is queued (a legacy connection_error must precede its
// close frame) and the close frame, then gives the peer WriteTimeout to
// answer before the reader gives up. Closing the TCP connection at once
// could reset it before the client has read our close frame.
func (c *conn) finish() {
	if c.closeCode == closeSent {
		return
	}
	if c.closeCode == 0 {
		_ = c.ws.Close()
		return
	}
	deadline := time.Now().Add(c.o.WriteTimeout)
	for n := len(c.out); n > 0; n-- {
		if !c.writeFrame(<-c.out, deadline) {
			_ = c.ws.Close()
			return
		}
	}
	msg := websocket.FormatCloseMessage(c.closeCode, c.closeText)
	if err := c.ws.WriteControl(websocket.CloseMessage, msg, deadline); err != nil {
		_ = c.ws.Close()
		return
	}
	_ = c.ws.NetConn().SetReadDeadline(time.Now().Add(c.o.WriteTimeout))
}

func (c *conn) writeFrame(f frame, deadline time.Time) bool {
	if f.op != nil && f.op.stopped.Load() {
		return true // The client completed it: nothing more may be sent for it.
	}
	if f.ping {
		return c.ws.WriteControl(websocket.PingMessage, nil, deadline) == nil
	}
	_ = c.ws.SetWriteDeadline(deadline)
	return c.ws.WriteMessage(websocket.TextMessage, f.data) == nil
}

func (c *conn) since() int64 { return int64(time.Since(c.start)) }

func (c *conn) touch() { c.lastRead.Store(c.since()) }

// watch runs the connection's timers: the init timeout, keep-alives and
// dead-peer detection, identity expiry, and going away at shutdown.
func (c *conn) watch() {
	defer c.wg.Done()
	initTimer := time.NewTimer(c.o.InitTimeout)
	defer initTimer.Stop()
	var ticker *time.Ticker
	var expiry, pong *time.Timer
	defer func() {
		for _, t := range []*time.Timer{expiry, pong} {
			if t != nil {
				t.Stop()
			}
		}
		if ticker != nil {
			ticker.Stop()
		}
	}()

	acked, goingAway := c.acked, c.o.Tracker.goingAway()
	var tick, expired, pongWait <-chan time.Time
	var pingAt int64
	if c.d == nil {
		acked = nil // closing with 4406: nothing to time
	}
	for {
		select {
		case <-c.closing:
			return
		case <-goingAway:
			c.closeWith(CloseGoingAway, "Going away")
			return
		case <-initTimer.C:
			if !c.isAcked() {
				c.d.fail(c, CloseInitTimeout, "Connection initialisation timeout")
				return
			}
		case <-acked:
			acked = nil
			initTimer.Stop()
			ticker = time.NewTicker(c.o.KeepAlive)
			tick = ticker.C
			if !c.expiry.IsZero() {
				expiry = time.NewTimer(time.Until(c.expiry))
				expired = expiry.C
			}
		case <-expired:
			c.d.fail(c, CloseForbidden, "token expired")
			return
		case <-tick:
			// Keep-alives go out on every tick (Apollo's legacy client
			// times out without ka); the pong wait starts at the first
			// unanswered one.
			if c.trySend(c.d.keepAlive) && pongWait == nil {
				pingAt = c.since()
				pong = time.NewTimer(c.o.PongTimeout)
				pongWait = pong.C
			}
		case <-pongWait:
			pongWait = nil
			if c.lastRead.Load() < pingAt {
				c.log.DebugContext(c.ctx, "websocket peer stopped answering pings")
				c.closeWith(0, "")
				return
			}
		}
	}
}
