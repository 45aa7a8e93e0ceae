package graph

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/99designs/gqlgen/graphql"

	"github.com/essaylab/teacher-bff/graph/model"
	"github.com/essaylab/teacher-bff/internal/batchstatus"
	"github.com/essaylab/teacher-bff/internal/loaders"
	"github.com/essaylab/teacher-bff/internal/ras"
)

// countFields are BatchCounts' per-status fields by the client status they
// count: the field's name, and where its count goes. `all` is their sum,
// so it needs all seven.
var countFields = map[string]struct {
	name string
	of   func(*model.BatchCounts) *int
}{
	batchstatus.PendingContent:        {"pendingContent", func(c *model.BatchCounts) *int { return &c.PendingContent }},
	batchstatus.Ready:                 {"ready", func(c *model.BatchCounts) *int { return &c.Ready }},
	batchstatus.Processing:            {"processing", func(c *model.BatchCounts) *int { return &c.Processing }},
	batchstatus.CompletedSuccessfully: {"completedSuccessfully", func(c *model.BatchCounts) *int { return &c.CompletedSuccessfully }},
	batchstatus.CompletedWithFailures: {"completedWithFailures", func(c *model.BatchCounts) *int { return &c.CompletedWithFailures }},
	batchstatus.Failed:                {"failed", func(c *model.BatchCounts) *int { return &c.Failed }},
	batchstatus.Cancelled:             {"cancelled", func(c *model.BatchCounts) *int { return &c.Cancelled }},
}

// countedStatuses returns the client statuses the BatchCounts selection of
// the field being resolved asks for, in the contract's order.
func countedStatuses(ctx context.Context) []string {
	selected := map[string]bool{}
	for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
		selected[f.Name] = true
	}
	if selected["all"] {
		return batchstatus.ClientStatuses()
	}
	var out []string
	for _, s := range batchstatus.ClientStatuses() {
		if selected[countFields[s].name] {
			out = append(out, s)
		}
	}
	return out
}

// countBatches counts userID's batches in each of the client statuses, in
// parallel. The contract has no count call: a list call of one row per
// status (the smallest page it allows; `limit=0` is out of range) answers
// its `total`. The fewest calls for the seven counts is seven, since one
// call's total counts one filter, and a filter with several statuses counts
// their sum. A status that a page of the same operation lists costs nothing:
// loaders.Total hands over that page's total. Statuses not asked for stay 0
// (their fields are not selected).
func (r *Resolver) countBatches(ctx context.Context, userID string, statuses []string) (*model.BatchCounts, error) {
	got := make([]int, len(statuses))
	errs := make([]error, len(statuses))
	var wg sync.WaitGroup
	for i, s := range statuses {
		wg.Go(func() {
			internal := batchstatus.Internal(s)
			got[i], errs[i] = loaders.Total(ctx, filterKey(internal), func(ctx context.Context) (int, error) {
				p, err := r.deps.RAS.ListBatches(ctx, ras.ListParams{UserID: userID, Limit: 1, Statuses: internal})
				if err != nil {
					return 0, fmt.Errorf("graph: count %s batches: %w", s, err)
				}
				return p.Total, nil
			})
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	c := &model.BatchCounts{}
	for i, s := range statuses {
		*countFields[s].of(c) = got[i]
		c.All += got[i]
	}
	return c, nil
}
