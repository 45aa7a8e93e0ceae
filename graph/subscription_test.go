package graph_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/graph"
	"github.com/essaylab/teacher-bff/graph/model"
	"github.com/essaylab/teacher-bff/internal/auth"
	"github.com/essaylab/teacher-bff/internal/devstack"
	"github.com/essaylab/teacher-bff/internal/events"
	"github.com/essaylab/teacher-bff/internal/ras"
	"github.com/essaylab/teacher-bff/internal/upstream"
)

// rasBase serves batch bases straight from RAS (no cache), so the test
// sees every state the store had.
type rasBase struct{ c *ras.Client }

func (b rasBase) Base(ctx context.Context, id string) (*ras.Batch, error) {
	return b.c.GetBatch(ctx, id)
}

func (b rasBase) Fresh(ctx context.Context, id string) (*ras.Batch, error) { return b.Base(ctx, id) }

// A client that does not read while a batch changes many times gets that
// batch's newest state, not a backlog, and no event out of order.
func TestSlowSubscriberGetsNewestStates(t *testing.T) {
	stack, err := devstack.Start(devstack.Options{Now: time.Date(2025, 12, 10, 10, 0, 0, 0, time.UTC), Seed: 1})
	require.NoError(t, err)
	t.Cleanup(func() { _ = stack.Close() })
	client, err := ras.New(upstream.Config{BaseURL: stack.RAS.URL, APIKey: devstack.DefaultAPIKey, ServiceID: "test", Timeout: 5 * time.Second})
	require.NoError(t, err)
	bus := events.NewMemoryBus()
	hub := events.NewHub(bus, events.HubOptions{Buffer: 8})
	t.Cleanup(hub.Close)

	r := graph.NewResolver(graph.Deps{Updates: hub, Base: rasBase{client}})
	ctx, cancel := context.WithCancel(auth.WithTeacher(context.Background(), auth.Teacher{ID: devstack.TeacherWithOrg}))
	defer cancel()
	ch, err := r.Subscription().BatchStatusChanged(ctx, nil)
	require.NoError(t, err)
	require.Eventually(t, func() bool { return hub.Stats().Subscribers == 1 }, 5*time.Second, 5*time.Millisecond)

	// Three processing batches, each advanced essay by essay, 3×N events,
	// while the client reads nothing.
	var ids []string
	for _, id := range stack.Store.BatchIDs(devstack.TeacherWithOrg) {
		if b, _ := stack.Store.Batch(id); b.Status == devstack.StatusProcessingPipelines && len(b.Essays) >= 6 {
			ids = append(ids, id)
		}
		if len(ids) == 3 {
			break
		}
	}
	require.Len(t, ids, 3)
	published := 0
	for step := 0; step < 6; step++ {
		for _, id := range ids {
			b, _ := stack.Store.Batch(id)
			require.NoError(t, stack.Store.SetEssayStatus(id, b.Essays[step].ID, devstack.EssayFailed, ""))
			require.NoError(t, stack.Store.PublishStatus(context.Background(), bus, id))
			published++
		}
	}
	require.Eventually(t, func() bool { return hub.Stats().Coalesced > 0 }, 5*time.Second, 5*time.Millisecond)

	newest := map[string]*model.Batch{}
	received := 0
	for len(newest) < 3 || !allNewest(stack, newest) {
		select {
		case b := <-ch:
			received++
			if prev := newest[b.ID]; prev != nil {
				assert.False(t, b.UpdatedAt.Before(prev.UpdatedAt), "never backwards in time")
			}
			newest[b.ID] = b
		case <-time.After(5 * time.Second):
			t.Fatalf("newest states never arrived; got %d of %d events", received, published)
		}
	}
	assert.Less(t, received, published, "updates were coalesced")
	for _, id := range ids {
		want, _ := stack.Store.Batch(id)
		assert.Equal(t, want.FailedEssays(), newest[id].FailedEssays, "batch %s ends at its newest state", id)
	}
}

func allNewest(stack *devstack.Stack, got map[string]*model.Batch) bool {
	for id, b := range got {
		want, _ := stack.Store.Batch(id)
		if b.FailedEssays != want.FailedEssays() {
			return false
		}
	}
	return true
}

// A subscription without identity, or with malformed ids, is refused.
func TestSubscriptionArguments(t *testing.T) {
	hub := events.NewHub(events.NewMemoryBus(), events.HubOptions{})
	t.Cleanup(hub.Close)
	r := graph.NewResolver(graph.Deps{Updates: hub, Base: rasBase{}})
	_, err := r.Subscription().BatchStatusChanged(context.Background(), nil)
	assert.ErrorIs(t, err, auth.ErrNotAuthenticated)
	ctx := auth.WithTeacher(context.Background(), auth.Teacher{ID: "teacher-1"})
	_, err = r.Subscription().BatchStatusChanged(ctx, []string{"not-a-uuid"})
	assert.ErrorContains(t, err, "not a batch id")
}

// An idle subscription holds no goroutine of its own; closing the hub ends
// every subscription's channel.
func TestIdleSubscriptionsHoldNoGoroutine(t *testing.T) {
	hub := events.NewHub(events.NewMemoryBus(), events.HubOptions{})
	r := graph.NewResolver(graph.Deps{Updates: hub, Base: rasBase{}})
	ctx, cancel := context.WithCancel(auth.WithTeacher(context.Background(), auth.Teacher{ID: "teacher-idle"}))
	defer cancel()

	// The first subscription starts the teacher's watch; count after it.
	first, err := r.Subscription().BatchStatusChanged(ctx, nil)
	require.NoError(t, err)
	before := runtime.NumGoroutine()
	var chans []<-chan *model.Batch
	for range 100 {
		ch, err := r.Subscription().BatchStatusChanged(ctx, nil)
		require.NoError(t, err)
		chans = append(chans, ch)
	}
	assert.LessOrEqual(t, runtime.NumGoroutine()-before, 0, "100 idle subscriptions, no goroutine each")

	hub.Close()
	for _, ch := range append(chans, first) {
		select {
		case _, open := <-ch:
			assert.False(t, open)
		case <-time.After(5 * time.Second):
			t.Fatal("a subscription outlived its hub")
		}
	}
}
