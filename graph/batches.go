package graph

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/essaylab/teacher-bff/graph/model"
	"github.com/essaylab/teacher-bff/internal/auth"
	"github.com/essaylab/teacher-bff/internal/ras"
)

// Page bounds of Teacher.batches, as the contract gives them.
const (
	defaultLimit = 20
	maxLimit     = 100
)

// viewer is the authenticated teacher of the operation.
func viewer(ctx context.Context) (auth.Teacher, error) {
	t, ok := auth.TeacherFrom(ctx)
	if !ok {
		return auth.Teacher{}, auth.ErrNotAuthenticated
	}
	return t, nil
}

// checkBatchID refuses an id that cannot name a batch before any upstream
// is asked about it.
func checkBatchID(id string) error {
	if _, err := uuid.Parse(id); err != nil {
		return badInput("id %q is not a batch id (a UUID)", truncate(id, 64))
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// pageParams checks the page arguments (absent or null means the default)
// and turns them into a RAS query.
func pageParams(userID string, limit, offset *int, status *model.BatchStatus) (ras.ListParams, error) {
	p := ras.ListParams{UserID: userID, Limit: defaultLimit, Statuses: internalStatuses(status)}
	if limit != nil {
		p.Limit = *limit
	}
	if offset != nil {
		p.Offset = *offset
	}
	if p.Limit < 1 || p.Limit > maxLimit {
		return p, badInput("limit must be between 1 and %d, got %d", maxLimit, p.Limit)
	}
	if p.Offset < 0 {
		return p, badInput("offset must be 0 or more, got %d", p.Offset)
	}
	return p, nil
}

// connectionFromPage builds the page. A batch of another teacher in the
// answer is an upstream fault: the page fails rather than show it.
func connectionFromPage(userID string, p ras.ListParams, page ras.Page) (*model.BatchConnection, error) {
	nodes := make([]*model.Batch, len(page.Batches))
	for i := range page.Batches {
		b := &page.Batches[i]
		if b.UserID != userID {
			return nil, fmt.Errorf("graph: ras listed batch %s of another user for %s", b.ID, userID)
		}
		n, err := batchFromRAS(b)
		if err != nil {
			return nil, err
		}
		nodes[i] = n
	}
	return &model.BatchConnection{
		TotalCount:  page.Total,
		Limit:       p.Limit,
		Offset:      p.Offset,
		HasNextPage: p.Offset+len(nodes) < page.Total,
		Nodes:       nodes,
	}, nil
}

// ownedBatch fetches a batch of the viewer through the operation's loader
// (load: loaders.Batch, or loaders.BatchNow when no other key can join).
// Nil, without an error, when there is none or it is another teacher's: the
// caller cannot tell the two apart.
func (r *Resolver) ownedBatch(ctx context.Context, id string, load func(context.Context, string) (*ras.Batch, error)) (*ras.Batch, error) {
	t, err := viewer(ctx)
	if err != nil {
		return nil, err
	}
	b, err := load(ctx, id)
	switch {
	case errors.Is(err, ras.ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, err
	case b.UserID != t.ID:
		return nil, nil
	}
	return b, nil
}
