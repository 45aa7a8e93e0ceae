// Package model holds the Go types behind the GraphQL schema: the generated
// ones in models_gen.go and the hand-written ones here, which carry the keys
// their relation fields resolve through.
package model

import (
	"context"
	"time"
)

// Teacher is the authenticated viewer. Credits and batches are fields with
// resolvers: they cost an upstream call and are fetched only when asked for.
type Teacher struct {
	ID    string  `json:"id"`
	OrgID *string `json:"orgId,omitempty"`
}

// Batch is one batch as the dashboard shows it. Class, validation and essays
// are fields with resolvers that look the batch up by ID through the
// operation's loaders, so a page of batches costs one lookup per upstream.
type Batch struct {
	ID string `json:"id"`
	// UserID is whose batch this is: every path that hands a batch to a
	// client checks it against the viewer.
	UserID string      `json:"-"`
	Title  string      `json:"title"`
	Status BatchStatus `json:"status"`
	// StatusDetail is RAS's internal status; nil when RAS sent a client
	// status (or, on a live update, when the event is newer than what RAS
	// told us).
	StatusDetail        *BatchStatusDetail `json:"statusDetail,omitempty"`
	ProcessingPhase     *ProcessingPhase   `json:"processingPhase,omitempty"`
	RequestedPipeline   *string            `json:"requestedPipeline,omitempty"`
	TotalEssays         int                `json:"totalEssays"`
	CompletedEssays     int                `json:"completedEssays"`
	FailedEssays        int                `json:"failedEssays"`
	CreatedAt           time.Time          `json:"createdAt"`
	UpdatedAt           time.Time          `json:"updatedAt"`
	ProcessingStartedAt *time.Time         `json:"processingStartedAt,omitempty"`
	CompletedAt         *time.Time         `json:"completedAt,omitempty"`
	// Essays is set when the batch was fetched with its essays (batch(id));
	// a batch from a list page leaves it nil and loads them on demand.
	Essays []*Essay `json:"-"`
}

// DashboardChange is one live change for the dashboard. Its attention and
// counts are fields with resolvers: they cost upstream calls (validation
// status, counts) and are made only when asked for, with the event's
// loaders.
type DashboardChange struct {
	Batch          *Batch       `json:"batch"`
	PreviousStatus *BatchStatus `json:"previousStatus,omitempty"`
	TabChanged     bool         `json:"tabChanged"`
	// Counts answers the counts field for the selected statuses.
	Counts func(ctx context.Context, statuses []string) (*BatchCounts, error) `json:"-"`
}
