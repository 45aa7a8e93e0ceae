package resilience_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/essaylab/teacher-bff/internal/cms"
	"github.com/essaylab/teacher-bff/internal/devstack"
	"github.com/essaylab/teacher-bff/internal/resilience"
	"github.com/essaylab/teacher-bff/internal/testenv/testkit"
	"github.com/essaylab/teacher-bff/internal/upstream"
	"github.com/essaylab/teacher-bff/internal/upstream/upstreamtest"
)

// assertOpenRefusal checks the error an open breaker answers with.
func assertOpenRefusal(t *testing.T, err error, service, endpoint string) {
	t.Helper()
	ue := upstreamtest.AssertError(t, err, service, endpoint, upstream.KindUnavailable)
	if ue != nil && ue.Detail != "circuit open" {
		t.Errorf("Detail = %q, want %q", ue.Detail, "circuit open")
	}
	if !errors.Is(err, resilience.ErrCircuitOpen) {
		t.Errorf("error %v does not wrap ErrCircuitOpen", err)
	}
}

// The whole cycle against the reference CMS: failures open the breaker,
// open answers at once without a request, after the open timeout a probe
// goes through and its success closes the breaker.
func TestBreakerCycle(t *testing.T) {
	faults := []struct {
		name  string
		fault devstack.Fault
	}{
		{"503", devstack.Fault{Kind: devstack.FaultStatus, StatusCode: 503}},
		{"500", devstack.Fault{Kind: devstack.FaultStatus, StatusCode: 500}},
		{"timeout", devstack.Fault{Kind: devstack.FaultTimeout}},
	}
	for _, tt := range faults {
		t.Run(tt.name, func(t *testing.T) {
			st := startStack(t)
			ids := st.Store.BatchIDs(devstack.TeacherWithOrg)[:3]
			var log stateLog
			rcfg := testConfig()
			rcfg.Breaker.OnStateChange = log.record
			rcfg.Breaker.HalfOpenProbes = 1
			layer := resilience.New(upstream.ServiceCMS, rcfg)
			c, err := cms.New(upstream.Config{BaseURL: st.CMS.URL, APIKey: devstack.DefaultAPIKey,
				ServiceID: "bff-teacher-service", Timeout: 100 * time.Millisecond, Middleware: layer})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(c.Close)

			st.CMS.SetFault(tt.fault)
			for i := range 5 {
				if _, err := c.ClassInfo(context.Background(), ids); err == nil {
					t.Fatalf("call %d succeeded under a fault", i)
				}
			}
			// A call that timed out has left its shared request, which
			// reports to the breaker a moment later.
			testkit.WaitFor(t, func() bool { return layer.State() == "open" }, "the breaker to open after 5 failed calls")
			sent := st.CMS.Count(devstack.EndpointClassInfo)

			_, err = c.ClassInfo(context.Background(), ids)
			assertOpenRefusal(t, err, upstream.ServiceCMS, cms.EndpointClassInfo)
			if n := st.CMS.Count(devstack.EndpointClassInfo); n != sent {
				t.Errorf("open breaker let %d requests through", n-sent)
			}
			// Health probes bypass the breaker: readiness reports the service.
			if err := c.Healthy(context.Background()); err != nil {
				t.Errorf("Healthy with an open breaker = %v", err)
			}

			st.CMS.SetFault(devstack.Fault{})
			time.Sleep(150 * time.Millisecond) // past the 100ms open timeout
			got, err := c.ClassInfo(context.Background(), ids)
			if err != nil {
				t.Fatalf("probe after the open timeout: %v", err)
			}
			if len(got) != len(ids) {
				t.Errorf("probe answered %d ids, want %d", len(got), len(ids))
			}
			if layer.State() != "closed" {
				t.Errorf("State() = %q after a successful probe, want closed", layer.State())
			}
			want := []string{"cms: closed -> open", "cms: open -> half-open", "cms: half-open -> closed"}
			if got := log.transitions(); !slices.Equal(got, want) {
				t.Errorf("transitions = %q, want %q", got, want)
			}
		})
	}
}

