package events

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/batchstatus"
)

var t0 = time.Date(2025, 12, 10, 9, 41, 0, 0, time.UTC)

// statusMsg is a batch_status_updated message as RAS sends it.
func statusMsg(batchID string, completed int, ts time.Time) []byte {
	return mustJSON(map[string]any{"event": EventBatchStatusUpdated, "data": map[string]any{
		"batch_id": batchID, "status": "processing", "completed_essays": completed,
		"failed_essays": 0, "processing_phase": "cj_assessment", "completed_at": nil,
		"category": "batch_progress", "priority": "standard", "action_required": false,
		"deadline": nil, "class_id": nil, "correlation_id": "corr-1",
		"timestamp": ts.Format(time.RFC3339Nano),
	}})
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func TestDecode(t *testing.T) {
	done := t0.Add(time.Minute)
	tests := []struct {
		name    string
		msg     string
		want    Update
		wantOK  bool
		wantErr string // substring; "" for no error
	}{
		{
			name: "valid, every field",
			msg: `{"event":"batch_status_updated","data":{"batch_id":"b1","status":"completed_with_failures",
				"completed_essays":23,"failed_essays":1,"processing_phase":null,"completed_at":"2025-12-10T09:42:00Z",
				"category":"processing_results","priority":"high","action_required":false,"deadline":null,
				"class_id":"c1","correlation_id":"corr","timestamp":"2025-12-10T09:41:00Z"}}`,
			want: Update{BatchID: "b1", Status: "completed_with_failures", CompletedEssays: 23, FailedEssays: 1,
				CompletedAt: &done, ClassID: "c1", Timestamp: t0, CorrelationID: "corr"},
			wantOK: true,
		},
		{
			name: "valid, nulls and a phase",
			msg: `{"event":"batch_status_updated","data":{"batch_id":"b2","status":"processing",
				"completed_essays":3,"failed_essays":0,"processing_phase":"spellcheck","completed_at":null,
				"class_id":null,"timestamp":"2025-12-10T10:41:00+01:00"}}`,
			want:   Update{BatchID: "b2", Status: "processing", CompletedEssays: 3, Phase: "spellcheck", Timestamp: t0},
			wantOK: true,
		},
		{
			name:   "internal status maps to its client status",
			msg:    `{"event":"batch_status_updated","data":{"batch_id":"b3","status":"awaiting_student_validation"}}`,
			want:   Update{BatchID: "b3", Status: batchstatus.Processing},
			wantOK: true,
		},
		{name: "other notification type", msg: `{"event":"file_uploaded","data":{"batch_id":"b1","filename":"x.docx"}}`},
		{name: "other type without data", msg: `{"event":"class_changed"}`},
		{name: "not JSON", msg: `batch done!`, wantErr: "envelope"},
		{name: "truncated JSON", msg: `{"event":"batch_status_updated","data":{"batch_id":"b1"`, wantErr: "envelope"},
		{name: "JSON but not an object", msg: `["batch_status_updated"]`, wantErr: "envelope"},
		{name: "JSON null", msg: `null`, wantErr: "no event"},
		{name: "no event", msg: `{"data":{"batch_id":"b1","status":"ready"}}`, wantErr: "no event"},
		{name: "event not a string", msg: `{"event":7,"data":{}}`, wantErr: "envelope"},
		{name: "no data", msg: `{"event":"batch_status_updated"}`, wantErr: "without data"},
		{name: "null data", msg: `{"event":"batch_status_updated","data":null}`, wantErr: "without data"},
		{name: "missing batch_id", msg: `{"event":"batch_status_updated","data":{"status":"ready"}}`, wantErr: "without batch_id"},
		{name: "empty batch_id", msg: `{"event":"batch_status_updated","data":{"batch_id":"","status":"ready"}}`, wantErr: "without batch_id"},
		{name: "batch_id not a string", msg: `{"event":"batch_status_updated","data":{"batch_id":12,"status":"ready"}}`, wantErr: "batch_id"},
		{name: "count not a number", msg: `{"event":"batch_status_updated","data":{"batch_id":"b1","status":"ready","completed_essays":"3"}}`, wantErr: "completed_essays"},
		{name: "count not an integer", msg: `{"event":"batch_status_updated","data":{"batch_id":"b1","status":"ready","failed_essays":1.5}}`, wantErr: "failed_essays"},
		{name: "negative count", msg: `{"event":"batch_status_updated","data":{"batch_id":"b1","status":"ready","failed_essays":-1}}`, wantErr: "negative"},
		{name: "timestamp not a time", msg: `{"event":"batch_status_updated","data":{"batch_id":"b1","status":"ready","timestamp":"yesterday"}}`, wantErr: "data"},
		{name: "data not an object", msg: `{"event":"batch_status_updated","data":"b1"}`, wantErr: "data"},
		{name: "missing status", msg: `{"event":"batch_status_updated","data":{"batch_id":"b1"}}`, wantErr: "no status"},
		{name: "unknown status", msg: `{"event":"batch_status_updated","data":{"batch_id":"b1","status":"exploded"}}`, wantErr: `unknown status "exploded"`},
		{name: "too large", msg: `{"event":"batch_status_updated","data":{"batch_id":"` + strings.Repeat("x", MaxMessageSize) + `"}}`, wantErr: "exceeds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, ok, err := Decode([]byte(tt.msg))
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.ErrorIs(t, err, ErrMalformed)
				assert.Contains(t, err.Error(), tt.wantErr)
				assert.False(t, ok)
				assert.Zero(t, u)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantOK, ok)
			if !tt.wantOK {
				assert.Zero(t, u)
				return
			}
			// time.Time keeps the zone it was parsed in; compare instants.
			assert.True(t, tt.want.Timestamp.Equal(u.Timestamp), "timestamp %v, want %v", u.Timestamp, tt.want.Timestamp)
			tt.want.Timestamp, u.Timestamp = time.Time{}, time.Time{}
			assert.Equal(t, tt.want, u)
		})
	}
}

