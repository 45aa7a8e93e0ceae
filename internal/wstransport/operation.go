package wstransport

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// errExpired: Init returned an identity that has already expired.
var errExpired = errors.New("token expired")

// operation is one running subscribe (legacy: start).
type operation struct {
	id     string
	cancel context.CancelFunc
	// stopped: the client completed (stopped) it, so none of its frames may
	// go out any more, even those already queued.
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
			c.log.DebugContext(c.ctx, "websocket connection refused", slog.String("error", err.Error()))
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

// acknowledge queues the acknowledgement and starts the keep-alives.
func (c *conn) acknowledge(messages ...string) {
	for _, m := range messages {
		c.send(frame{data: []byte(m)})
	}
	close(c.acked)
}

func (c *conn) hasOp(id string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.ops[id]
	return ok
}

// startOp runs an operation in a goroutine of its own.
func (c *conn) startOp(id string, params *graphql.RawParams) {
	params.Headers = c.r.Header
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
		c.sendErrors(nil, id, gqlerror.List{transportError(c.o.Error, c.opCtx, CodeTooManySubscriptions, msg)})
		return
	}
	ctx, cancel := context.WithCancel(c.opCtx)
	op := &operation{id: id, cancel: cancel}
	c.ops[id] = op
	c.wg.Add(1)
	c.mu.Unlock()

	go c.run(ctx, op, params)
}

// stopOp ends an operation at the client's request.
func (c *conn) stopOp(id string) {
	c.mu.Lock()
	op := c.ops[id]
	delete(c.ops, id)
	c.mu.Unlock()
	if op != nil {
		op.stopped.Store(true)
		op.cancel()
	}
}

// run executes one operation: an error message when it does not validate,
// otherwise a next (legacy: data) message per result and then complete.
func (c *conn) run(ctx context.Context, op *operation, params *graphql.RawParams) {
	defer c.wg.Done()
	defer func() {
		c.mu.Lock()
		if c.ops[op.id] == op { // not replaced by a legacy start with its id
			delete(c.ops, op.id)
		}
		c.mu.Unlock()
		op.cancel()
	}()
	defer func() {
		if p := recover(); p != nil {
			c.internalError(p)
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
	for {
		resp := responses(ctx)
		if resp == nil {
			break
		}
		payload, err := encodeResponse(resp)
		if err != nil {
			// Invalid raw data from a resolver: this operation fails, the
			// connection's others go on.
			c.log.ErrorContext(ctx, "unencodable GraphQL response", slog.String("error", err.Error()))
			c.sendErrors(op, op.id, gqlerror.List{transportError(c.o.Error, ctx, CodeInternal, "internal server error")})
			return
		}
		c.message(op, op.id, c.d.next, payload)
	}
	// Dropped when the client stopped the operation or the connection is
	// closing: complete only reports an end the server chose.
	c.message(op, op.id, "complete", nil)
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
