package resilience

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"syscall"
	"time"
)

// maxDrain bounds what is read of a response before a retry to keep its
// connection reusable; past it, closing the connection is cheaper.
const maxDrain = 64 << 10

// retryTransport retries idempotent requests whose failure is likely
// transient. Retries live here rather than in upstream's do path because
// the request itself says whether it may be repeated (its method and
// body), so every client of the transport gets them for free.
type retryTransport struct {
	next      http.RoundTripper
	retries   int
	base, max time.Duration
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !idempotent(req) {
		return t.next.RoundTrip(req)
	}
	ctx := req.Context()
	for attempt := 0; ; attempt++ {
		resp, err := t.next.RoundTrip(req)
		if attempt == t.retries || !retryable(ctx, resp, err) {
			return resp, err
		}
		wait := t.backoff(attempt)
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) <= wait {
			// No time left for another attempt: the caller gets the real
			// failure now, rather than a timeout after a pointless sleep.
			return resp, err
		}
		if resp != nil {
			// The retry replaces this answer: free its connection.
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxDrain))
			_ = resp.Body.Close()
		}
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// backoff is the wait before retry number attempt+1: exponential from base,
// capped at max, with "equal jitter" (half fixed, half random) so that the
// calls failed by one blip don't all come back at the same instant, yet
// none comes back at once.
func (t *retryTransport) backoff(attempt int) time.Duration {
	d := t.base
	for i := 0; i < attempt && d < t.max; i++ {
		d *= 2
	}
	d = min(d, t.max)
	half := d / 2
	return half + rand.N(d-half+1)
}

func sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// idempotent: only GET and HEAD without a body may be sent twice. The
// contract's calls are all such GETs; anything else (a future POST) goes
// through once.
func idempotent(req *http.Request) bool {
	return (req.Method == http.MethodGet || req.Method == http.MethodHead) &&
		(req.Body == nil || req.Body == http.NoBody)
}

// retryable: a failure the next attempt may well not see. Only connection
// failures and the statuses a proxy or an overloaded service gives for a
// passing condition (502, 503, 504). Never a 4xx (the request is wrong), a
// 500 (the service failed at it and would likely fail again), a timeout
// (the service is slow: piling on makes it slower, and the call's time is
// spent), or a caller that gave up.
func retryable(ctx context.Context, resp *http.Response, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	if err == nil {
		switch resp.StatusCode {
		case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return true
		}
		return false
	}
	return connectionFailed(err)
}

func connectionFailed(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return false
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true // refused, unreachable, DNS: nothing was sent
	}
	// The connection broke before an answer came: reset, closed by the
	// peer (a restart, an idle timeout racing our request).
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}
