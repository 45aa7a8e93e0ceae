package events

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/essaylab/teacher-bff/internal/batchstatus"
)

// EventBatchStatusUpdated is the only notification type the BFF acts on; the
// teachers' channels carry others (file uploads, class changes, ...) too.
const EventBatchStatusUpdated = "batch_status_updated"

// MaxMessageSize bounds a channel message. A batch status notification is a
// few hundred bytes; anything this large is a fault upstream, and decoding it
// for every teacher's message would let one bad publisher cost us memory.
const MaxMessageSize = 64 << 10

// ErrMalformed is wrapped by every error Decode returns, so callers can tell
// a bad message from their own faults with errors.Is.
var ErrMalformed = errors.New("malformed notification")

// Update is one batch_status_updated event, decoded and checked.
type Update struct {
	BatchID         string
	Status          string // client status (e.g. "processing")
	CompletedEssays int
	FailedEssays    int
	Phase           string // "" when null
	CompletedAt     *time.Time
	ClassID         string    // "" when null
	Timestamp       time.Time // orders events of one batch
	CorrelationID   string
}

// envelope is the shape every notification shares. Data stays raw so that
// other notification types are never decoded beyond their type.
type envelope struct {
	Event *string         `json:"event"`
	Data  json.RawMessage `json:"data"`
}

// wireUpdate is the data of a batch_status_updated message as RAS sends it.
// Pointers tell an absent or null field from a zero one.
type wireUpdate struct {
	BatchID         *string    `json:"batch_id"`
	Status          *string    `json:"status"`
	CompletedEssays int        `json:"completed_essays"`
	FailedEssays    int        `json:"failed_essays"`
	ProcessingPhase *string    `json:"processing_phase"`
	CompletedAt     *time.Time `json:"completed_at"`
	ClassID         *string    `json:"class_id"`
	CorrelationID   *string    `json:"correlation_id"`
	Timestamp       *time.Time `json:"timestamp"`
}

// Decode parses one channel message. It reports ok=false and no error for
// notification types other than batch_status_updated, which the BFF ignores,
// and an error wrapping ErrMalformed for a message that is too large, not a
// JSON object with an event, a batch_status_updated without data.batch_id, or
// with fields of the wrong type or an unknown status. It never panics.
//
// Error messages never quote more than a short prefix of the message, so they
// are safe to log.
func Decode(msg []byte) (u Update, ok bool, err error) {
	if len(msg) > MaxMessageSize {
		return Update{}, false, malformed("message of %d bytes exceeds %d", len(msg), MaxMessageSize)
	}
	var env envelope
	if err := json.Unmarshal(msg, &env); err != nil {
		return Update{}, false, malformed("bad notification envelope: %v", err)
	}
	if env.Event == nil || *env.Event == "" {
		return Update{}, false, malformed("no event type")
	}
	if *env.Event != EventBatchStatusUpdated {
		return Update{}, false, nil
	}

	data := bytes.TrimSpace(env.Data)
	if len(data) == 0 || bytes.Equal(data, []byte("null")) {
		return Update{}, false, malformed("%s without data", EventBatchStatusUpdated)
	}
	var w wireUpdate
	if err := json.Unmarshal(data, &w); err != nil {
		return Update{}, false, malformed("%s data: %v", EventBatchStatusUpdated, err)
	}
	if w.BatchID == nil || *w.BatchID == "" {
		return Update{}, false, malformed("%s without batch_id", EventBatchStatusUpdated)
	}
	if w.Status == nil {
		return Update{}, false, malformed("batch %q: no status", short(*w.BatchID))
	}
	// The contract says events carry a client status; an internal one maps
	// unambiguously, so accept it too. Anything else is an upstream fault.
	status, known := batchstatus.ToClient(*w.Status)
	if !known {
		return Update{}, false, malformed("batch %q: unknown status %q", short(*w.BatchID), short(*w.Status))
	}
	if w.CompletedEssays < 0 || w.FailedEssays < 0 {
		return Update{}, false, malformed("batch %q: negative essay count", short(*w.BatchID))
	}

	u = Update{
		BatchID:         *w.BatchID,
		Status:          status,
		CompletedEssays: w.CompletedEssays,
		FailedEssays:    w.FailedEssays,
		Phase:           deref(w.ProcessingPhase),
		ClassID:         deref(w.ClassID),
		CorrelationID:   deref(w.CorrelationID),
	}
	if w.CompletedAt != nil {
		at := *w.CompletedAt
		u.CompletedAt = &at
	}
	// A missing timestamp stays zero: such an event is never newer than one
	// that has a timestamp, so it cannot overwrite a known state.
	if w.Timestamp != nil {
		u.Timestamp = *w.Timestamp
	}
	return u, true, nil
}

// maxErrDetail bounds an error's text: encoding/json quotes number literals
// from the input, which may be long.
const maxErrDetail = 256

func malformed(format string, args ...any) error {
	detail := fmt.Sprintf(format, args...)
	if len(detail) > maxErrDetail {
		detail = detail[:maxErrDetail] + "…"
	}
	return fmt.Errorf("%w: %s", ErrMalformed, detail)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// short keeps values quoted in errors (and so in logs) small.
func short(s string) string {
	const limit = 64
	if len(s) <= limit {
		return s
	}
	return s[:limit] + "…"
}
