package graph

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/essaylab/teacher-bff/graph/model"
	"github.com/essaylab/teacher-bff/internal/auth"
	"github.com/essaylab/teacher-bff/internal/batchstatus"
	"github.com/essaylab/teacher-bff/internal/correlation"
	"github.com/essaylab/teacher-bff/internal/events"
	"github.com/essaylab/teacher-bff/internal/ras"
)

// UpdateSource is what the subscription needs of the event hub.
type UpdateSource interface {
	Subscribe(ctx context.Context, userID string, batchIDs []string) (*events.Subscriber, error)
}

// BatchBase fetches the state of a batch that an event does not carry
// (title, essay count, creation time). Live updates pass it a short-lived
// cache, so a burst of events about one batch costs one RAS call.
type BatchBase interface {
	Base(ctx context.Context, batchID string) (*ras.Batch, error)
	// Fresh asks RAS now, for an event newer than what Base had; what it
	// gets replaces Base's copy.
	Fresh(ctx context.Context, batchID string) (*ras.Batch, error)
}

// errNoUpdates is a wiring fault: the BFF was built without an event hub.
var errNoUpdates = errors.New("graph: live updates are not configured")

// maxSubscribedIDs bounds batchIds: a dashboard watches a page, not more.
const maxSubscribedIDs = 100

func (r *subscriptionResolver) batchStatusChanged(ctx context.Context, batchIDs []string) (<-chan *model.Batch, error) {
	t, err := viewer(ctx)
	if err != nil {
		return nil, err
	}
	if len(batchIDs) > maxSubscribedIDs {
		return nil, badInput("batchIds takes at most %d ids, got %d", maxSubscribedIDs, len(batchIDs))
	}
	for _, id := range batchIDs {
		if err := checkBatchID(id); err != nil {
			return nil, err
		}
	}
	if r.deps.Updates == nil || r.deps.Base == nil {
		return nil, errNoUpdates
	}
	sub, err := r.deps.Updates.Subscribe(ctx, t.ID, batchIDs)
	if err != nil {
		return nil, err
	}
	return startPump(ctx, r, sub, func(ctx context.Context, u events.Update) (*model.Batch, error) {
		b, _, err := r.stateAfter(ctx, t, u)
		return b, err
	}), nil
}

// startPump delivers what next makes of each of sub's updates (nil: none)
// until ctx ends or sub closes.
func startPump[T any](ctx context.Context, r *subscriptionResolver, sub *events.Subscriber, next func(context.Context, events.Update) (*T, error)) <-chan *T {
	p := &pump[T]{r: r, ctx: ctx, sub: sub, next: next, out: make(chan *T)}
	context.AfterFunc(ctx, sub.Close)
	sub.OnReady(p.wake)
	return p.out
}

// pump turns a subscriber's updates into batch states. It holds no
// goroutine while the subscription is idle (most of a subscription's life):
// the hub's readiness callback starts one to drain what is pending, and it
// ends when nothing is. The subscriber coalesces while the goroutine waits
// for the client, so a slow client never holds up the hub.
type pump[T any] struct {
	r    *subscriptionResolver
	ctx  context.Context
	sub  *events.Subscriber
	next func(context.Context, events.Update) (*T, error)
	out  chan *T

	running atomic.Bool // a drain goroutine is running
	ended   atomic.Bool // out is closed
}

// wake is the subscriber's readiness callback: it must not block.
func (p *pump[T]) wake() {
	if !p.ended.Load() && p.running.CompareAndSwap(false, true) {
		go p.drain()
	}
}

func (p *pump[T]) drain() {
	for {
		if p.ctx.Err() != nil {
			// The client has gone: nothing pending is worth fetching.
			p.sub.Close()
		}
		u, ok, err := p.sub.TryNext()
		if err != nil {
			// Closed: the client left or the hub shut down. Closing out
			// ends the subscription for gqlgen; only a running drain
			// sends on or closes out, and only one runs.
			p.ended.Store(true)
			close(p.out)
			p.running.Store(false)
			return
		}
		if !ok {
			p.running.Store(false)
			// An update that arrived after TryNext found its wake while
			// running was still set: look once more before leaving.
			if !p.sub.Pending() || !p.running.CompareAndSwap(false, true) {
				return
			}
			continue
		}
		b, err := p.next(p.ctx, u)
		if err != nil {
			// The next event carries the batch's newest state again; the
			// subscription stays open.
			p.r.deps.Logger.LogAttrs(p.ctx, slog.LevelWarn, "live update skipped",
				slog.String("correlation_id", correlation.FromContext(p.ctx)),
				slog.String("batch_id", u.BatchID),
				slog.String("error", err.Error()))
			continue
		}
		if b == nil {
			continue
		}
		select {
		case p.out <- b:
		case <-p.ctx.Done():
		}
	}
}

// stateAfter is the batch's state after update u: what the event carries,
// over what RAS knows of the batch (returned too). Nil when the batch is not
// the viewer's.
func (r *subscriptionResolver) stateAfter(ctx context.Context, t auth.Teacher, u events.Update) (*model.Batch, *ras.Batch, error) {
	base, err := r.deps.Base.Base(ctx, u.BatchID)
	if errors.Is(err, ras.ErrNotFound) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	if base.UserID != t.ID {
		return nil, nil, nil
	}
	b, err := batchFromRAS(base)
	if err != nil {
		return nil, nil, err
	}
	b.Essays = nil // the event does not say how the essays changed
	if !u.Timestamp.Before(base.LastUpdated) {
		if err := applyUpdate(b, u); err != nil {
			return nil, nil, err
		}
		if u.Timestamp.After(base.LastUpdated) {
			// RAS's internal status predates the event: it may no longer
			// be the batch's.
			b.StatusDetail = nil
		}
	}
	return b, base, nil
}

// applyUpdate lays the event's fields over the batch.
func applyUpdate(b *model.Batch, u events.Update) error {
	status, err := statusToModel(u.Status)
	if err != nil {
		return err
	}
	b.Status = status
	b.CompletedEssays = u.CompletedEssays
	b.FailedEssays = u.FailedEssays
	b.CompletedAt = u.CompletedAt
	b.ProcessingPhase = nil
	if u.Status == batchstatus.Processing && batchstatus.ValidPhase(u.Phase) {
		if b.ProcessingPhase, err = phaseToModel(u.Phase); err != nil {
			return err
		}
	}
	if !u.Timestamp.IsZero() {
		b.UpdatedAt = u.Timestamp.UTC().Truncate(time.Microsecond)
	}
	return nil
}
