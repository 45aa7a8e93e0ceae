// Package resilience makes the BFF's calls to one upstream service survive
// the service's bad moments without making them worse: bounded retries of
// idempotent requests, a circuit breaker that answers at once while the
// service is down, and in-flight deduplication of identical requests.
//
// It works as http.RoundTripper wrappers (like Cosmo's retrytransport), so
// the service clients stay unaware of it. One call per service wires it:
//
//	cfg.Middleware = resilience.New(upstream.ServiceRAS, resilience.Defaults())
//
// upstream.New then wraps the client's transport, from the outside in:
//
//	dedupe → breaker → retry → the pooled *http.Transport
//
// Dedupe is outermost so that N identical calls cost one trip through the
// breaker and one set of retries. The breaker is outside the retries so it
// counts calls, not attempts: a call that needed a retry to succeed is a
// success (the service answered), and a failed call weighs the same whether
// it was tried once or three times, so retries don't trip the breaker 3×
// faster than the thresholds say.
//
// The contract's health check (GET …/healthz) bypasses all of it: readiness
// must report what the service says right now, not a retried answer or the
// breaker's opinion, and a probe must not close a breaker that data calls
// would open again.
package resilience

import (
	"errors"
	"fmt"
	"net/http"
	"path"
	"time"

	"github.com/essaylab/teacher-bff/internal/upstream"
)

// Config configures the resilience of one service's client. Start from
// Defaults(): in the zero value retries and deduplication are off (zero
// durations and thresholds do mean their defaults).
type Config struct {
	// Retries is how many times a failed idempotent request is tried again
	// (so at most Retries+1 attempts); 0 turns retries off.
	Retries int
	// RetryBase is the backoff before the first retry, doubled for each
	// further one up to RetryMax, with jitter. 0 means 50ms and 500ms.
	RetryBase, RetryMax time.Duration
	Breaker             BreakerConfig
	// Dedupe lets identical concurrent GETs share one upstream request.
	Dedupe bool
}

// Defaults is the production configuration: 2 retries from 50ms to 500ms,
// the breaker's defaults, deduplication on.
func Defaults() Config {
	return Config{
		Retries:   2,
		RetryBase: 50 * time.Millisecond,
		RetryMax:  500 * time.Millisecond,
		Breaker:   defaultBreaker(),
		Dedupe:    true,
	}
}

func (c Config) withDefaults() Config {
	if c.RetryBase == 0 {
		c.RetryBase = 50 * time.Millisecond
	}
	if c.RetryMax == 0 {
		c.RetryMax = max(500*time.Millisecond, c.RetryBase)
	}
	c.Breaker = c.Breaker.withDefaults()
	return c
}

func (c Config) validate() error {
	var errs []error
	if c.Retries < 0 {
		errs = append(errs, fmt.Errorf("retries %d is negative", c.Retries))
	}
	if c.RetryBase < 0 || c.RetryMax < c.RetryBase {
		errs = append(errs, fmt.Errorf("retry backoff %v..%v is not a range of positive durations", c.RetryBase, c.RetryMax))
	}
	return errors.Join(append(errs, c.Breaker.validate())...)
}

// Layer is the resilience of one upstream service: its circuit breaker and
// its in-flight requests. It implements upstream.Middleware. Make one per
// service; clients of the same service may share it (they then share the
// breaker, which is right: it is the service's health; each client keeps
// its own in-flight requests, since they go through different pools).
type Layer struct {
	service string
	cfg     Config
	err     error // a config error, reported by Wrap (so by upstream.New)
	breaker *breaker
}

var _ upstream.Middleware = (*Layer)(nil)

// New returns the resilience layer of service (one of the upstream.Service
// constants). A bad cfg is reported when a client is made with it, together
// with the client's other configuration errors.
func New(service string, cfg Config) *Layer {
	cfg = cfg.withDefaults()
	l := &Layer{service: service, cfg: cfg, err: cfg.validate()}
	if !cfg.Breaker.Disabled {
		l.breaker = newBreaker(service, cfg.Breaker)
	}
	return l
}

// Service is the service the layer was made for.
func (l *Layer) Service() string { return l.service }

// State is the breaker's state, "closed", "half-open" or "open", for
// metrics and logs; "disabled" when it is turned off.
func (l *Layer) State() string {
	if l.breaker == nil {
		return "disabled"
	}
	return l.breaker.cb.State().String()
}

// Wrap builds the chain around next. upstream.New calls it with the
// client's per-call timeout, which bounds a shared (deduplicated) request.
func (l *Layer) Wrap(service string, next http.RoundTripper, callTimeout time.Duration) (http.RoundTripper, error) {
	if service != l.service {
		// A layer wired to the wrong client would trip one service's
		// breaker on another's failures and label its metrics wrong.
		return nil, fmt.Errorf("resilience: layer of %q used for %q", l.service, service)
	}
	if l.err != nil {
		return nil, fmt.Errorf("resilience: %w", l.err)
	}
	if callTimeout <= 0 {
		return nil, fmt.Errorf("resilience: call timeout %v is not positive", callTimeout)
	}
	chain := next
	if l.cfg.Retries > 0 {
		chain = &retryTransport{next: chain, retries: l.cfg.Retries, base: l.cfg.RetryBase, max: l.cfg.RetryMax}
	}
	if l.breaker != nil {
		chain = &breakerTransport{next: chain, b: l.breaker}
	}
	if l.cfg.Dedupe {
		chain = &dedupeTransport{next: chain, timeout: callTimeout}
	}
	return &transport{chain: chain, base: next}, nil
}

// transport is the outside of the chain.
type transport struct {
	chain http.RoundTripper
	base  http.RoundTripper
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if path.Base(req.URL.Path) == "healthz" {
		return t.base.RoundTrip(req)
	}
	return t.chain.RoundTrip(req)
}

// CloseIdleConnections passes upstream.Client.Close on to the pool:
// http.Client only reaches the transport it holds, which is this one.
func (t *transport) CloseIdleConnections() {
	if c, ok := t.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
