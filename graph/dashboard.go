package graph

import (
	"context"
	"slices"
	"sync"

	"github.com/essaylab/teacher-bff/graph/model"
	"github.com/essaylab/teacher-bff/internal/auth"
	"github.com/essaylab/teacher-bff/internal/batchstatus"
	"github.com/essaylab/teacher-bff/internal/events"
	"github.com/essaylab/teacher-bff/internal/loaders"
)

// maxSeenBatches bounds what one dashboardChanged subscription remembers
// of batch statuses; past it, it forgets them all (the next change of each
// then has no previous status and refreshes the counts).
const maxSeenBatches = 10_000

// dashboard is one dashboardChanged subscription: it turns the viewer's
// batch events into changes of tab, needs-attention membership and counts.
// Events come from the same hub as batchStatusChanged; no upstream is
// polled. Per event it costs what batchStatusChanged costs (the batch's
// base from the short-lived cache), plus:
//   - a fresh batch from RAS when the event is newer than the cached base
//     and the batch is PROCESSING (only RAS's internal status tells whether
//     it awaits student validation);
//   - its validation status (CMS, short-lived cache) when it awaits
//     student validation and the client selected `attention`;
//   - the counts (one RAS list call per selected status, in parallel) when
//     the batch may have changed tab and the client selected them.
type dashboard struct {
	r       *subscriptionResolver
	teacher auth.Teacher

	mu     sync.Mutex
	seen   map[string]model.BatchStatus // batch id → status last delivered
	counts *model.BatchCounts           // the counts last delivered, of countsOf
	of     []string                     // the statuses counts holds
}

func (r *subscriptionResolver) dashboardChanged(ctx context.Context) (<-chan *model.DashboardChange, error) {
	t, err := viewer(ctx)
	if err != nil {
		return nil, err
	}
	if r.deps.Updates == nil || r.deps.Base == nil {
		return nil, errNoUpdates
	}
	sub, err := r.deps.Updates.Subscribe(ctx, t.ID, nil)
	if err != nil {
		return nil, err
	}
	d := &dashboard{r: r, teacher: t, seen: map[string]model.BatchStatus{}}
	return startPump(ctx, r, sub, d.change), nil
}

// change is the dashboard's view of update u; nil when the batch is not
// the viewer's.
func (d *dashboard) change(ctx context.Context, u events.Update) (*model.DashboardChange, error) {
	b, base, err := d.r.stateAfter(ctx, d.teacher, u)
	if err != nil || b == nil {
		return nil, err
	}
	if b.Status == model.BatchStatusProcessing && u.Timestamp.After(base.LastUpdated) {
		// The cached base predates the event: only RAS's internal status
		// tells whether the batch awaits student validation now.
		fresh, err := d.r.deps.Base.Fresh(ctx, u.BatchID)
		if err != nil {
			return nil, err
		}
		if fresh.UserID != d.teacher.ID {
			return nil, nil
		}
		if fresh.ClientStatus == batchstatus.Processing && !fresh.LastUpdated.Before(u.Timestamp) {
			b.StatusDetail = statusDetail(fresh.Status)
		}
	}

	d.mu.Lock()
	prev, known := d.seen[b.ID]
	if len(d.seen) >= maxSeenBatches && !known {
		clear(d.seen)
	}
	d.seen[b.ID] = b.Status
	d.mu.Unlock()

	c := &model.DashboardChange{Batch: b, TabChanged: !known || prev != b.Status}
	if known {
		c.PreviousStatus = &prev
	}
	tabChanged := c.TabChanged
	c.Counts = func(ctx context.Context, statuses []string) (*model.BatchCounts, error) {
		return d.countsAfter(ctx, tabChanged, statuses)
	}
	return c, nil
}

// countsAfter returns the counts after a change: those delivered last when
// the change moved no batch between tabs, else counted anew.
func (d *dashboard) countsAfter(ctx context.Context, tabChanged bool, statuses []string) (*model.BatchCounts, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !tabChanged && d.counts != nil && covers(d.of, statuses) {
		c := *d.counts
		return &c, nil
	}
	d.counts, d.of = nil, nil
	c, err := d.r.countBatches(ctx, d.teacher.ID, statuses)
	if err != nil {
		return nil, err
	}
	d.counts, d.of = c, statuses
	out := *c
	return &out, nil
}

func covers(have, want []string) bool {
	for _, s := range want {
		if !slices.Contains(have, s) {
			return false
		}
	}
	return true
}

// attentionOf is b's needs-attention item; nil when it needs nothing. A
// PROCESSING batch whose internal status is unknown (its detail is nil)
// needs nothing as far as the BFF can tell.
func attentionOf(ctx context.Context, b *model.Batch) (*model.AttentionItem, error) {
	switch {
	case b.Status == model.BatchStatusFailed:
		return &model.AttentionItem{Reason: model.AttentionReasonFailed, Batch: b}, nil
	case b.StatusDetail == nil || *b.StatusDetail != model.BatchStatusDetailAwaitingStudentValidation:
		return nil, nil
	}
	v, err := loaders.Validation(ctx, b.ID)
	if err != nil {
		return nil, err
	}
	deadline, ok := confirmationDue(batchstatus.AwaitingStudentValidation, v)
	if !ok {
		return nil, nil
	}
	return &model.AttentionItem{Reason: model.AttentionReasonConfirmStudentMatches, Deadline: &deadline, Batch: b}, nil
}
