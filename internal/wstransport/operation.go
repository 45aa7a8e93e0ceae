package wstransport

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/essaylab/teacher-bff/internal/gqlerr"
	"github.com/essaylab/teacher-bff/internal/gqlwire"
)

// errExpired: Init returned an identity that has already expired.
var errExpired = errors.New("token expired")

// operation is one running subscribe (legacy: start).
type operation struct {
	id     string
	cancel context.CancelFunc
	// stopped: the client completed (stopped) it, so none of its frames may
	// go out any more (it is checked right before each write).
	stopped atomic.Bool
}

// authenticate runs Init on connection_init's payload and keeps the context
// and expiry it returns for the connection's operations.
func (c *conn) authenticate(payload map[string]any) error {
	ctx, expiry := c.ctx, time.Time{}
	if c.o.Init != nil {
		var err error
		ctx, expiry, err = c.o.Init(c.ctx, payload)
		if err != nil {
			c.o.Logger.DebugContext(c.ctx, "websocket connection refused", slog.String("error", err.Error()))
			return err
		}
		if ctx == nil {
			ctx = c.ctx
		}
	}
	if !expiry.IsZero() && !time.Now().Before(expiry) {
		return errExpired
	}
	c.opCtx, c.expiry = ctx, expiry
	return nil
}

// acknowledge writes the acknowledgement and then starts the keep-alives.
// wmu is held throughout, so that no ping can precede connection_ack. An
// init timeout that fires meanwhile still closes the connection (acked is
// not set yet), after the acknowledgement, as it would have a moment later.
func (c *conn) acknowledge(messages ...string) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	for _, m := range messages {
		if !c.writeLocked(frame{data: []byte(m)}) {
			return
		}
	}
	c.acknowledged()
}

// isAcked is for the reader, which alone sets acked.
func (c *conn) isAcked() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.acked
}

func (c *conn) hasOp(id string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.opIndex(id) >= 0
}

// opIndex is where the running operation id is in ops, or -1; mu is held.
func (c *conn) opIndex(id string) int {
	for i, op := range c.ops {
		if op.id == id {
			return i
		}
	}
	return -1
}

// removeOp removes ops[i]; mu is held.
func (c *conn) removeOp(i int) {
	last := len(c.ops) - 1
	c.ops[i], c.ops[last] = c.ops[last], nil
	c.ops = c.ops[:last]
}

// startOp registers an operation and starts it (see dispatch).
//
// RawParams.Headers stays nil. gqlgen only copies it into
// OperationContext.Headers, which nothing here reads (in gqlgen, only the
// Apollo federated tracing extension does); the identity and the
// correlation id travel in the context. Keeping the upgrade request's
// header map for the operations would cost every idle subscriber about a
// kilobyte for the connection's whole life.
func (c *conn) startOp(id string, params *graphql.RawParams) {
	params.ReadTime = graphql.TraceTiming{Start: c.readAt, End: graphql.Now()}

	c.mu.Lock()
	// Checked under mu: closeWith cancels the operations it finds under mu,
	// so an operation added after that would never be cancelled.
	if c.isClosing() {
		c.mu.Unlock()
		return
	}
	if len(c.ops) >= c.o.MaxSubscriptions {
		c.mu.Unlock()
		msg := fmt.Sprintf("at most %d operations may run on one connection", c.o.MaxSubscriptions)
		c.sendErrors(nil, id, gqlerror.List{gqlerr.New(c.opCtx, gqlerr.CodeTooManySubscriptions, msg)})
		return
	}
	ctx, cancel := context.WithCancel(c.opCtx)
	op := &operation{id: id, cancel: cancel}
	c.ops = append(c.ops, op)
	c.wg.Add(1)
	c.mu.Unlock()

	c.dispatch(ctx, op, params)
}

// stopOp ends an operation at the client's request.
func (c *conn) stopOp(id string) {
	c.mu.Lock()
	var op *operation
	if i := c.opIndex(id); i >= 0 {
		op = c.ops[i]
		c.removeOp(i)
	}
	c.mu.Unlock()
	if op != nil {
		op.stopped.Store(true)
		op.cancel()
	}
}

// dispatch validates and starts the operation on the reader; its results
// are then sent from a goroutine of the operation's own (run). When it does
// not validate, an error message is sent instead.
//
// gqlgen's own WebSocket transport validates on its reader too, but starts
// the operation (DispatchOperation, where a subscription's resolver runs
// and subscribes) on the operation's goroutine. Here both happen on the
// reader, to save memory: they need deep stacks, a goroutine's stack stays
// grown until a GC can shrink it, and the operation's goroutine, which
// lives as long as the subscription, could not be shrunk (it idles deeper
// in gqlgen). The reader can (see serve). The price: the reader reads the
// connection's next message only once the resolver has subscribed.
func (c *conn) dispatch(ctx context.Context, op *operation, params *graphql.RawParams) {
	started := false
	defer func() {
		if !started { // did not validate, or panicked (handle recovers)
			c.leave(op)
		}
	}()
	ctx = graphql.StartOperationTrace(ctx)
	rc, errs := c.exec.CreateOperationContext(ctx, params)
	if errs != nil {
		resp := c.exec.DispatchError(graphql.WithOperationContext(ctx, rc), errs)
		c.sendErrors(op, op.id, resp.Errors)
		return
	}
	responses, ctx := c.exec.DispatchOperation(ctx, rc)
	started = true
	go c.run(ctx, op, responses)
}

// run sends a next (legacy: data) message per result of an operation and
// then complete. A subscription's goroutine spends its life in this loop,
// under gqlgen's frames, so the rest of the work is done in next and
// opDone, which keeps run's own frame small.
func (c *conn) run(ctx context.Context, op *operation, responses graphql.ResponseHandler) {
	defer c.opDone(op)
	for {
		resp := responses(ctx)
		if resp == nil {
			break
		}
		if !c.next(ctx, op, resp) {
			return
		}
	}
	// Dropped when the client stopped the operation or the connection is
	// closing: complete only reports an end the server chose.
	c.message(op, op.id, "complete", nil)
}

// next sends a result. false: it could not be encoded, and the operation
// fails with an error message (the connection's others go on).
func (c *conn) next(ctx context.Context, op *operation, resp *graphql.Response) bool {
	payload, err := gqlwire.Encode(resp)
	if err != nil {
		// Invalid raw data from a resolver.
		c.o.Logger.ErrorContext(ctx, "unencodable GraphQL response", slog.String("error", err.Error()))
		c.sendErrors(op, op.id, gqlerror.List{gqlerr.New(ctx, gqlerr.CodeInternal, "internal server error")})
		return false
	}
	c.message(op, op.id, c.d.next, payload)
	return true
}

// opDone is run's deferred end: a panic is an internal error (4500), and the
// operation leaves the connection.
func (c *conn) opDone(op *operation) {
	if p := recover(); p != nil {
		c.internalError(p)
	}
	c.leave(op)
}

// leave removes an operation that has ended from the connection.
func (c *conn) leave(op *operation) {
	c.mu.Lock()
	// Gone already when the client stopped it.
	if i := slices.Index(c.ops, op); i >= 0 {
		c.removeOp(i)
	}
	c.mu.Unlock()
	op.cancel()
	c.wg.Done()
}

// sendErrors sends an error message: graphql-ws's payload is the list of
// GraphQL errors; legacy clients (formatErrors) accept a list as well.
func (c *conn) sendErrors(op *operation, id string, errs gqlerror.List) {
	payload, err := json.Marshal(errs)
	if err != nil {
		panic(err)
	}
	c.message(op, id, "error", payload)
}
