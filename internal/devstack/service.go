package devstack

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"
)

// Endpoint names, for counters, recorded requests and faults.
const (
	EndpointListBatches      = "list-batches"
	EndpointBatchStatus      = "batch-status"
	EndpointClassInfo        = "class-info"
	EndpointValidationStatus = "validation-status"
	EndpointBalance          = "balance"
	EndpointHealthz          = "healthz"
)

// maxRecorded bounds the request log: benchmarks send far more requests
// than any test wants to look at.
const maxRecorded = 10_000

// FaultKind is what a Fault does to a request.
type FaultKind int

const (
	// FaultNone answers normally.
	FaultNone FaultKind = iota
	// FaultStatus answers StatusCode with {"error": ...}, or with an HTML
	// body when NonJSON is set (what a proxy in between would send).
	FaultStatus
	// FaultTimeout never answers: the handler waits until the client gives
	// up (or the service closes).
	FaultTimeout
	// FaultMalformed answers 200 with a body that is truncated JSON, or valid
	// JSON with the wrong types when WrongTypes is set.
	FaultMalformed
)

func (k FaultKind) String() string {
	switch k {
	case FaultNone:
		return "none"
	case FaultStatus:
		return "status"
	case FaultTimeout:
		return "timeout"
	case FaultMalformed:
		return "malformed"
	}
	return fmt.Sprintf("FaultKind(%d)", int(k))
}

// Fault makes a service misbehave.
type Fault struct {
	Kind FaultKind
	// Endpoint limits the fault to one endpoint; "" means every endpoint
	// except healthz (use SetHealthy for that, or name it explicitly).
	Endpoint string
	// Times limits the fault to the next N matching requests; 0 means until
	// the fault is replaced.
	Times int
	// StatusCode for FaultStatus; 0 means 500.
	StatusCode int
	NonJSON    bool
	WrongTypes bool
}

// Request is one request a service received.
type Request struct {
	Endpoint string // "" for a path no endpoint serves
	Method   string
	Path     string
	RawQuery string
	Header   http.Header
	At       time.Time
}

// Auth is what services demand of callers.
type Auth struct {
	APIKey string
	// AllowedServiceIDs, when not empty, lists the X-Service-ID values
	// accepted; otherwise any non-empty one is.
	AllowedServiceIDs []string
}

// Service is one reference upstream: an http.Handler with knobs for tests
// and benchmarks. URL is set once the stack has a listener for it.
type Service struct {
	URL string

	name   string
	auth   Auth
	log    *slog.Logger
	router chi.Router

	mu        sync.Mutex
	latency   time.Duration
	jitter    time.Duration
	fault     Fault
	faultLeft int
	unhealthy bool
	counts    map[string]int
	requests  []Request
}

func newService(name string, auth Auth, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Service{name: name, auth: auth, log: log.With("service", name), counts: map[string]int{}}
	r := chi.NewRouter()
	r.NotFound(func(w http.ResponseWriter, req *http.Request) {
		s.record(req, "")
		writeError(w, http.StatusNotFound, "no such endpoint")
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, req *http.Request) {
		s.record(req, "")
		writeError(w, http.StatusMethodNotAllowed, "method not allowed")
	})
	r.Get("/healthz", s.endpoint(EndpointHealthz, func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	}))
	s.router = r
	return s
}

// Name is the service's name: "ras", "cms" or "entitlements".
func (s *Service) Name() string { return s.name }

// ServeHTTP lets the service be mounted without the stack's listeners.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.router.ServeHTTP(w, r) }

// SetLatency delays every request by base ± a uniform jitter.
func (s *Service) SetLatency(base, jitter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency, s.jitter = base, jitter
}

// SetFault replaces the current fault; Fault{} answers normally again.
func (s *Service) SetFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault, s.faultLeft = f, f.Times
}

// SetHealthy switches /healthz between 200 and 503.
func (s *Service) SetHealthy(healthy bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unhealthy = !healthy
}

// Count is how many requests the endpoint received since the last reset,
// rejected and faulted ones included.
func (s *Service) Count(endpoint string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[endpoint]
}

// Counts is Count for every endpoint at once.
func (s *Service) Counts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.counts))
	for k, v := range s.counts {
		out[k] = v
	}
	return out
}

// Requests returns the recorded requests, oldest first. Only the latest
// ones are kept (at most maxRecorded), so long benchmarks stay bounded.
func (s *Service) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		r.Header = r.Header.Clone()
		out[i] = r
	}
	return out
}

