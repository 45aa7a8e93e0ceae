package app

import (
	"context"
	"time"

	"github.com/essaylab/teacher-bff/internal/ras"
	"github.com/essaylab/teacher-bff/internal/recent"
)

// batchBase serves live updates the part of a batch's state that events do
// not carry, from a cache that lives a couple of seconds: long enough to
// absorb a burst of events, short enough that titles and counts stay fresh.
type batchBase struct {
	ras   *ras.Client
	cache *recent.Cache[*ras.Batch]
}

func newBatchBase(c *ras.Client, timeout time.Duration) *batchBase {
	return &batchBase{ras: c, cache: recent.New[*ras.Batch](2*time.Second, 10_000, timeout)}
}

// Base returns the batch as RAS last answered it. Whose batch it is stays
// for the caller to check; the cache is shared by all teachers for that
// reason only: it holds what RAS says, not what anyone may see.
func (b *batchBase) Base(ctx context.Context, batchID string) (*ras.Batch, error) {
	return b.cache.Get(ctx, batchID, func(ctx context.Context) (*ras.Batch, error) {
		return b.ras.GetBatch(ctx, batchID)
	})
}
