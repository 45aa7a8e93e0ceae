package graph

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/essaylab/teacher-bff/graph/model"
	"github.com/essaylab/teacher-bff/internal/batchstatus"
	"github.com/essaylab/teacher-bff/internal/cms"
	"github.com/essaylab/teacher-bff/internal/loaders"
	"github.com/essaylab/teacher-bff/internal/ras"
)

// What needs the teacher, and how it is found with a bounded number of
// upstream calls:
//
//   - Student matches to confirm: batches whose internal status is
//     awaiting_student_validation and whose validation status (CMS) has
//     deviations pending with an auto-confirm deadline. One list call with
//     status=awaiting_student_validation reads up to 100 candidates; when
//     the teacher has more, a second call reads the 100 oldest instead
//     (the deadline runs from matching, so the oldest come due first) and
//     the answer says it is not complete. Their validation status comes
//     from the operation's validation loader, in the same CMS call as the
//     other pages' batches.
//   - Failed batches: client status FAILED (content_ingestion_failed,
//     failed_critically), newest first; one list call of `first` rows,
//     whose total is also the operation's FAILED count.
//
// So the field costs 2 result aggregator calls (3 with more than 100
// batches awaiting validation) and shares the operation's CMS calls.
const maxAwaitingCandidates = ras.MaxLimit

// Page bounds of Teacher.needsAttention.
const (
	defaultAttention = 20
	maxAttention     = 100
)

func (r *teacherResolver) needsAttention(ctx context.Context, obj *model.Teacher, first *int) (*model.NeedsAttention, error) {
	arrived := false
	defer func() {
		if !arrived {
			loaders.PageLoaded(ctx, nil)
		}
	}()
	failedStatuses := batchstatus.Internal(batchstatus.Failed)
	failedTotal, listed := 0, false
	defer func() { loaders.ListTotal(ctx, filterKey(failedStatuses), failedTotal, listed) }()

	n := defaultAttention
	if first != nil {
		n = *first
	}
	if n < 1 || n > maxAttention {
		return nil, badInput("first must be between 1 and %d, got %d", maxAttention, n)
	}

	var (
		wg                     sync.WaitGroup
		awaiting               []ras.Batch
		awaitingTotal          int
		failed                 ras.Page
		errAwaiting, errFailed error
	)
	wg.Go(func() { awaiting, awaitingTotal, errAwaiting = r.awaitingValidation(ctx, obj.ID) })
	wg.Go(func() {
		failed, errFailed = r.deps.RAS.ListBatches(ctx, ras.ListParams{UserID: obj.ID, Limit: n, Statuses: failedStatuses})
	})
	wg.Wait()
	if errFailed == nil {
		failedTotal, listed = failed.Total, true
	}
	if errAwaiting != nil {
		return nil, errAwaiting
	}
	if errFailed != nil {
		return nil, fmt.Errorf("graph: list failed batches: %w", errFailed)
	}

	ids := make([]string, 0, len(awaiting)+len(failed.Batches))
	for _, b := range awaiting {
		ids = append(ids, b.ID)
	}
	for _, b := range failed.Batches {
		ids = append(ids, b.ID)
	}
	arrived = true
	loaders.PageLoaded(ctx, ids)

	items := make([]*model.AttentionItem, 0, len(awaiting)+len(failed.Batches))
	for i := range awaiting {
		v, err := loaders.Validation(ctx, awaiting[i].ID)
		if err != nil {
			return nil, err
		}
		deadline, ok := confirmationDue(awaiting[i].Status, v)
		if !ok {
			continue
		}
		b, err := ownBatch(obj.ID, &awaiting[i])
		if err != nil {
			return nil, err
		}
		items = append(items, &model.AttentionItem{Reason: model.AttentionReasonConfirmStudentMatches, Deadline: &deadline, Batch: b})
	}
	slices.SortStableFunc(items, func(a, b *model.AttentionItem) int {
		// Soonest deadline first; RAS order (newest first) among equals.
		return a.Deadline.Compare(*b.Deadline)
	})
	confirm := len(items)
	for i := range failed.Batches {
		b, err := ownBatch(obj.ID, &failed.Batches[i])
		if err != nil {
			return nil, err
		}
		items = append(items, &model.AttentionItem{Reason: model.AttentionReasonFailed, Batch: b})
	}
	return &model.NeedsAttention{
		TotalCount: confirm + failed.Total,
		Complete:   awaitingTotal <= maxAwaitingCandidates,
		Items:      items[:min(n, len(items))],
	}, nil
}

// awaitingValidation lists the teacher's batches awaiting student
// validation: all of them when they are at most maxAwaitingCandidates, else
// the oldest maxAwaitingCandidates. It returns them and how many there are.
func (r *Resolver) awaitingValidation(ctx context.Context, userID string) ([]ras.Batch, int, error) {
	p := ras.ListParams{UserID: userID, Limit: maxAwaitingCandidates, Statuses: []string{batchstatus.AwaitingStudentValidation}}
	page, err := r.deps.RAS.ListBatches(ctx, p)
	if err != nil {
		return nil, 0, fmt.Errorf("graph: list batches awaiting validation: %w", err)
	}
	if page.Total <= maxAwaitingCandidates {
		return page.Batches, page.Total, nil
	}
	p.Offset = page.Total - maxAwaitingCandidates
	oldest, err := r.deps.RAS.ListBatches(ctx, p)
	if err != nil {
		return nil, 0, fmt.Errorf("graph: list oldest batches awaiting validation: %w", err)
	}
	return oldest.Batches, max(page.Total, oldest.Total), nil
}

// confirmationDue reports whether a batch in internal status `status` with
// validation v waits for the teacher to confirm student matches, and until
// when: awaiting student validation, with deviations pending and a deadline.
func confirmationDue(status string, v *cms.ValidationStatus) (time.Time, bool) {
	if status != batchstatus.AwaitingStudentValidation || v == nil || v.DeviationCount == 0 || v.AutoConfirmDeadline == nil {
		return time.Time{}, false
	}
	return *v.AutoConfirmDeadline, true
}

// ownBatch converts a listed batch, refusing one of another teacher (an
// upstream fault the client already checks).
func ownBatch(userID string, b *ras.Batch) (*model.Batch, error) {
	if b.UserID != userID {
		return nil, fmt.Errorf("graph: ras listed batch %s of another user for %s", b.ID, userID)
	}
	return batchFromRAS(b)
}
