package resilience

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/essaylab/teacher-bff/internal/upstream"
	"github.com/sony/gobreaker/v2"
)

// Why github.com/sony/gobreaker/v2: it is small, has no dependencies, and
// is the de-facto Go implementation of the pattern (Cosmo's `circuit`
// package wraps a similar state machine). v2 adds what we need on top of
// the classic breaker: a rolling window (BucketPeriod) so the failure ratio
// is over the last 10s rather than a window that resets all at once, and
// IsExcluded, so a caller cancelling its own call counts neither way.
// Writing our own would mean re-deriving its generation bookkeeping, which
// keeps a result that arrives after a state change from counting in the
// new state.

// ErrCircuitOpen is the cause (Err) of the *upstream.Error an open breaker
// answers with. Its Kind is KindUnavailable and its Detail "circuit open",
// so the GraphQL layer shows UPSTREAM_UNAVAILABLE without an upstream call.
var ErrCircuitOpen = errors.New("circuit breaker open")

// BreakerConfig tunes the breaker of one service. Zero fields mean their
// defaults.
type BreakerConfig struct {
	// Disabled turns the breaker off (every call goes through).
	Disabled bool
	// ConsecutiveFailures opens the breaker after this many failed calls
	// in a row. Default 5.
	ConsecutiveFailures uint32
	// FailureRatio opens the breaker when at least this share of the calls
	// in Window failed, once there were MinRequests of them. Default 0.5
	// over at least 20 calls.
	FailureRatio float64
	MinRequests  uint32
	// Window is the rolling window the ratio is counted over. Default 10s.
	Window time.Duration
	// OpenTimeout is how long the breaker stays open before it lets probes
	// through (half-open). Default 10s.
	OpenTimeout time.Duration
	// HalfOpenProbes is how many calls half-open lets through at once; that
	// many successes in a row close the breaker, one failure opens it
	// again. Default 3.
	HalfOpenProbes uint32
	// OnStateChange, when set, is told every transition ("closed",
	// "half-open", "open"), e.g. to set a gauge or log. It runs under the
	// breaker's lock: keep it short and don't call Layer.State from it.
	OnStateChange func(service, from, to string)
}

func defaultBreaker() BreakerConfig { return BreakerConfig{}.withDefaults() }

func (c BreakerConfig) withDefaults() BreakerConfig {
	if c.ConsecutiveFailures == 0 {
		c.ConsecutiveFailures = 5
	}
	if c.FailureRatio == 0 {
		c.FailureRatio = 0.5
	}
	if c.MinRequests == 0 {
		c.MinRequests = 20
	}
	if c.Window == 0 {
		c.Window = 10 * time.Second
	}
	if c.OpenTimeout == 0 {
		c.OpenTimeout = 10 * time.Second
	}
	if c.HalfOpenProbes == 0 {
		c.HalfOpenProbes = 3
	}
	return c
}

func (c BreakerConfig) validate() error {
	var errs []error
	if c.FailureRatio < 0 || c.FailureRatio > 1 {
		errs = append(errs, fmt.Errorf("breaker failure ratio %v is not in (0, 1]", c.FailureRatio))
	}
	if c.Window < 0 || c.OpenTimeout < 0 {
		errs = append(errs, fmt.Errorf("breaker window %v and open timeout %v must be positive", c.Window, c.OpenTimeout))
	}
	return errors.Join(errs...)
}

// Outcomes as the breaker sees them: errFailure counts against the
// service, errExcluded counts neither way, nil is a success.
var (
	errFailure  = errors.New("upstream unhealthy")
	errExcluded = errors.New("caller gave up")
)

type breaker struct {
	service string
	cb      *gobreaker.CircuitBreaker[struct{}]
	refusal *upstream.Error
}

func newBreaker(service string, cfg BreakerConfig) *breaker {
	b := &breaker{
		service: service,
		refusal: &upstream.Error{Service: service, Kind: upstream.KindUnavailable, Detail: "circuit open", Err: ErrCircuitOpen},
	}
	st := gobreaker.Settings{
		Name:         service,
		MaxRequests:  cfg.HalfOpenProbes,
		Interval:     cfg.Window,
		BucketPeriod: cfg.Window / 10,
		Timeout:      cfg.OpenTimeout,
		ReadyToTrip: func(c gobreaker.Counts) bool {
			if c.ConsecutiveFailures >= cfg.ConsecutiveFailures {
				return true
			}
			// Completed calls only: Requests also counts those in flight.
			done := c.TotalSuccesses + c.TotalFailures
			return done >= cfg.MinRequests && float64(c.TotalFailures) >= cfg.FailureRatio*float64(done)
		},
		IsExcluded: func(err error) bool { return errors.Is(err, errExcluded) },
	}
	if hook := cfg.OnStateChange; hook != nil {
		st.OnStateChange = func(_ string, from, to gobreaker.State) { hook(service, from.String(), to.String()) }
	}
	b.cb = gobreaker.NewCircuitBreaker[struct{}](st)
	return b
}

// breakerTransport asks the breaker before each call and tells it how the
// call went.
type breakerTransport struct {
	next http.RoundTripper
	b    *breaker
}

func (t *breakerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var resp *http.Response
	var err error
	_, verdict := t.b.cb.Execute(func() (struct{}, error) {
		resp, err = t.next.RoundTrip(req)
		return struct{}{}, outcome(req.Context(), resp, err)
	})
	if errors.Is(verdict, gobreaker.ErrOpenState) || errors.Is(verdict, gobreaker.ErrTooManyRequests) {
		// Open, or half-open with all its probes out: refuse at once.
		// upstream's client reports this *Error as is.
		return nil, t.b.refusal
	}
	return resp, err
}

// outcome decides what a call says about the service's health. Failures
// are what an outage looks like: no connection, no answer in time, a 5xx.
// A 4xx is the service working (it judged our request), and a 200 with a
// body that breaks the contract is an upstream bug that more requests
// won't cure and fewer won't avoid; neither trips the breaker (the
// transport can't even see a malformed body: upstream decodes later).
func outcome(ctx context.Context, resp *http.Response, err error) error {
	switch {
	case err != nil && errors.Is(ctx.Err(), context.Canceled) && !errors.Is(context.Cause(ctx), context.DeadlineExceeded):
		// The caller went away (with dedupe: every caller of the shared
		// request did); that says nothing about the service.
		return errExcluded
	case err != nil:
		// Refused, reset, EOF, or a timeout: the per-call timeout, or a
		// caller's deadline (with dedupe: the last waiter's, passed on as
		// the shared request's cancel cause). A caller's deadline can't be
		// told from the per-call one here; the BFF's callers allow more
		// than the per-call timeout, so either means a slow service.
		return errFailure
	case resp.StatusCode >= http.StatusInternalServerError:
		return errFailure
	default:
		return nil
	}
}
