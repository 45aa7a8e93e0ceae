package loaders

import (
	"context"
	"sync"
	"time"
)

// gate holds back the pages of one operation until all have arrived, then
// hands their batch ids to release in one go. gqlgen resolves each page in
// its own goroutine and starts the children of a page as soon as the page
// returns; without the gate, the first page's children would send their keys
// to CMS before the other pages' ids are known.
type gate struct {
	mu       sync.Mutex
	expected int
	arrived  int
	ids      []string
	seen     map[string]struct{}
	timer    *time.Timer
	open     chan struct{} // closed when the pages so far are released
	maxWait  time.Duration
	release  func(context.Context, []string)
}

func newGate(expected int, maxWait time.Duration, release func(context.Context, []string)) *gate {
	return &gate{
		expected: expected,
		seen:     make(map[string]struct{}),
		open:     make(chan struct{}),
		maxWait:  maxWait,
		release:  release,
	}
}

// arrive records a page and waits for its release.
func (g *gate) arrive(ctx context.Context, ids []string) {
	g.mu.Lock()
	for _, id := range ids {
		if _, ok := g.seen[id]; !ok {
			g.seen[id] = struct{}{}
			g.ids = append(g.ids, id)
		}
	}
	g.arrived++
	open := g.open
	switch {
	case g.arrived >= g.expected:
		// The last page (or one the operation did not announce): nothing
		// more can come, so release at once.
		g.flushLocked(ctx)
	case g.timer == nil:
		g.timer = time.AfterFunc(g.maxWait, func() {
			g.mu.Lock()
			defer g.mu.Unlock()
			if g.open == open {
				g.flushLocked(context.WithoutCancel(ctx))
			}
		})
	}
	g.mu.Unlock()

	select {
	case <-open:
	case <-ctx.Done():
	}
}

// flushLocked releases the ids collected so far. Pages that arrive after a
// flush (only possible when one was slower than maxWait) start a new round.
func (g *gate) flushLocked(ctx context.Context) {
	if g.timer != nil {
		g.timer.Stop()
		g.timer = nil
	}
	if len(g.ids) > 0 {
		g.release(ctx, g.ids)
	}
	g.ids = nil
	close(g.open)
	g.open = make(chan struct{})
}
