package events

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHubWatchRefcount(t *testing.T) {
	bus, hub := newMemoryHub(t, HubOptions{})
	alice := []*Subscriber{subscribe(t, hub, "alice"), subscribe(t, hub, "alice"), subscribe(t, hub, "alice", "b1")}
	subscribe(t, hub, "bob")
	assert.Equal(t, 1, bus.Watching("alice"), "one watch per teacher")
	assert.Equal(t, 1, bus.Watching("bob"))
	assert.Equal(t, Stats{Subscribers: 4, Teachers: 2}, hub.Stats())

	alice[0].Close()
	alice[1].Close()
	alice[1].Close() // idempotent: must not release someone else's share
	assert.Equal(t, 1, bus.Watching("alice"))
	publish(t, bus, "alice", statusMsg("b1", 1, t0))
	assert.Equal(t, 1, next(t, alice[2]).CompletedEssays)

	alice[2].Close()
	assert.Equal(t, 0, bus.Watching("alice"), "the last unsubscribe stops the watch")
	assert.Equal(t, 1, bus.Watching("bob"))
	assert.Equal(t, Stats{Subscribers: 1, Teachers: 1, Received: 1}, hub.Stats())

	again := subscribe(t, hub, "alice")
	assert.Equal(t, 1, bus.Watching("alice"))
	publish(t, bus, "alice", statusMsg("b2", 2, t0))
	assert.Equal(t, "b2", next(t, again).BatchID)
}

func TestHubClose(t *testing.T) {
	// nextErr starts a Next that blocks, and returns where its error lands.
	nextErr := func(s *Subscriber) <-chan error {
		errc := make(chan error, 1)
		go func() {
			_, err := s.Next(context.Background())
			errc <- err
		}()
		return errc
	}
	recv := func(t *testing.T, errc <-chan error) error {
		t.Helper()
		select {
		case err := <-errc:
			return err
		case <-time.After(waitFor):
			t.Fatal("Next did not return")
			return nil
		}
	}

	t.Run("subscriber close ends its Next", func(t *testing.T) {
		bus, hub := newMemoryHub(t, HubOptions{})
		s, other := subscribe(t, hub, "alice"), subscribe(t, hub, "alice")
		errc := nextErr(s)
		s.Close()
		require.ErrorIs(t, recv(t, errc), ErrClosed)
		s.Close()
		_, err := s.Next(context.Background())
		require.ErrorIs(t, err, ErrClosed)
		publish(t, bus, "alice", statusMsg("b1", 1, t0))
		assert.Equal(t, "b1", next(t, other).BatchID, "the other subscriber is unaffected")
	})
	t.Run("pending updates are dropped on close", func(t *testing.T) {
		bus, hub := newMemoryHub(t, HubOptions{})
		s := subscribe(t, hub, "alice")
		publish(t, bus, "alice", statusMsg("b1", 1, t0))
		s.Close()
		_, err := s.Next(context.Background())
		require.ErrorIs(t, err, ErrClosed)
	})
	t.Run("Next returns the context's error and stays usable", func(t *testing.T) {
		bus, hub := newMemoryHub(t, HubOptions{})
		s := subscribe(t, hub, "alice")
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := s.Next(ctx)
		require.ErrorIs(t, err, context.Canceled)
		publish(t, bus, "alice", statusMsg("b1", 1, t0))
		assert.Equal(t, "b1", next(t, s).BatchID)
	})
	t.Run("Subscribe with a done context holds nothing", func(t *testing.T) {
		bus, hub := newMemoryHub(t, HubOptions{})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := hub.Subscribe(ctx, "alice", nil)
		require.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, 0, bus.Watching("alice"))
		assert.Equal(t, Stats{}, hub.Stats())
	})
	t.Run("hub close ends every subscriber and watch", func(t *testing.T) {
		bus, hub := newMemoryHub(t, HubOptions{})
		a, b := subscribe(t, hub, "alice"), subscribe(t, hub, "bob")
		errA, errB := nextErr(a), nextErr(b)
		require.NoError(t, hub.Healthy(context.Background()))
		hub.Close()
		require.ErrorIs(t, recv(t, errA), ErrClosed)
		require.ErrorIs(t, recv(t, errB), ErrClosed)
		assert.Equal(t, 0, bus.Watching("alice"))
		assert.Equal(t, 0, bus.Watching("bob"))
		assert.Equal(t, 0, hub.Stats().Subscribers)
		assert.Equal(t, 0, hub.Stats().Teachers)
		_, err := hub.Subscribe(context.Background(), "alice", nil)
		require.ErrorIs(t, err, ErrClosed)
		require.ErrorIs(t, hub.Healthy(context.Background()), ErrClosed)
		a.Close() // after the hub: harmless
		hub.Close()
	})
}

