// Package ratelimit is the teachers' operation budget: so many operations
// per window for one key (a teacher, or an address for anonymous requests),
// whatever transport carries them.
//
// With Redis, the budget lives there and every replica debits the same one
// (github.com/go-redis/redis_rate: GCRA in one Lua script per debit, from
// the go-redis maintainers and built on go-redis v9). Without Redis it lives
// in the process (github.com/go-chi/httprate's sliding-window counter), so
// N replicas allow N budgets; only the demo and single-replica deployments
// run that way.
package ratelimit

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/httprate"
	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// Limiter debits one operation from a key's budget.
type Limiter interface {
	// Allow debits one operation of key. When the budget is spent it
	// returns false and how long until the next operation would be
	// allowed. An error says the shared budget could not be read; ok is
	// still the answer to act on (a Redis outage must not take the API
	// with it).
	Allow(ctx context.Context, key string) (ok bool, retryAfter time.Duration, err error)
}

// Local is a budget in this process.
type Local struct {
	rl *httprate.RateLimiter
}

// NewLocal returns a per-process budget of limit operations per window.
func NewLocal(limit int, window time.Duration) *Local {
	return &Local{rl: httprate.NewRateLimiter(limit, window)}
}

// Allow implements Limiter. httprate's limiter speaks HTTP headers: the
// debit is asked for on a request of ctx, and Retry-After read back.
func (l *Local) Allow(ctx context.Context, key string) (bool, time.Duration, error) {
	h := headerOnly{}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "/", http.NoBody)
	if err != nil {
		return true, 0, fmt.Errorf("ratelimit: %w", err)
	}
	if !l.rl.OnLimit(h, req, key) {
		return true, 0, nil
	}
	secs, _ := strconv.Atoi(h.Header().Get("Retry-After"))
	return false, time.Duration(secs) * time.Second, nil
}

// headerOnly is the http.ResponseWriter httprate writes its headers to.
type headerOnly http.Header

func (h headerOnly) Header() http.Header       { return http.Header(h) }
func (headerOnly) Write(b []byte) (int, error) { return len(b), nil }
func (headerOnly) WriteHeader(int)             {}

// Shared is a budget in Redis, shared by every replica using the same
// Redis and prefix.
type Shared struct {
	rl     *redis_rate.Limiter
	limit  redis_rate.Limit
	prefix string
	// fallback serves while Redis does not answer.
	fallback *Local
	log      *slog.Logger
}

// NewShared returns a budget of limit operations per window in rdb, under
// keys "rate:" + prefix + key. While Redis fails, a per-process budget of
// the same size serves, and the failure is logged at warn.
func NewShared(rdb *redis.Client, prefix string, limit int, window time.Duration, log *slog.Logger) *Shared {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Shared{
		rl:       redis_rate.NewLimiter(rdb),
		limit:    redis_rate.Limit{Rate: limit, Burst: limit, Period: window},
		prefix:   prefix,
		fallback: NewLocal(limit, window),
		log:      log,
	}
}

// Allow implements Limiter.
func (s *Shared) Allow(ctx context.Context, key string) (bool, time.Duration, error) {
	res, err := s.rl.Allow(ctx, s.prefix+key, s.limit)
	if err != nil {
		s.log.LogAttrs(ctx, slog.LevelWarn, "rate limit: Redis did not answer, counting in this process",
			slog.String("error", err.Error()))
		ok, retry, _ := s.fallback.Allow(ctx, key)
		return ok, retry, fmt.Errorf("ratelimit: %w", err)
	}
	if res.Allowed > 0 {
		return true, 0, nil
	}
	return false, res.RetryAfter, nil
}