// ResetCounts clears the counters and the recorded requests.
func (s *Service) ResetCounts() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.counts)
	s.requests = nil
}

// endpoint wraps a handler with everything a request goes through before
// it: recording, latency, faults, health and auth, in that order, so that
// counters see every request and latency applies to failures too.
func (s *Service) endpoint(name string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.record(r, name)
		if !s.sleep(r) {
			abort()
		}
		if f, ok := s.takeFault(name); ok {
			s.log.DebugContext(r.Context(), "fault injected", "endpoint", name, "kind", f.Kind)
			serveFault(w, r, f)
			return
		}
		if name == EndpointHealthz {
			s.mu.Lock()
			unhealthy := s.unhealthy
			s.mu.Unlock()
			if unhealthy {
				writeError(w, http.StatusServiceUnavailable, s.name+" is unhealthy")
				return
			}
		} else if msg := s.authorize(r); msg != "" {
			writeError(w, http.StatusUnauthorized, msg)
			return
		}
		h(w, r)
	}
}

func (s *Service) record(r *http.Request, name string) {
	s.log.DebugContext(r.Context(), "request", "endpoint", name, "method", r.Method, "path", r.URL.Path,
		"correlation_id", r.Header.Get("X-Correlation-ID"))
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts[name]++
	if len(s.requests) == maxRecorded {
		s.requests = slices.Delete(s.requests, 0, maxRecorded/10)
	}
	s.requests = append(s.requests, Request{
		Endpoint: name, Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery,
		Header: r.Header.Clone(), At: time.Now(),
	})
}

// sleep applies the latency knob; false when the client went away first.
func (s *Service) sleep(r *http.Request) bool {
	s.mu.Lock()
	d := s.latency
	if s.jitter > 0 {
		d += time.Duration(rand.Int64N(int64(2*s.jitter)+1)) - s.jitter
	}
	s.mu.Unlock()
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

func (s *Service) takeFault(endpoint string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.fault
	if f.Kind == FaultNone {
		return f, false
	}
	if f.Endpoint != endpoint && (f.Endpoint != "" || endpoint == EndpointHealthz) {
		return f, false
	}
	if f.Times > 0 {
		s.faultLeft--
		if s.faultLeft <= 0 {
			s.fault = Fault{}
		}
	}
	return f, true
}

func (s *Service) authorize(r *http.Request) string {
	key := r.Header.Get("X-Internal-API-Key")
	if key == "" || subtle.ConstantTimeCompare([]byte(key), []byte(s.auth.APIKey)) != 1 {
		return "missing or invalid X-Internal-API-Key"
	}
	id := r.Header.Get("X-Service-ID")
	if id == "" {
		return "missing X-Service-ID"
	}
	if len(s.auth.AllowedServiceIDs) > 0 && !slices.Contains(s.auth.AllowedServiceIDs, id) {
		return fmt.Sprintf("service %q is not allowed", id)
	}
	return ""
}

// wrongTypes fits every endpoint's answer shape with the wrong JSON types,
// so one body exercises every client's decoding errors.
const wrongTypes = `{"batches":"not-a-list","pagination":[1,2],"batch_id":42,"user_id":7,` +
	`"essay_count":"24","essays":{"0":"elev01.docx"},"user_balance":"847","org_balance":true}`

func serveFault(w http.ResponseWriter, r *http.Request, f Fault) {
	switch f.Kind {
	case FaultStatus:
		code := f.StatusCode
		if code == 0 {
			code = http.StatusInternalServerError
		}
		if f.NonJSON {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(code)
			fmt.Fprintf(w, "<html><body><h1>%d %s</h1></body></html>\n", code, http.StatusText(code))
			return
		}
		writeError(w, code, "injected fault: "+http.StatusText(code))
	case FaultTimeout:
		<-r.Context().Done()
		abort()
	case FaultMalformed:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		if f.WrongTypes {
			_, _ = w.Write([]byte(wrongTypes))
			return
		}
		_, _ = w.Write([]byte(`{"batches":[{"batch_id":"5b0d7c1e-`))
	}
}

// abort drops the connection without an answer. A handler whose request
// context ends has either lost its client or is being shut down; in the
// second case an empty 200 would look like a success.
func abort() { panic(http.ErrAbortHandler) }

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"error":"encoding the answer failed"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}
