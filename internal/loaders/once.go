package loaders

import (
	"context"
	"sync"

	"github.com/essaylab/teacher-bff/internal/entitlements"
)

// CreditSource is what the loaders need of Entitlements.
type CreditSource interface {
	Balance(ctx context.Context, userID string) (entitlements.Balance, error)
}

// onceByKey runs a lookup at most once per key for the life of one
// operation: a query that names the viewer twice (aliases) still asks for
// the balance once.
type onceByKey[V any] struct {
	mu    sync.Mutex
	calls map[string]*onceCall[V]
}

type onceCall[V any] struct {
	done chan struct{}
	val  V
	err  error
}

func (o *onceByKey[V]) do(ctx context.Context, key string, fn func(context.Context) (V, error)) (V, error) {
	o.mu.Lock()
	if o.calls == nil {
		o.calls = make(map[string]*onceCall[V])
	}
	c, ok := o.calls[key]
	if !ok {
		c = &onceCall[V]{done: make(chan struct{})}
		o.calls[key] = c
		o.mu.Unlock()
		func() {
			defer close(c.done)
			c.val, c.err = fn(ctx)
		}()
		return c.val, c.err
	}
	o.mu.Unlock()
	select {
	case <-c.done:
		return c.val, c.err
	case <-ctx.Done():
		var zero V
		return zero, ctx.Err()
	}
}

// Credits returns a teacher's balance, fetched at most once per operation.
func Credits(ctx context.Context, userID string) (entitlements.Balance, error) {
	l, err := from(ctx)
	if err != nil {
		return entitlements.Balance{}, err
	}
	return l.credits.do(ctx, userID, func(ctx context.Context) (entitlements.Balance, error) {
		return l.creditSource.Balance(ctx, userID)
	})
}
