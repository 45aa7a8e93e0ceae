package wstransport

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/essaylab/teacher-bff/internal/gqlerr"
	"github.com/essaylab/teacher-bff/internal/gqlwire"
)

// DefaultMaxBodyBytes bounds an SSE POST body when SSE.MaxBodyBytes is 0.
const DefaultMaxBodyBytes = 64 << 10

// SSE serves GraphQL over Server-Sent Events in graphql-sse's "distinct
// connections mode": a POST with a JSON body, or a GET with the parameters
// in the URL (mutations refused), and Accept: text/event-stream. The answer
// is an event stream of `next` events and a final `complete`; validation
// errors come as a `next` event too, as the protocol asks. The client ends a
// subscription by closing the request. Add it before the plain HTTP
// transport.
//
// gqlgen's transport.SSE is not reused: it serves POST only; it ends with
// "event: complete" without a data line, which the browser's EventSource
// never dispatches (an event with an empty data buffer is dropped); and its
// keep-alive goroutine can outlive Do and write after the handler returned.
//
// Authentication is the HTTP middleware's: the request context already
// carries the identity. A stream that ends because the identity expired or
// the server is going away gets no complete event, so the client reconnects
// (with a fresh token).
type SSE struct {
	// KeepAlive is the interval of the ":" comment lines that keep proxies
	// from cutting an idle stream. Default 15s.
	KeepAlive time.Duration
	// WriteTimeout bounds each write, and replaces the server's
	// WriteTimeout, which would otherwise cut every stream. Default 10s.
	WriteTimeout time.Duration
	// MaxBodyBytes bounds a POST body (413 beyond). Default 64 KiB.
	MaxBodyBytes int64
	// Expiry, when set, returns when the identity in the request context
	// expires (zero: never); the stream ends then.
	Expiry func(ctx context.Context) time.Time
	// Tracker, when set, ends the streams at shutdown.
	Tracker *Tracker
	// Logger receives internal errors. Default: discard.
	Logger *slog.Logger
}

var _ graphql.Transport = SSE{}

// Supports claims GET, and POST with a JSON body, that accept an event
// stream.
func (t SSE) Supports(r *http.Request) bool {
	if !acceptsEventStream(r) {
		return false
	}
	switch r.Method {
	case http.MethodGet:
		return true
	case http.MethodPost:
		mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		return err == nil && mt == "application/json"
	}
	return false
}

func acceptsEventStream(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept") {
		for _, part := range strings.Split(v, ",") {
			if mt, _, err := mime.ParseMediaType(strings.TrimSpace(part)); err == nil && mt == "text/event-stream" {
				return true
			}
		}
	}
	return false
}

func (t SSE) withDefaults() SSE {
	if t.KeepAlive <= 0 {
		t.KeepAlive = DefaultKeepAlive
	}
	if t.WriteTimeout <= 0 {
		t.WriteTimeout = DefaultWriteTimeout
	}
	if t.MaxBodyBytes <= 0 {
		t.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if t.Logger == nil {
		t.Logger = slog.New(slog.DiscardHandler)
	}
	return t
}

// Do runs one operation and streams its results.
func (t SSE) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	t = t.withDefaults()
	if !t.Tracker.enter() {
		gqlwire.WriteRefusal(w, r, gqlwire.Refuse(gqlerr.CodeShuttingDown, "the server is shutting down"))
		return
	}
	defer t.Tracker.leave()

	start := graphql.Now()
	params, status, code, err := t.readParams(w, r)
	if err != nil {
		t.reject(w, r, status, code, err.Error())
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}

	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	ctx = graphql.StartOperationTrace(ctx)
	rc, errs := exec.CreateOperationContext(ctx, params)
	if errs == nil && r.Method == http.MethodGet && rc.Operation != nil && rc.Operation.Operation == ast.Mutation {
		errs = gqlerror.List{gqlerr.New(ctx, gqlerr.CodeMethodNotAllowed, "mutations are not allowed over GET")}
	}

	s := &eventStream{w: w, rc: http.NewResponseController(w), timeout: t.WriteTimeout}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no") // nginx would hold events back in its buffer
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
		if b, err := encodeResponse(resp); err == nil && s.next(b) {
			s.complete()
		}
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, rc)
	t.stream(ctx, cancel, r, s, responses)
}

// stream sends the results of responses. responses blocks until the next
// result, so it runs in a producer goroutine and Do's goroutine, the only
// writer, waits for results, keep-alive ticks, expiry, shutdown and the
// client going away together. The producer has ended when stream returns.
func (t SSE) stream(ctx context.Context, cancel context.CancelFunc, r *http.Request, s *eventStream, responses graphql.ResponseHandler) {
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
			b, err := encodeResponse(resp)
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
	goingAway := t.Tracker.goingAway()
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

// readParams reads the GraphQL request from a POST body or a GET URL.
func (t SSE) readParams(w http.ResponseWriter, r *http.Request) (*graphql.RawParams, int, gqlerr.Code, error) {
	if r.Method == http.MethodGet {
		q := r.URL.Query()
		raw := map[string]json.RawMessage{}
		if q.Has("query") {
			raw["query"], _ = json.Marshal(q.Get("query"))
		}
		if q.Has("operationName") {
			raw["operationName"], _ = json.Marshal(q.Get("operationName"))
		}
		// variables and extensions are JSON in the URL already.
		for _, name := range []string{"variables", "extensions"} {
			if q.Has(name) {
				raw[name] = json.RawMessage(q.Get(name))
				if !json.Valid(raw[name]) {
					return nil, http.StatusBadRequest, gqlerr.CodeBadRequest, fmt.Errorf("'%s' must be JSON", name)
				}
			}
		}
		b, _ := json.Marshal(raw)
		p, err := decodeParams(b)
		return p, http.StatusBadRequest, gqlerr.CodeBadRequest, err
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, t.MaxBodyBytes))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, http.StatusRequestEntityTooLarge, gqlerr.CodePayloadTooLarge,
			fmt.Errorf("the request body exceeds %d bytes", t.MaxBodyBytes)
	}
	if err != nil {
		return nil, http.StatusBadRequest, gqlerr.CodeBadRequest, errors.New("the request body could not be read")
	}
	if !json.Valid(body) {
		return nil, http.StatusBadRequest, gqlerr.CodeBadRequest, errors.New("the request body is not JSON")
	}
	p, err := decodeParams(body)
	return p, http.StatusBadRequest, gqlerr.CodeBadRequest, err
}

// reject answers a request that never became a stream.
func (t SSE) reject(w http.ResponseWriter, r *http.Request, status int, code gqlerr.Code, msg string) {
	gqlwire.WriteRefusal(w, r, &gqlwire.Refusal{Status: status, Code: code, Message: msg})
}

// eventStream writes events; only Do's goroutine uses it.
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
