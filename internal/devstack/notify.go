package devstack

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/essaylab/teacher-bff/internal/events"
)

// Notification types on a teacher's channel.
const (
	EventBatchStatusUpdated = "batch_status_updated"
	// EventFileUploaded is one of the notifications the BFF must ignore.
	EventFileUploaded = "file_uploaded"
)

// Notification is one message on a teacher's channel.
type Notification struct {
	Event string `json:"event"`
	Data  any    `json:"data"`
}

// BatchStatusUpdated is the data of a batch_status_updated notification.
type BatchStatusUpdated struct {
	BatchID         string     `json:"batch_id"`
	Status          string     `json:"status"` // client status
	CompletedEssays int        `json:"completed_essays"`
	FailedEssays    int        `json:"failed_essays"`
	ProcessingPhase *string    `json:"processing_phase"`
	CompletedAt     *time.Time `json:"completed_at"`
	Category        string     `json:"category"`
	Priority        string     `json:"priority"`
	ActionRequired  bool       `json:"action_required"`
	Deadline        *time.Time `json:"deadline"`
	ClassID         *string    `json:"class_id"`
	CorrelationID   string     `json:"correlation_id"`
	Timestamp       time.Time  `json:"timestamp"`
}

// FileUploaded is the data of a file_uploaded notification.
type FileUploaded struct {
	BatchID       string    `json:"batch_id"`
	FileUploadID  string    `json:"file_upload_id"`
	Filename      string    `json:"filename"`
	UploadStatus  string    `json:"upload_status"`
	CorrelationID string    `json:"correlation_id"`
	Timestamp     time.Time `json:"timestamp"`
}

// StatusEvent is the batch_status_updated message for the batch's current
// state, stamped with its LastUpdated.
func (s *Store) StatusEvent(batchID string) ([]byte, error) {
	b, ok := s.Batch(batchID)
	if !ok {
		return nil, fmt.Errorf("status event for batch %q: %w", batchID, ErrNotFound)
	}
	return statusMessage(b, s.seed)
}

// PublishStatus publishes the batch's current state on its teacher's
// channel, for tests that change the store and then announce it.
func (s *Store) PublishStatus(ctx context.Context, pub events.Publisher, batchID string) error {
	b, ok := s.Batch(batchID)
	if !ok {
		return fmt.Errorf("publish status of batch %q: %w", batchID, ErrNotFound)
	}
	msg, err := statusMessage(b, s.seed)
	if err != nil {
		return err
	}
	if err := pub.Publish(ctx, b.UserID, msg); err != nil {
		return fmt.Errorf("publish status of batch %q: %w", batchID, err)
	}
	return nil
}

func statusMessage(b Batch, seed int64) ([]byte, error) {
	msg, err := json.Marshal(Notification{Event: EventBatchStatusUpdated, Data: statusUpdate(b, seed)})
	if err != nil {
		return nil, fmt.Errorf("encode status event of batch %q: %w", b.ID, err)
	}
	return msg, nil
}

// statusUpdate is the event RAS sends for b. The phase is the one the BFF
// would show: events carry a client status, which cannot tell
// processing_pipelines from the other processing statuses, so RAS leaves
// the phase out itself where it means nothing.
func statusUpdate(b Batch, seed int64) BatchStatusUpdated {
	client := clientStatus(b.Status)
	ev := BatchStatusUpdated{
		BatchID:         b.ID,
		Status:          client,
		CompletedEssays: b.CompletedEssays(),
		FailedEssays:    b.FailedEssays(),
		CompletedAt:     utcPtr(b.ProcessingCompletedAt),
		Category:        "batch_progress",
		Priority:        "standard",
		ClassID:         nonEmpty(b.ClassID),
		CorrelationID:   eventID(seed, b.ID, b.LastUpdated),
		Timestamp:       b.LastUpdated.UTC(),
	}
	if b.Status == StatusProcessingPipelines {
		ev.ProcessingPhase = nonEmpty(b.CurrentPhase())
	}
	switch client {
	case clientCompletedSuccessfully:
		ev.Category = "processing_results"
	case clientCompletedWithFailures, clientFailed:
		ev.Category, ev.Priority = "processing_results", "high"
	}
	if v := b.Validation(); b.Status == StatusAwaitingStudentValidation && v != nil && v.DeviationCount > 0 {
		ev.Category, ev.Priority, ev.ActionRequired = "student_workflow", "immediate", true
		ev.Deadline = utcPtr(v.AutoConfirmDeadline)
	}
	return ev
}

func fileUploadedMessage(b Batch, e Essay, seed int64, at time.Time) ([]byte, error) {
	msg, err := json.Marshal(Notification{Event: EventFileUploaded, Data: FileUploaded{
		BatchID:       b.ID,
		FileUploadID:  uuid.NewSHA1(idSpace, fmt.Appendf(nil, "%d/upload/%s", seed, e.ID)).String(),
		Filename:      e.Filename,
		UploadStatus:  "completed",
		CorrelationID: eventID(seed, e.ID, at),
		Timestamp:     at.UTC(),
	}})
	if err != nil {
		return nil, fmt.Errorf("encode file upload event of batch %q: %w", b.ID, err)
	}
	return msg, nil
}

// eventID is a deterministic correlation id, so that two runs with the same
// seed publish byte-identical messages.
func eventID(seed int64, subject string, at time.Time) string {
	return uuid.NewSHA1(idSpace, fmt.Appendf(nil, "%d/event/%s/%d", seed, subject, at.UnixNano())).String()
}
