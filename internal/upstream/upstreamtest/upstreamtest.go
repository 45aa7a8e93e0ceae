// Package upstreamtest runs test upstreams for the service clients' tests:
// an httptest server that checks every request against the contract's
// conventions (method, path, query, the three headers) and counts requests
// and new connections, plus helpers for the failure modes and errors.
package upstreamtest

import (
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/essaylab/teacher-bff/internal/correlation"
	"github.com/essaylab/teacher-bff/internal/upstream"
)

// The credentials every test client sends and every test server expects.
const (
	APIKey    = "test-api-key"
	ServiceID = "bff-teacher-service"
)

// Server is a test upstream.
type Server struct {
	*httptest.Server
	requests atomic.Int64
	conns    atomic.Int64
}

// NewServer starts a test upstream serving h; it is closed when the test ends.
func NewServer(t testing.TB, h http.Handler) *Server {
	t.Helper()
	s := &Server{}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		h.ServeHTTP(w, r)
	}))
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

// ClientConfig is a config for a client of s with the test credentials.
func (s *Server) ClientConfig() upstream.Config {
	return upstream.Config{BaseURL: s.URL, APIKey: APIKey, ServiceID: ServiceID, Timeout: 2 * time.Second}
}

// Requests is the number of requests s has received.
func (s *Server) Requests() int { return int(s.requests.Load()) }

// Conns is the number of connections opened to s.
func (s *Server) Conns() int { return int(s.conns.Load()) }

// ClosedURL is the address of a server that no longer listens, so that
// dialing it is refused.
func ClosedURL(t testing.TB) string {
	t.Helper()
	s := httptest.NewServer(http.NotFoundHandler())
	s.Close()
	return s.URL
}

// Want is what a request must look like.
type Want struct {
	Path          string     // escaped, as on the wire
	Query         url.Values // nil = no query
	CorrelationID string     // "" = any valid id
	NoAuth        bool       // the health check carries no credentials
}

// Expect checks each request against want (reporting mismatches on t),
// then lets next answer it.
func Expect(t testing.TB, want Want, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			t.Errorf("method = %s, want GET", r.Method)
		}
		if p := r.URL.EscapedPath(); p != want.Path {
			t.Errorf("path = %q, want %q", p, want.Path)
		}
		if q := r.URL.Query(); !(len(q) == 0 && len(want.Query) == 0) && !reflect.DeepEqual(q, want.Query) {
			t.Errorf("query = %v, want %v", q, want.Query)
		}
		wantKey, wantSvc := APIKey, ServiceID
		if want.NoAuth {
			wantKey, wantSvc = "", ""
		}
		header(t, r, "X-Internal-API-Key", wantKey)
		header(t, r, "X-Service-ID", wantSvc)
		header(t, r, "Accept", "application/json")
		id := r.Header.Get(correlation.Header)
		switch {
		case want.CorrelationID != "" && id != want.CorrelationID:
			t.Errorf("correlation id = %q, want the caller's %q", id, want.CorrelationID)
		case !correlation.Valid(id):
			t.Errorf("correlation id = %q, want a valid id", id)
		}
		next.ServeHTTP(w, r)
	})
}

func header(t testing.TB, r *http.Request, name, want string) {
	if got := r.Header.Get(name); got != want {
		t.Errorf("header %s = %q, want %q", name, got, want)
	}
}

// JSON answers status with body as application/json.
func JSON(status int, body string) http.Handler {
	return Reply(status, "application/json", body)
}

// Reply answers status with body of the given content type.
func Reply(status int, contentType, body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	})
}

// Slow answers 200 {} after d, or gives up when the client goes away.
func Slow(d time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(d):
			JSON(http.StatusOK, "{}").ServeHTTP(w, r)
		case <-r.Context().Done():
		}
	})
}

// HangUp closes the connection without answering (the client sees EOF).
func HangUp() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			_ = conn.Close()
		}
	})
}

// AssertError checks that err is an *upstream.Error of service, endpoint
// and kind, and returns it for further checks (nil when it is not).
func AssertError(t testing.TB, err error, service, endpoint string, kind upstream.Kind) *upstream.Error {
	t.Helper()
	var ue *upstream.Error
	if !errors.As(err, &ue) {
		t.Errorf("error = %v (%T), want an *upstream.Error of kind %s", err, err, kind)
		return nil
	}
	if ue.Service != service || ue.Endpoint != endpoint || ue.Kind != kind {
		t.Errorf("error = %s/%s/%s (%v), want %s/%s/%s", ue.Service, ue.Endpoint, ue.Kind, ue, service, endpoint, kind)
	}
	return ue
}

// NewClient makes a service client (ras.New, cms.New, ...) for s and
// closes it when the test ends.
func NewClient[C interface{ Close() }](t testing.TB, s *Server, newClient func(upstream.Config) (C, error)) C {
	t.Helper()
	c, err := newClient(s.ClientConfig())
	if err != nil {
		t.Fatalf("new client: %v", err)
	}
	t.Cleanup(c.Close)
	return c
}
