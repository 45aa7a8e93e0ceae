package resilience_test

import (
	"context"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/essaylab/teacher-bff/internal/resilience"
	"github.com/essaylab/teacher-bff/internal/upstream"
	"github.com/essaylab/teacher-bff/internal/upstream/upstreamtest"
)

func TestRetries(t *testing.T) {
	ok := upstreamtest.JSON(200, `{}`)
	status := func(code int) http.Handler { return upstreamtest.JSON(code, `{"error":"x"}`) }
	tests := []struct {
		name     string
		handler  http.Handler
		kind     upstream.Kind // "" = success
		status   int
		requests int
	}{
		{"503 once then 200", sequence(status(503), ok), "", 0, 2},
		{"502, 504, then 200", sequence(status(502), status(504), ok), "", 0, 3},
		{"503 for good: 2 retries, then the 503", status(503), upstream.KindStatus, 503, 3},
		{"hang up (EOF) then 200", sequence(upstreamtest.HangUp(), ok), "", 0, 2},
		{"500 is not retried", sequence(status(500), ok), upstream.KindStatus, 500, 1},
		{"404 is not retried", sequence(status(404), ok), upstream.KindStatus, 404, 1},
		{"429 is not retried", sequence(status(429), ok), upstream.KindStatus, 429, 1},
		{"malformed 200 is not retried", sequence(upstreamtest.JSON(200, `{`), ok), upstream.KindMalformed, 0, 1},
		{"timeout is not retried", upstreamtest.Slow(time.Second), upstream.KindTimeout, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := upstreamtest.NewServer(t, tt.handler)
			ucfg := s.ClientConfig()
			ucfg.Timeout = 300 * time.Millisecond
			c, _ := newClient(t, ucfg, testConfig())
			err := call(context.Background(), c)
			if tt.kind == "" {
				if err != nil {
					t.Fatalf("call: %v", err)
				}
			} else if ue := upstreamtest.AssertError(t, err, upstream.ServiceRAS, "list-batches", tt.kind); ue != nil && ue.StatusCode != tt.status {
				t.Errorf("StatusCode = %d, want %d", ue.StatusCode, tt.status)
			}
			if s.Requests() != tt.requests {
				t.Errorf("server saw %d requests, want %d", s.Requests(), tt.requests)
			}
		})
	}
}

func TestRetryConnectionRefused(t *testing.T) {
	var dials atomic.Int64
	d := &net.Dialer{}
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		return d.DialContext(ctx, network, addr)
	}}
	c, _ := newClient(t, upstream.Config{BaseURL: upstreamtest.ClosedURL(t), APIKey: upstreamtest.APIKey,
		ServiceID: upstreamtest.ServiceID, Transport: tr}, testConfig())
	err := call(context.Background(), c)
	upstreamtest.AssertError(t, err, upstream.ServiceRAS, "list-batches", upstream.KindUnavailable)
	if dials.Load() != 3 {
		t.Errorf("%d dials, want 3 (the call and 2 retries)", dials.Load())
	}
}

// A retry that could not finish before the deadline is not made: the
// caller gets the real failure, not a timeout after a useless sleep.
func TestRetryRespectsDeadline(t *testing.T) {
	for _, tt := range []struct {
		name     string
		timeout  time.Duration // the client's per-call timeout
		deadline time.Duration // the caller's; 0 = none
		dedupe   bool
		kind     upstream.Kind
	}{
		{"per-call timeout", 300 * time.Millisecond, 0, true, upstream.KindStatus},
		{"per-call timeout, no dedupe", 300 * time.Millisecond, 0, false, upstream.KindStatus},
		{"caller deadline, no dedupe", 5 * time.Second, 300 * time.Millisecond, false, upstream.KindStatus},
		// A shared request is bounded by the per-call timeout, not by the
		// deadline of whichever caller started it (the others may have
		// more time): a caller with less time than that leaves at its
		// deadline, and its retries go on for the others.
		{"caller deadline, deduplicated", 5 * time.Second, 300 * time.Millisecond, true, upstream.KindTimeout},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := upstreamtest.NewServer(t, upstreamtest.JSON(503, `{"error":"busy"}`))
			ucfg := s.ClientConfig()
			ucfg.Timeout = tt.timeout
			rcfg := testConfig()
			rcfg.Dedupe = tt.dedupe
			// Every backoff is at least 500ms: longer than the time left.
			rcfg.RetryBase, rcfg.RetryMax = time.Second, time.Second
			c, _ := newClient(t, ucfg, rcfg)
			ctx := context.Background()
			if tt.deadline > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.deadline)
				defer cancel()
			}
			start := time.Now()
			err := call(ctx, c)
			if ue := upstreamtest.AssertError(t, err, upstream.ServiceRAS, "list-batches", tt.kind); ue != nil && tt.kind == upstream.KindStatus {
				// Had it slept for the retry, the deadline would have
				// ended the call as a timeout.
				if ue.StatusCode != 503 {
					t.Errorf("StatusCode = %d, want the 503", ue.StatusCode)
				}
			}
			if d := time.Since(start); d > 450*time.Millisecond {
				t.Errorf("call took %v, past its 300ms deadline", d)
			}
			if s.Requests() != 1 {
				t.Errorf("server saw %d requests, want 1", s.Requests())
			}
		})
	}
}

