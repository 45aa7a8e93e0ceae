package loaders

import (
	"context"
	"fmt"

	"github.com/graph-gophers/dataloader/v7"
)

// keyed is a loader by batch id. Keys that arrive one by one go through a
// dataloader with a short wait; keys known together (the ids of all pages of
// an operation) go through a one-off dataloader sized to them exactly, which
// dispatches the moment the last key is in instead of waiting out a window.
// Both share one cache, so a child that asks for a prefetched key finds it.
type keyed[V any] struct {
	cfg   Config
	fetch dataloader.BatchFunc[string, V]
	cache dataloader.Cache[string, V]
	main  *dataloader.Loader[string, V]
}

func newKeyed[V any](cfg Config, fetch dataloader.BatchFunc[string, V]) *keyed[V] {
	k := &keyed[V]{cfg: cfg, fetch: fetch}
	if cfg.Disabled {
		k.cache = &dataloader.NoCache[string, V]{}
		k.main = dataloader.NewBatchedLoader(fetch,
			dataloader.WithCache(k.cache), dataloader.WithBatchCapacity[string, V](1))
		return k
	}
	k.cache = dataloader.NewCache[string, V]()
	k.main = dataloader.NewBatchedLoader(fetch,
		dataloader.WithCache(k.cache), dataloader.WithWait[string, V](cfg.Wait))
	return k
}

func (k *keyed[V]) load(ctx context.Context, id string) (V, error) {
	return k.main.Load(ctx, id)()
}

// prefetch dispatches the ids not cached yet as one batch, now. The Loads
// are made one after the other, not with LoadMany (which loads in
// goroutines), so that every id is in the cache when prefetch returns.
func (k *keyed[V]) prefetch(ctx context.Context, ids []string) {
	if k.cfg.Disabled {
		return
	}
	missing := make([]string, 0, len(ids))
	for _, id := range ids {
		if _, ok := k.cache.Get(ctx, id); !ok {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return
	}
	once := dataloader.NewBatchedLoader(k.fetch,
		dataloader.WithCache(k.cache),
		dataloader.WithBatchCapacity[string, V](len(missing)),
		// The capacity ends the batch; the wait is only a backstop.
		dataloader.WithWait[string, V](k.cfg.Wait),
		dataloader.WithInputCapacity[string, V](len(missing)))
	for _, id := range missing {
		once.Load(ctx, id)
	}
}

// errorResults answers every key with err.
func errorResults[V any](n int, err error) []*dataloader.Result[V] {
	out := make([]*dataloader.Result[V], n)
	for i := range out {
		out[i] = &dataloader.Result[V]{Error: err}
	}
	return out
}

// missingKeyError is what a key gets when the upstream's answer, although
// well-formed, did not mention it. The clients check this already; the
// loaders do not rely on it.
func missingKeyError(id string) error {
	return fmt.Errorf("loaders: no result for key %q", id)
}
