// Package model holds the Go types behind the GraphQL schema: the generated
// ones in models_gen.go and the hand-written ones here, which carry the keys
// their relation fields resolve through.
package model

import "time"

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
	UserID              string           `json:"-"`
	Title               string           `json:"title"`
	Status              BatchStatus      `json:"status"`
	ProcessingPhase     *ProcessingPhase `json:"processingPhase,omitempty"`
	RequestedPipeline   *string          `json:"requestedPipeline,omitempty"`
	TotalEssays         int              `json:"totalEssays"`
	CompletedEssays     int              `json:"completedEssays"`
	FailedEssays        int              `json:"failedEssays"`
	CreatedAt           time.Time        `json:"createdAt"`
	UpdatedAt           time.Time        `json:"updatedAt"`
	ProcessingStartedAt *time.Time       `json:"processingStartedAt,omitempty"`
	CompletedAt         *time.Time       `json:"completedAt,omitempty"`
	// Essays is set when the batch was fetched with its essays (batch(id));
	// a batch from a list page leaves it nil and loads them on demand.
	Essays []*Essay `json:"-"`
}
