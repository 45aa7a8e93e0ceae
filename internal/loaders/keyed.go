package loaders

import (
	"context"
	"fmt"
	"sync"

	"github.com/graph-gophers/dataloader/v7"
)

// keyed is a loader by batch id. Keys that arrive one by one go through a
// dataloader with a short wait. Keys known together (the ids of all pages of
// an operation) are fetched at once in one round of their own, without a
// window to wait out and without dataloader's per-key bookkeeping (a channel,
// a thunk and a cache entry for each): a page's rows then find their values
// in the round by id. A key is fetched by a round or by the dataloader,
// never both.
type keyed[V any] struct {
	cfg   Config
	fetch dataloader.BatchFunc[string, V]
	cache dataloader.Cache[string, V]
	main  *dataloader.Loader[string, V]

	mu     sync.Mutex
	rounds map[string]slot[V] // ids fetched by a round, and where
}

// round is one bulk fetch: results[i] answers the i-th id it was given, and
// is set when done is closed.
type round[V any] struct {
	done    chan struct{}
	results []*dataloader.Result[V]
}

type slot[V any] struct {
	r *round[V]
	i int
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

// load returns the value of id: from the round fetching it, if one is, else
// through the dataloader.
func (k *keyed[V]) load(ctx context.Context, id string) (V, error) {
	k.mu.Lock()
	s, ok := k.rounds[id]
	if ok {
		k.mu.Unlock()
		// The round's fetch has its own deadline (Config.BatchTimeout).
		<-s.r.done
		res := s.r.results[s.i]
		return res.Data, res.Error
	}
	// Handed to the dataloader under the lock, so a prefetch that starts
	// meanwhile finds id in its cache and does not fetch it again.
	thunk := k.main.Load(ctx, id)
	k.mu.Unlock()
	return thunk()
}

// prefetch fetches the ids that no round is fetching and the dataloader
// has not cached, as one round, now. It does not wait for the answers.
func (k *keyed[V]) prefetch(ctx context.Context, ids []string) {
	if k.cfg.Disabled {
		return
	}
	k.mu.Lock()
	if k.rounds == nil {
		k.rounds = make(map[string]slot[V], len(ids))
	}
	var missing []string
	r := &round[V]{done: make(chan struct{})}
	for _, id := range ids {
		if _, ok := k.rounds[id]; ok {
			continue
		}
		if _, ok := k.cache.Get(ctx, id); ok {
			continue
		}
		k.rounds[id] = slot[V]{r: r, i: len(missing)}
		missing = append(missing, id)
	}
	k.mu.Unlock()
	if len(missing) == 0 {
		return
	}
	go func() {
		defer close(r.done)
		r.results = k.fetch(ctx, missing)
	}()
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