func TestBreakerFailedProbeReopens(t *testing.T) {
	s := upstreamtest.NewServer(t, upstreamtest.JSON(500, `{"error":"down"}`))
	rcfg := testConfig()
	rcfg.Breaker.ConsecutiveFailures = 2
	c, layer := newClient(t, s.ClientConfig(), rcfg)
	for range 2 {
		_ = call(context.Background(), c)
	}
	time.Sleep(150 * time.Millisecond)
	if layer.State() != "half-open" {
		t.Fatalf("State() = %q after the open timeout, want half-open", layer.State())
	}
	err := call(context.Background(), c)
	if ue := upstreamtest.AssertError(t, err, upstream.ServiceRAS, "list-batches", upstream.KindStatus); ue != nil && ue.StatusCode != 500 {
		t.Errorf("probe StatusCode = %d, want the 500", ue.StatusCode)
	}
	if layer.State() != "open" {
		t.Errorf("State() = %q after a failed probe, want open", layer.State())
	}
	if s.Requests() != 3 {
		t.Errorf("server saw %d requests, want 3", s.Requests())
	}
}

// Answers that mean the service works (it judged the request, or sent a
// body that breaks the contract: a bug, not an outage) never open it, nor
// do callers who give up.
func TestBreakerIgnoresHealthyFailures(t *testing.T) {
	tests := []struct {
		name    string
		handler http.Handler
		cancel  bool
	}{
		{"404", upstreamtest.JSON(404, `{"error":"no such batch"}`), false},
		{"400", upstreamtest.JSON(400, `{"error":"not a UUID"}`), false},
		{"401", upstreamtest.JSON(401, `{"error":"bad key"}`), false},
		{"malformed 200", upstreamtest.JSON(200, `{"n":`), false},
		{"HTML 200", upstreamtest.Reply(200, "text/html", "<html></html>"), false},
		{"caller cancels", upstreamtest.Slow(time.Second), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := upstreamtest.NewServer(t, tt.handler)
			rcfg := testConfig()
			rcfg.Breaker.ConsecutiveFailures = 1
			rcfg.Breaker.MinRequests = 1
			c, layer := newClient(t, s.ClientConfig(), rcfg)
			for range 25 {
				ctx, cancel := context.WithCancel(context.Background())
				if tt.cancel {
					time.AfterFunc(5*time.Millisecond, cancel)
				}
				if err := call(ctx, c); err == nil {
					t.Fatal("call succeeded")
				}
				cancel()
			}
			if layer.State() != "closed" {
				t.Errorf("State() = %q, want closed", layer.State())
			}
		})
	}
}

// The ratio rule: half the calls of the window failing opens the breaker
// even when failures never come in a row.
func TestBreakerFailureRatio(t *testing.T) {
	var flip bool
	s := upstreamtest.NewServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		flip = !flip // requests are sequential; every second one fails
		if !flip {
			upstreamtest.JSON(502, `{"error":"bad gateway"}`).ServeHTTP(w, r)
			return
		}
		upstreamtest.JSON(200, `{}`).ServeHTTP(w, r)
	}))
	rcfg := testConfig()
	rcfg.Retries = 0
	rcfg.Breaker.MinRequests = 10
	c, layer := newClient(t, s.ClientConfig(), rcfg)
	for i := range 9 {
		_ = call(context.Background(), c)
		if layer.State() != "closed" {
			t.Fatalf("open after %d calls, fewer than MinRequests", i+1)
		}
	}
	_ = call(context.Background(), c)
	if layer.State() != "open" {
		t.Errorf("State() = %q after 5 of 10 calls failed, want open", layer.State())
	}
}

func TestBreakerDisabled(t *testing.T) {
	s := upstreamtest.NewServer(t, upstreamtest.JSON(503, `{"error":"down"}`))
	rcfg := testConfig()
	rcfg.Retries = 0
	rcfg.Breaker.Disabled = true
	c, layer := newClient(t, s.ClientConfig(), rcfg)
	for range 10 {
		_ = call(context.Background(), c)
	}
	if s.Requests() != 10 || layer.State() != "disabled" {
		t.Errorf("%d requests, state %q; want 10, disabled", s.Requests(), layer.State())
	}
}
