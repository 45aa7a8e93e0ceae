package app

import (
	"context"
	"time"

	"github.com/essaylab/teacher-bff/internal/cms"
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

// Fresh fetches the batch from RAS now and caches that.
func (b *batchBase) Fresh(ctx context.Context, batchID string) (*ras.Batch, error) {
	b.cache.Forget(batchID)
	return b.Base(ctx, batchID)
}

// liveCMS is what subscription events look up in CMS: class names from the
// long-lived class cache, validation status from a two-second cache, so a
// burst of events about a batch asks CMS once.
type liveCMS struct {
	*cms.CachedClient
	validation *recent.Cache[*cms.ValidationStatus]
}

func newLiveCMS(c *cms.CachedClient, timeout time.Duration) liveCMS {
	return liveCMS{CachedClient: c, validation: recent.New[*cms.ValidationStatus](2*time.Second, 10_000, timeout)}
}

// ValidationStatus looks the ids up one by one: an event names one batch.
func (l liveCMS) ValidationStatus(ctx context.Context, ids []string) (map[string]*cms.ValidationStatus, error) {
	out := make(map[string]*cms.ValidationStatus, len(ids))
	for _, id := range ids {
		v, err := l.validation.Get(ctx, id, func(ctx context.Context) (*cms.ValidationStatus, error) {
			m, err := l.CachedClient.ValidationStatus(ctx, []string{id})
			return m[id], err
		})
		if err != nil {
			return nil, err
		}
		out[id] = v
	}
	return out, nil
}
