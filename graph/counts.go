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

// countFields are BatchCounts' per-status fields and their client statuses.
// `all` is their sum, so it needs all seven.
var countFields = map[string]string{
	"pendingContent":        batchstatus.PendingContent,
	"ready":                 batchstatus.Ready,
	"processing":            batchstatus.Processing,
	"completedSuccessfully": batchstatus.CompletedSuccessfully,
	"completedWithFailures": batchstatus.CompletedWithFailures,
	"failed":                batchstatus.Failed,
	"cancelled":             batchstatus.Cancelled,
}

// countedStatuses returns the client statuses the BatchCounts selection of
// the field being resolved asks for, in the contract's order.
func countedStatuses(ctx context.Context) []string {
	want := map[string]bool{}
	for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
		if f.Name == "all" {
			return batchstatus.ClientStatuses()
		}
		if s, ok := countFields[f.Name]; ok {
			want[s] = true
		}
	}
	var out []string
	for _, s := range batchstatus.ClientStatuses() {
		if want[s] {
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
	fields := map[string]*int{
		batchstatus.PendingContent:        &c.PendingContent,
		batchstatus.Ready:                 &c.Ready,
		batchstatus.Processing:            &c.Processing,
		batchstatus.CompletedSuccessfully: &c.CompletedSuccessfully,
		batchstatus.CompletedWithFailures: &c.CompletedWithFailures,
		batchstatus.Failed:                &c.Failed,
		batchstatus.Cancelled:             &c.Cancelled,
	}
	for i, s := range statuses {
		*fields[s] = got[i]
		c.All += got[i]
	}
	return c, nil
}