// gatedSource holds every Watch until its gate opens, counting the calls,
// to check what subscribers do while a Watch is in flight.
type gatedSource struct {
	*MemoryBus
	gate    chan struct{}
	mu      sync.Mutex
	watches int
	entered chan struct{}
}

func newGatedSource() *gatedSource {
	return &gatedSource{MemoryBus: NewMemoryBus(), gate: make(chan struct{}), entered: make(chan struct{}, 100)}
}

func (g *gatedSource) Watch(ctx context.Context, userID string, deliver func([]byte)) (func(), error) {
	g.mu.Lock()
	g.watches++
	g.mu.Unlock()
	g.entered <- struct{}{}
	select {
	case <-g.gate:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return g.MemoryBus.Watch(ctx, userID, deliver)
}

func (g *gatedSource) calls() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.watches
}

func TestHubWatchInFlight(t *testing.T) {
	t.Run("concurrent subscribers share one watch", func(t *testing.T) {
		src := newGatedSource()
		hub := NewHub(src, HubOptions{})
		defer hub.Close()
		var wg sync.WaitGroup
		subs := make([]*Subscriber, 5)
		for i := range subs {
			wg.Go(func() {
				s, err := hub.Subscribe(context.Background(), "alice", nil)
				assert.NoError(t, err)
				subs[i] = s
			})
		}
		<-src.entered
		close(src.gate)
		wg.Wait()
		assert.Equal(t, 1, src.calls())
		assert.Equal(t, 1, src.Watching("alice"))
		require.NoError(t, src.Publish(context.Background(), "alice", statusMsg("b1", 1, t0)))
		for _, s := range subs {
			assert.Equal(t, "b1", next(t, s).BatchID)
		}
	})
	t.Run("a waiter retries when the first subscriber gives up", func(t *testing.T) {
		src := newGatedSource()
		hub := NewHub(src, HubOptions{})
		defer hub.Close()
		ctx, cancel := context.WithCancel(context.Background())
		firstErr := make(chan error, 1)
		go func() {
			_, err := hub.Subscribe(ctx, "alice", nil)
			firstErr <- err
		}()
		<-src.entered
		second := make(chan *Subscriber, 1)
		go func() {
			s, err := hub.Subscribe(context.Background(), "alice", nil)
			assert.NoError(t, err)
			second <- s
		}()
		require.Eventually(t, func() bool { return hub.Stats().Subscribers == 2 }, waitFor, time.Millisecond)
		cancel()
		require.ErrorIs(t, <-firstErr, context.Canceled)
		<-src.entered // the second subscriber's own Watch
		close(src.gate)
		s := <-second
		require.NotNil(t, s)
		assert.Equal(t, Stats{Subscribers: 1, Teachers: 1}, hub.Stats())
		require.NoError(t, src.Publish(context.Background(), "alice", statusMsg("b1", 1, t0)))
		assert.Equal(t, "b1", next(t, s).BatchID)
	})
	t.Run("hub close cancels a watch in flight", func(t *testing.T) {
		src := newGatedSource()
		hub := NewHub(src, HubOptions{})
		errc := make(chan error, 1)
		go func() {
			_, err := hub.Subscribe(context.Background(), "alice", nil)
			errc <- err
		}()
		<-src.entered
		hub.Close()
		require.Error(t, <-errc)
		assert.Equal(t, 0, src.Watching("alice"))
	})
}

func TestHubConcurrentChurn(t *testing.T) {
	bus, hub := newMemoryHub(t, HubOptions{Buffer: 8})
	users := []string{"u0", "u1", "u2"}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ctx.Err() == nil; i++ {
			_ = bus.Publish(ctx, users[i%len(users)], statusMsg(fmt.Sprintf("b%d", i%20), i, t0.Add(time.Duration(i))))
		}
	})
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				s, err := hub.Subscribe(ctx, users[(g+i)%len(users)], nil)
				if err != nil {
					return
				}
				rctx, rcancel := context.WithTimeout(ctx, time.Millisecond)
				for {
					if _, err := s.Next(rctx); err != nil {
						break
					}
				}
				rcancel()
				s.Close()
			}
		})
	}
	time.Sleep(100 * time.Millisecond)
	cancel()
	wg.Wait()
	assert.Equal(t, Stats{}, zeroCounters(hub.Stats()))
	for _, u := range users {
		assert.Equal(t, 0, bus.Watching(u))
	}
}

// zeroCounters keeps only the gauges of st.
func zeroCounters(st Stats) Stats {
	return Stats{Subscribers: st.Subscribers, Teachers: st.Teachers}
}
