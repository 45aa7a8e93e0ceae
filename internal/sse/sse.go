// Package sse serves GraphQL over Server-Sent Events in graphql-sse's
// "distinct connections mode" (github.com/enisdenjo/graphql-sse,
// PROTOCOL.md): the answer to one request is an event stream of `next`
// events and a final `complete`. The request itself is read and negotiated
// by the HTTP transport (internal/gqlhttp), as every other one is: it hands
// over operations whose response media type is text/event-stream
// (subscriptions, and queries whose client asked for the stream first).
//
// gqlgen's transport.SSE is not reused: it serves POST only; it ends with
// "event: complete" without a data line, which the browser's EventSource
// never dispatches (an event with an empty data buffer is dropped); and its
// keep-alive goroutine can outlive Do and write after the handler returned.
package sse

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/essaylab/teacher-bff/internal/conntrack"
	"github.com/essaylab/teacher-bff/internal/gqlerr"
	"github.com/essaylab/teacher-bff/internal/gqlwire"
)

// Defaults of Options.
const (
	DefaultKeepAlive    = 15 * time.Second
	DefaultWriteTimeout = 10 * time.Second
)

// Options configure the streams. The zero value is ready to use.
//
// Authentication is the HTTP middleware's: the request context already
// carries the identity. A stream that ends because the identity expired or
// the server is going away gets no complete event, so the client reconnects
// (with a fresh token).
type Options struct {
	// KeepAlive is the interval of the ":" comment lines that keep proxies
	// from cutting an idle stream. Default 15s.
	KeepAlive time.Duration
	// WriteTimeout bounds each write, and replaces the server's
	// WriteTimeout, which would otherwise cut every stream. Default 10s.
	WriteTimeout time.Duration
	// Expiry, when set, returns when the identity in the request context
	// expires (zero: never); the stream ends then.
	Expiry func(ctx context.Context) time.Time
	// Tracker, when set, ends the streams at shutdown.
	Tracker *conntrack.Tracker
	// Logger receives internal errors. Default: discard.
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.KeepAlive <= 0 {
		o.KeepAlive = DefaultKeepAlive
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = DefaultWriteTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// Serve answers with an event stream: the results of the operation of rc,
// or, when errs is not nil (a request error: parse, validation, variables),
// those errors in one `next` event, as the protocol asks. The client ends a
// subscription by closing the request. A server shutting down refuses the
// stream with 503 SHUTTING_DOWN.
func Serve(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor, o Options, rc *graphql.OperationContext, errs gqlerror.List) {
	o = o.withDefaults()
	if !o.Tracker.Enter() {
		gqlwire.WriteRefusal(w, r, gqlwire.Refuse(gqlerr.CodeShuttingDown, "the server is shutting down"))
		return
	}
	defer o.Tracker.Leave()

	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()

	s := &eventStream{w: w, rc: http.NewResponseController(w), timeout: o.WriteTimeout}
	h := w.Header()
	h.Set("Content-Type", gqlwire.MediaEventStream)
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no") // nginx would hold events back in its buffer
	h.Add("Vary", "Accept")
	w.WriteHeader(http.StatusOK)
	// The deadline set per write must not outlive the request: the server
	// does not reset it for the connection's next request without its own
	// WriteTimeout.
	defer func() { _ = s.rc.SetWriteDeadline(time.Time{}) }()
	// A first comment shows the client (and proxies) the stream is open.
	if !s.write([]byte(":\n\n")) {
		return
	}

	if errs != nil {
		resp := exec.DispatchError(graphql.WithOperationContext(ctx, rc), errs)
		if b, err := gqlwire.Encode(resp); err == nil && s.next(b) {
			s.complete()
		}
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, rc)
	o.stream(ctx, cancel, r, s, responses)
}

// stream sends the results of responses. responses blocks until the next
// result, so it runs in a producer goroutine and Serve's goroutine, the only
// writer, waits for results, keep-alive ticks, expiry, shutdown and the
// client going away together. The producer has ended when stream returns.
func (t Options) stream(ctx context.Context, cancel context.CancelFunc, r *http.Request, s *eventStream, responses graphql.ResponseHandler) {
	results := make(chan []byte)
	done := make(chan struct{})
	failed := false // written by the producer before done is closed
	go func() {
		defer close(done)
		defer func() {
			if p := recover(); p != nil {
				t.Logger.ErrorContext(ctx, "panic in SSE operation",
					slog.Any("panic", p), slog.String("stack", string(debug.Stack())))
				failed = true
			}
		}()
		for {
			resp := responses(ctx)
			if resp == nil {
				return
			}
			b, err := gqlwire.Encode(resp)
			if err != nil {
				t.Logger.ErrorContext(ctx, "unencodable GraphQL response", slog.String("error", err.Error()))
				failed = true
				return
			}
			select {
			case results <- b:
			case <-ctx.Done():
				return
			}
		}
	}()
	defer func() {
		cancel()
		<-done
	}()

	keepAlive := time.NewTicker(t.KeepAlive)
	defer keepAlive.Stop()
	var expired <-chan time.Time
	if t.Expiry != nil {
		if at := t.Expiry(r.Context()); !at.IsZero() {
			timer := time.NewTimer(time.Until(at))
			defer timer.Stop()
			expired = timer.C
		}
	}
	goingAway := t.Tracker.GoingAway()
	for {
		select {
		case b := <-results:
			if !s.next(b) {
				return
			}
			keepAlive.Reset(t.KeepAlive)
		case <-done:
			// Every result has been received (results is unbuffered).
			// Without an error, the operation ended on its own.
			if !failed && ctx.Err() == nil {
				s.complete()
			}
			return
		case <-keepAlive.C:
			if !s.write([]byte(":\n\n")) {
				return
			}
		case <-expired:
			return
		case <-goingAway:
			return
		case <-r.Context().Done():
			return // The client closed the stream.
		}
	}
}

// eventStream writes events; only Serve's goroutine uses it.
type eventStream struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	timeout time.Duration
}

func (s *eventStream) write(p []byte) bool {
	// Per write, so a stuck client is cut off without limiting the stream.
	_ = s.rc.SetWriteDeadline(time.Now().Add(s.timeout))
	if _, err := s.w.Write(p); err != nil {
		return false
	}
	return s.rc.Flush() == nil
}

// next sends a result; JSON has no raw newlines, so one data line holds it.
func (s *eventStream) next(payload []byte) bool {
	return s.write(fmt.Appendf(nil, "event: next\ndata: %s\n\n", payload))
}

// complete has an empty data line: EventSource dispatches no event without
// one.
func (s *eventStream) complete() bool {
	return s.write([]byte("event: complete\ndata:\n\n"))
}
