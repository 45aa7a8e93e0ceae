package loaders

import (
	"context"
	"sync"

	"github.com/graph-gophers/dataloader/v7"
)

// detach gives a batch its own deadline. dataloader runs a batch with the
// context of the first caller of its window; if that caller goes away, the
// other callers' keys must still be answered.
func detach(ctx context.Context, cfg Config) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), cfg.BatchTimeout)
}

// chunked turns a bulk lookup that takes at most size ids into a batch
// function: the keys are split into chunks looked up in parallel, and every
// key gets the value its own id maps to, never one by position. A failed
// chunk fails only its own keys.
func chunked[V any](cfg Config, name string, size int, lookup func(context.Context, []string) (map[string]V, error)) dataloader.BatchFunc[string, V] {
	return func(ctx context.Context, keys []string) []*dataloader.Result[V] {
		cfg.observe(name, len(keys))
		ctx, cancel := detach(ctx, cfg)
		defer cancel()

		results := make([]*dataloader.Result[V], len(keys))
		if len(keys) <= size {
			// One chunk: no goroutine to start and wait for.
			lookupChunk(ctx, lookup, keys, results)
			return results
		}
		sem := make(chan struct{}, cfg.MaxParallel)
		var wg sync.WaitGroup
		for start := 0; start < len(keys); start += size {
			chunk := keys[start:min(start+size, len(keys))]
			out := results[start : start+len(chunk)]
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				lookupChunk(ctx, lookup, chunk, out)
			}()
		}
		wg.Wait()
		return results
	}
}

// lookupChunk looks up one chunk of ids and answers each in out (of the
// same length) with the value its own id maps to.
func lookupChunk[V any](ctx context.Context, lookup func(context.Context, []string) (map[string]V, error), chunk []string, out []*dataloader.Result[V]) {
	found, err := lookup(ctx, chunk)
	if err != nil {
		copy(out, errorResults[V](len(chunk), err))
		return
	}
	results := make([]dataloader.Result[V], len(chunk))
	for i, id := range chunk {
		v, ok := found[id]
		if !ok {
			results[i].Error = missingKeyError(id)
		} else {
			results[i].Data = v
		}
		out[i] = &results[i]
	}
}

// eachKey turns a lookup of one id into a batch function: chunks of one,
// looked up in parallel, at most cfg.MaxParallel at a time, each failing
// only its own key.
func eachKey[V any](cfg Config, name string, lookup func(context.Context, string) (V, error)) dataloader.BatchFunc[string, V] {
	return chunked(cfg, name, 1, func(ctx context.Context, ids []string) (map[string]V, error) {
		v, err := lookup(ctx, ids[0])
		if err != nil {
			return nil, err
		}
		return map[string]V{ids[0]: v}, nil
	})
}

func (c Config) observe(loader string, size int) {
	if c.Observe != nil {
		c.Observe(loader, size)
	}
}
