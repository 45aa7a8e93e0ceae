package upstream_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/essaylab/teacher-bff/internal/upstream"
	"github.com/essaylab/teacher-bff/internal/upstream/upstreamtest"
)

// middleware records what New gives it and refuses calls while refuse is set.
type middleware struct {
	service string
	timeout time.Duration
	refuse  *upstream.Error
	err     error
}

func (m *middleware) Wrap(service string, next http.RoundTripper, timeout time.Duration) (http.RoundTripper, error) {
	m.service, m.timeout = service, timeout
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if m.refuse != nil {
			return nil, m.refuse
		}
		return next.RoundTrip(r)
	}), m.err
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestMiddleware(t *testing.T) {
	s := upstreamtest.NewServer(t, upstreamtest.JSON(200, `{"n": 1}`))
	m := &middleware{}
	cfg := s.ClientConfig()
	cfg.Timeout = 3 * time.Second
	cfg.Middleware = m
	c := newClient(t, cfg)
	if m.service != upstream.ServiceRAS || m.timeout != 3*time.Second {
		t.Errorf("Wrap got service %q, timeout %v", m.service, m.timeout)
	}
	if err := c.GetJSON(context.Background(), "list-batches", "/x", nil, &struct{}{}); err != nil {
		t.Fatalf("through the middleware: %v", err)
	}

	// A refusal is reported as the middleware classified it, with the
	// client's service and endpoint, in a copy of its own.
	m.refuse = &upstream.Error{Kind: upstream.KindUnavailable, Detail: "circuit open", Err: errors.New("open")}
	err := c.GetJSON(context.Background(), "list-batches", "/x", nil, &struct{}{})
	ue := upstreamtest.AssertError(t, err, upstream.ServiceRAS, "list-batches", upstream.KindUnavailable)
	if ue != nil && (ue.Detail != "circuit open" || ue == m.refuse || m.refuse.Service != "") {
		t.Errorf("refusal = %+v (middleware's: %+v)", ue, m.refuse)
	}
	if s.Requests() != 1 {
		t.Errorf("server saw %d requests, want 1", s.Requests())
	}

	// A caller that has already given up is told so, whatever the middleware says.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = c.GetJSON(ctx, "list-batches", "/x", nil, &struct{}{})
	upstreamtest.AssertError(t, err, upstream.ServiceRAS, "list-batches", upstream.KindCanceled)

	// A middleware's error is a configuration error of the client.
	cfg.Middleware = &middleware{err: errors.New("layer of cms used for ras")}
	if _, err := upstream.New(upstream.ServiceRAS, cfg); err == nil || !strings.Contains(err.Error(), "layer of cms") {
		t.Errorf("New = %v, want the middleware's error", err)
	}
}

func TestMaxConnsPerHost(t *testing.T) {
	s := upstreamtest.NewServer(t, upstreamtest.Slow(50*time.Millisecond))
	cfg := s.ClientConfig()
	cfg.MaxConnsPerHost = 1
	c := newClient(t, cfg)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if err := c.GetJSON(context.Background(), "e", "/x", nil, &struct{}{}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if s.Requests() != 4 || s.Conns() != 1 {
		t.Errorf("%d requests over %d connections, want 4 over 1", s.Requests(), s.Conns())
	}

	cfg.MaxConnsPerHost = -1
	if _, err := upstream.New(upstream.ServiceRAS, cfg); err == nil || !strings.Contains(err.Error(), "max conns") {
		t.Errorf("New with MaxConnsPerHost -1 = %v", err)
	}
}
