package resilience

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/essaylab/teacher-bff/internal/upstream"
)

// perCallHeaders differ between calls without changing what is asked: the
// correlation id and W3C trace context. They are left out of a flight's
// key; the shared request carries the first caller's values, so the
// upstream's log shows one correlation id for the N calls it served.
var perCallHeaders = []string{"X-Correlation-Id", "Traceparent", "Tracestate"}

// dedupeTransport lets identical concurrent GETs share one upstream request.
//
// Why sharing can never leak one teacher's data to another: the key is the
// whole request (method, URL with its query, every header but the per-call
// ones above), and the upstream sees nothing else. The BFF's credentials
// are the same on every call, so no caller identity reaches the upstream
// except through the URL, and every URL of the contract names what it
// asks for: the user id (a teacher's batch list, their balance) or the
// batch ids. Two calls with one key are therefore the same question, and
// the upstream would give both the same answer; the checks that a batch
// belongs to the caller run on each caller's own decoded copy, after this.
//
// Why not golang.org/x/sync/singleflight: it can't cancel a call when its
// last caller leaves, so a flight nobody waits for any more would go on
// (retrying a failing upstream, holding a connection) until its timeout.
// Counting the waiters of each flight takes a few lines more.
type dedupeTransport struct {
	next    http.RoundTripper
	timeout time.Duration // the per-call timeout: bounds a shared request

	mu      sync.Mutex
	flights map[string]*flight
}

// flight is one shared request.
type flight struct {
	done    chan struct{} // closed when answer and err are set
	answer  *shared
	err     error
	waiters int                     // guarded by dedupeTransport.mu
	cancel  context.CancelCauseFunc // ends the request once nobody waits
}

// shared is an answer as bytes: each caller gets its own *http.Response
// over them and decodes it itself, so no caller can see (or mutate) what
// another decoded.
type shared struct {
	status       int
	statusText   string
	proto        string
	protoMajor   int
	protoMinor   int
	header       http.Header
	body         []byte
	uncompressed bool
}

func (t *dedupeTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodGet || (req.Body != nil && req.Body != http.NoBody) {
		return t.next.RoundTrip(req)
	}
	key := flightKey(req)
	f := t.join(key, req)
	select {
	case <-f.done:
		if f.err != nil {
			return nil, f.err
		}
		return f.answer.response(req), nil
	case <-req.Context().Done():
		// This caller leaves; the flight goes on for the others, or
		// stops if there are none.
		t.leave(key, f, req.Context().Err())
		return nil, req.Context().Err()
	}
}

// join returns the flight of key, starting it for req if there is none.
//
// The flight's context keeps req's values (correlation id, tracing) but not
// its cancellation, which must not fail the other callers; it ends when the
// last caller leaves, and at the latest after the per-call timeout, the
// most any caller would have waited. When the last caller leaves, the
// cause says why (context.Canceled or DeadlineExceeded), so the breaker can
// still count "everyone timed out" as the service being slow.
func (t *dedupeTransport) join(key string, req *http.Request) *flight {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.flights[key]
	if f == nil {
		bounded, stop := context.WithTimeout(context.WithoutCancel(req.Context()), t.timeout)
		ctx, cancel := context.WithCancelCause(bounded)
		f = &flight{done: make(chan struct{}), cancel: func(cause error) { cancel(cause); stop() }}
		if t.flights == nil {
			t.flights = map[string]*flight{}
		}
		t.flights[key] = f
		go t.run(key, f, req.WithContext(ctx))
	}
	f.waiters++
	return f
}

func (t *dedupeTransport) leave(key string, f *flight, why error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f.waiters--
	if f.waiters == 0 {
		f.cancel(why)
		t.forget(key, f) // a caller arriving now starts afresh
	}
}

// forget removes f unless a newer flight has taken its key. Under t.mu.
func (t *dedupeTransport) forget(key string, f *flight) {
	if t.flights[key] == f {
		delete(t.flights, key)
	}
}

func (t *dedupeTransport) run(key string, f *flight, req *http.Request) {
	f.answer, f.err = t.fetch(req)
	f.cancel(nil)
	t.mu.Lock()
	t.forget(key, f)
	t.mu.Unlock()
	close(f.done)
}

func (t *dedupeTransport) fetch(req *http.Request) (*shared, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	// One byte past upstream's limit, so it still reports an oversized
	// answer as such; reading stops there however much the upstream sends.
	body, err := io.ReadAll(io.LimitReader(resp.Body, upstream.MaxBody+1))
	if err != nil {
		return nil, err
	}
	return &shared{
		status: resp.StatusCode, statusText: resp.Status,
		proto: resp.Proto, protoMajor: resp.ProtoMajor, protoMinor: resp.ProtoMinor,
		header: resp.Header, body: body, uncompressed: resp.Uncompressed,
	}, nil
}

// response is a fresh *http.Response over the shared bytes for req.
func (s *shared) response(req *http.Request) *http.Response {
	return &http.Response{
		Status: s.statusText, StatusCode: s.status,
		Proto: s.proto, ProtoMajor: s.protoMajor, ProtoMinor: s.protoMinor,
		Header:        s.header.Clone(),
		Body:          io.NopCloser(bytes.NewReader(s.body)),
		ContentLength: int64(len(s.body)),
		Uncompressed:  s.uncompressed,
		Request:       req,
	}
}

// flightKey is the request minus its per-call headers: method, URL, then
// the headers in a canonical order.
func flightKey(req *http.Request) string {
	var b strings.Builder
	b.WriteString(req.Method)
	b.WriteByte(' ')
	b.WriteString(req.URL.String())
	names := make([]string, 0, len(req.Header))
	for name := range req.Header {
		if !slices.Contains(perCallHeaders, http.CanonicalHeaderKey(name)) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		for _, v := range req.Header[name] {
			// \n can't occur in a header name or value on the wire, so the
			// parts can't run into each other.
			b.WriteString("\n" + name + ": " + v)
		}
	}
	return b.String()
}