// A caller that gives up during a backoff gets its cancellation at once,
// and no further attempt is made.
func TestRetryStopsWhenCallerCancels(t *testing.T) {
	arrived := make(chan struct{}, 10)
	s := upstreamtest.NewServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		upstreamtest.JSON(503, `{"error":"busy"}`).ServeHTTP(w, r)
	}))
	rcfg := testConfig()
	rcfg.RetryBase, rcfg.RetryMax = 2*time.Second, 2*time.Second
	ucfg := s.ClientConfig()
	ucfg.Timeout = 10 * time.Second
	c, _ := newClient(t, ucfg, rcfg)

	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-arrived; cancel() }()
	start := time.Now()
	err := call(ctx, c)
	upstreamtest.AssertError(t, err, upstream.ServiceRAS, "list-batches", upstream.KindCanceled)
	if d := time.Since(start); d > time.Second {
		t.Errorf("cancelled call returned after %v", d)
	}
	if s.Requests() != 1 {
		t.Errorf("server saw %d requests, want 1", s.Requests())
	}
}

// Only idempotent requests are retried (or deduplicated): a POST goes
// through once, whatever it gets.
func TestPostIsNeverRetried(t *testing.T) {
	s := upstreamtest.NewServer(t, upstreamtest.JSON(503, `{"error":"busy"}`))
	base := &http.Transport{}
	t.Cleanup(base.CloseIdleConnections)
	rt, err := resilience.New("test", testConfig()).Wrap("test", base, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	hc := &http.Client{Transport: rt}
	for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
		req, _ := http.NewRequest(method, s.URL+"/x", strings.NewReader(`{}`))
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != 503 {
			t.Errorf("%s: status %d, want 503", method, resp.StatusCode)
		}
	}
	if s.Requests() != 3 {
		t.Errorf("server saw %d requests for 3 non-idempotent calls, want 3", s.Requests())
	}
}

// Retried answers are drained and closed, so their connection is reused.
func TestRetryReusesConnection(t *testing.T) {
	busy := upstreamtest.Reply(503, "text/html", strings.Repeat("<p>busy</p>", 1000))
	s := upstreamtest.NewServer(t, sequence(busy, busy, upstreamtest.JSON(200, `{}`)))
	c, _ := newClient(t, s.ClientConfig(), testConfig())
	if err := call(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	if s.Requests() != 3 || s.Conns() != 1 {
		t.Errorf("%d requests over %d connections, want 3 over 1", s.Requests(), s.Conns())
	}
}

func TestConfigErrorsReportedByUpstreamNew(t *testing.T) {
	bad := resilience.Defaults()
	bad.Retries = -1
	bad.RetryBase, bad.RetryMax = time.Second, time.Millisecond
	bad.Breaker.FailureRatio = 2
	_, err := upstream.New(upstream.ServiceRAS, upstream.Config{BaseURL: "http://127.0.0.1:1", APIKey: "k",
		ServiceID: "s", Middleware: resilience.New(upstream.ServiceRAS, bad)})
	for _, want := range []string{"retries -1", "backoff", "failure ratio"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("New = %v, want it to mention %q", err, want)
		}
	}

	// A layer is one service's: wiring it to another client is a mistake.
	_, err = upstream.New(upstream.ServiceCMS, upstream.Config{BaseURL: "http://127.0.0.1:1", APIKey: "k",
		ServiceID: "s", Middleware: resilience.New(upstream.ServiceRAS, resilience.Defaults())})
	if err == nil || !strings.Contains(err.Error(), `layer of "ras" used for "cms"`) {
		t.Errorf("New with another service's layer = %v", err)
	}
}
