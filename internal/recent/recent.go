// Package recent is a short-lived, bounded cache with one fetch per key in
// flight. Live updates use it so that a burst of events about the same
// batches costs one upstream call per batch, not one per event.
package recent

import (
	"context"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/sync/singleflight"
)

// Cache remembers values for ttl, at most size of them.
type Cache[V any] struct {
	// A plain LRU with expiry stamps rather than the expirable LRU, whose
	// cleanup goroutine can never be stopped.
	lru     *lru.Cache[string, entry[V]]
	flights singleflight.Group
	ttl     time.Duration
	timeout time.Duration
}

type entry[V any] struct {
	val     V
	expires time.Time
}

// New returns a cache whose fetches run with at most timeout.
func New[V any](ttl time.Duration, size int, timeout time.Duration) *Cache[V] {
	l, err := lru.New[string, entry[V]](size)
	if err != nil {
		panic("recent: size must be positive") // a wiring fault, caught by any test
	}
	return &Cache[V]{lru: l, ttl: ttl, timeout: timeout}
}

// Get returns the value of key, fetching it when it is not fresh. Errors are
// not cached. Concurrent callers of one key share one fetch, which runs
// detached from any one caller's cancellation (bounded by the timeout), so a
// caller that leaves does not fail the others.
func (c *Cache[V]) Get(ctx context.Context, key string, fetch func(context.Context) (V, error)) (V, error) {
	if e, ok := c.lru.Get(key); ok && time.Now().Before(e.expires) {
		return e.val, nil
	}
	ch := c.flights.DoChan(key, func() (any, error) {
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.timeout)
		defer cancel()
		v, err := fetch(fctx)
		if err == nil {
			c.lru.Add(key, entry[V]{val: v, expires: time.Now().Add(c.ttl)})
		}
		return v, err
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			var zero V
			return zero, res.Err
		}
		return res.Val.(V), nil
	case <-ctx.Done():
		var zero V
		return zero, ctx.Err()
	}
}

// Forget drops key, so the next Get fetches it.
func (c *Cache[V]) Forget(key string) { c.lru.Remove(key) }