func TestDecodeKeepsErrorsShort(t *testing.T) {
	// encoding/json quotes a rejected number literal; the error must not
	// carry a large part of the message into the logs.
	msg := `{"event":"batch_status_updated","data":{"batch_id":"b1","status":"ready","completed_essays":1` +
		strings.Repeat("0", 10000) + `}}`
	_, _, err := Decode([]byte(msg))
	require.Error(t, err)
	assert.Less(t, len(err.Error()), 400)
}

func FuzzDecode(f *testing.F) {
	f.Add(statusMsg("b1", 3, t0))
	f.Add([]byte(`{"event":"file_uploaded","data":{}}`))
	f.Add([]byte(`{"event":"batch_status_updated","data":{"batch_id":"b1","status":"ready","failed_essays":-1}}`))
	f.Fuzz(func(t *testing.T, msg []byte) {
		u, ok, err := Decode(msg)
		if err != nil {
			if ok || u != (Update{}) {
				t.Fatalf("error %v with ok=%v, update %+v", err, ok, u)
			}
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			if len(err.Error()) > 600 {
				t.Fatalf("error of %d bytes", len(err.Error()))
			}
			return
		}
		if !ok {
			if u != (Update{}) {
				t.Fatalf("ignored message decoded to %+v", u)
			}
			return
		}
		if len(msg) > MaxMessageSize {
			t.Fatalf("accepted a message of %d bytes", len(msg))
		}
		if u.BatchID == "" || u.CompletedEssays < 0 || u.FailedEssays < 0 {
			t.Fatalf("accepted an invalid update %+v", u)
		}
		if !slices.Contains(batchstatus.ClientStatuses(), u.Status) {
			t.Fatalf("status %q is not a client status", u.Status)
		}
	})
}
