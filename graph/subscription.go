package graph

import (
	"context"
	"errors"

	"github.com/essaylab/teacher-bff/graph/model"
)

func (r *subscriptionResolver) batchStatusChanged(ctx context.Context, batchIDs []string) (<-chan *model.Batch, error) {
	return nil, errors.New("subscriptions are not wired yet")
}
