package ras

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// batchFields is a valid batch of the contract's example; tests change it
// with overrides, where a nil value means "delete the field".
func batchFields(overrides map[string]any) map[string]any {
	b := map[string]any{
		"batch_id":                "5b0d7c1e-0000-4000-8000-000000000001",
		"user_id":                 "teacher-1",
		"title":                   "Argumenterande text",
		"assignment_id":           "a1f",
		"overall_status":          "processing_pipelines",
		"essay_count":             24,
		"completed_essay_count":   12,
		"failed_essay_count":      1,
		"requested_pipeline":      "cj_assessment",
		"current_phase":           "cj_assessment",
		"created_at":              "2025-12-10T09:15:00Z",
		"last_updated":            "2025-12-10T09:40:00Z",
		"processing_started_at":   "2025-12-10T09:20:00Z",
		"processing_completed_at": nil,
	}
	for k, v := range overrides {
		if v == nil {
			delete(b, k)
		} else {
			b[k] = v
		}
	}
	return b
}

func pageJSON(t testing.TB, batches ...map[string]any) []byte {
	t.Helper()
	if batches == nil {
		batches = []map[string]any{}
	}
	return mustJSON(t, map[string]any{"batches": batches, "pagination": map[string]any{"limit": 20, "offset": 0, "total": 57}})
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// jsonNull marks a field sent as an explicit null (a nil override deletes it).
var jsonNull = json.RawMessage("null")

func TestDecodeBatchPageValid(t *testing.T) {
	p, err := decodeBatchPage(pageJSON(t, batchFields(nil)))
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if p.Limit != 20 || p.Offset != 0 || p.Total != 57 || len(p.Batches) != 1 {
		t.Fatalf("page = %+v", p)
	}
	b := p.Batches[0]
	started := time.Date(2025, 12, 10, 9, 20, 0, 0, time.UTC)
	if b.ID != "5b0d7c1e-0000-4000-8000-000000000001" || b.UserID != "teacher-1" ||
		b.Title != "Argumenterande text" || b.AssignmentID != "a1f" ||
		b.Status != "processing_pipelines" || b.ClientStatus != "processing" || b.Phase != "cj_assessment" ||
		b.RequestedPipeline != "cj_assessment" || b.EssayCount != 24 || b.CompletedEssayCount != 12 ||
		b.FailedEssayCount != 1 || !b.CreatedAt.Equal(time.Date(2025, 12, 10, 9, 15, 0, 0, time.UTC)) ||
		!b.LastUpdated.Equal(time.Date(2025, 12, 10, 9, 40, 0, 0, time.UTC)) ||
		b.ProcessingStartedAt == nil || !b.ProcessingStartedAt.Equal(started) ||
		b.ProcessingCompletedAt != nil || b.Essays != nil {
		t.Errorf("batch = %+v", b)
	}

	// Optional fields absent or null.
	opt := map[string]any{"title": nil, "assignment_id": jsonNull, "requested_pipeline": nil,
		"current_phase": jsonNull, "processing_started_at": nil, "processing_completed_at": nil}
	p, err = decodeBatchPage(pageJSON(t, batchFields(opt)))
	if err != nil {
		t.Fatalf("decode without optional fields: %v", err)
	}
	if b := p.Batches[0]; b.AssignmentID != "" || b.Phase != "" || b.RequestedPipeline != "" ||
		b.ProcessingStartedAt != nil || b.Title != untitled {
		t.Errorf("batch without optional fields = %+v", b)
	}

	if p, err := decodeBatchPage(pageJSON(t)); err != nil || len(p.Batches) != 0 {
		t.Errorf("empty page = %+v, %v", p, err)
	}
}

func TestDecodeBatchPageRejects(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string // substring of the error
	}{
		{"not JSON", `{"batches": [`, "decode"},
		{"top-level null", `null`, "batches: missing"},
		{"top-level array", `[]`, "decode"},
		{"batches null", `{"batches": null, "pagination": {"limit":1,"offset":0,"total":0}}`, "batches: missing"},
		{"batches an object", `{"batches": {}, "pagination": {"limit":1,"offset":0,"total":0}}`, "decode"},
		{"pagination missing", `{"batches": []}`, "pagination: missing"},
		{"pagination.total missing", `{"batches": [], "pagination": {"limit":1,"offset":0}}`, "pagination.total: missing"},
		{"pagination.total a string", `{"batches": [], "pagination": {"limit":1,"offset":0,"total":"5"}}`, "decode"},
		{"pagination.offset negative", `{"batches": [], "pagination": {"limit":1,"offset":-1,"total":0}}`, "negative"},
		{"null batch", `{"batches": [null], "pagination": {"limit":1,"offset":0,"total":1}}`, "batches[0]: batch_id: missing"},
	}
	bad := func(name string, overrides map[string]any, want string) {
		tests = append(tests, struct{ name, body, want string }{name, string(pageJSON(t, batchFields(nil), batchFields(overrides))), want})
	}
	for _, f := range []string{"batch_id", "user_id", "overall_status", "essay_count", "completed_essay_count",
		"failed_essay_count", "created_at", "last_updated"} {
		bad(f+" missing", map[string]any{f: nil}, "batches[1]: "+f+": missing")
		bad(f+" null", map[string]any{f: jsonNull}, "batches[1]: "+f+": missing")
	}
	bad("empty batch_id", map[string]any{"batch_id": ""}, "batch_id: empty")
	bad("empty user_id", map[string]any{"user_id": ""}, "user_id: empty")
	bad("batch_id a number", map[string]any{"batch_id": 5}, "decode")
	bad("essay_count a string", map[string]any{"essay_count": "24"}, "decode")
	bad("essay_count fractional", map[string]any{"essay_count": 2.5}, "decode")
	bad("essay_count negative", map[string]any{"essay_count": -1}, "essay_count: -1 is negative")
	bad("title a number", map[string]any{"title": 7}, "decode")
	bad("unknown status", map[string]any{"overall_status": "queued"}, `overall_status: unknown value "queued"`)
	bad("unknown phase", map[string]any{"current_phase": "grading"}, `current_phase: unknown value "grading"`)
	bad("unknown phase, hidden status", map[string]any{"overall_status": "ready_for_pipeline_execution",
		"current_phase": "grading"}, "current_phase: unknown value")
	bad("timestamp without zone", map[string]any{"created_at": "2025-12-10T09:15:00"}, "created_at: not an RFC 3339")
	bad("timestamp a date", map[string]any{"processing_started_at": "2025-12-10"}, "processing_started_at: not an RFC 3339")

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := decodeBatchPage([]byte(tt.body))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("decode = %+v, %v; want an error containing %q", p, err, tt.want)
			}
		})
	}
}

func TestPhaseOnlyWhileProcessingPipelines(t *testing.T) {
	tests := []struct {
		status, phase, want string
	}{
		{"processing_pipelines", "spellcheck", "spellcheck"},
		{"processing_pipelines", "student_matching", "student_matching"},
		{"awaiting_student_validation", "cj_assessment", ""},
		{"completed_successfully", "cj_assessment", ""},
		{"processing", "cj_assessment", ""}, // a client value: no internal status to show a phase in
		{"ready_for_pipeline_execution", "spellcheck", ""},
	}
	for _, tt := range tests {
		p, err := decodeBatchPage(pageJSON(t, batchFields(map[string]any{"overall_status": tt.status, "current_phase": tt.phase})))
		if err != nil {
			t.Fatalf("%s: %v", tt.status, err)
		}
		if got := p.Batches[0].Phase; got != tt.want {
			t.Errorf("status %s, current_phase %s: Phase = %q, want %q", tt.status, tt.phase, got, tt.want)
		}
	}
}

func TestStatusMapping(t *testing.T) {
	for status, want := range map[string]string{
		"awaiting_content_validation": "pending_content", "guest_class_ready": "processing",
		"failed_critically": "failed", "cancelled": "cancelled", "failed": "failed", "ready": "ready",
	} {
		p, err := decodeBatchPage(pageJSON(t, batchFields(map[string]any{"overall_status": status})))
		if err != nil {
			t.Fatalf("%s: %v", status, err)
		}
		if b := p.Batches[0]; b.Status != status || b.ClientStatus != want {
			t.Errorf("overall_status %s: Status %q ClientStatus %q, want %q", status, b.Status, b.ClientStatus, want)
		}
	}
}

func TestTitleFallback(t *testing.T) {
	tests := []struct {
		name       string
		title, asg any // nil = absent
		want       string
	}{
		{"title", "Essay 1", "a1", "Essay 1"},
		{"null title", jsonNull, "a1", "a1"},
		{"absent title", nil, "a1", "a1"},
		{"empty title", "", "a1", "a1"},
		{"blank title", "  ", "a1", "a1"},
		{"neither", nil, nil, "Untitled Batch"},
		{"both null", jsonNull, jsonNull, "Untitled Batch"},
		{"both empty", "", "", "Untitled Batch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := decodeBatchPage(pageJSON(t, batchFields(map[string]any{"title": tt.title, "assignment_id": tt.asg})))
			if err != nil {
				t.Fatal(err)
			}
			if got := p.Batches[0].Title; got != tt.want {
				t.Errorf("Title = %q, want %q", got, tt.want)
			}
		})
	}
}

func statusJSON(t testing.TB, essays any, overrides map[string]any) []byte {
	b := batchFields(overrides)
	if essays != nil {
		b["essays"] = essays
	}
	return mustJSON(t, b)
}

func TestDecodeBatchStatus(t *testing.T) {
	essays := []map[string]any{
		{"essay_id": "e1", "filename": "elev01.docx", "spellcheck_status": "completed",
			"cj_assessment_status": "processing", "cj_rank": nil, "cj_score": nil, "last_updated": "2025-12-10T09:40:00Z"},
		{"essay_id": "e2", "filename": "elev02.docx", "cj_rank": 1, "cj_score": 0.75},
	}
	b, err := decodeBatchStatus(statusJSON(t, essays, nil))
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if len(b.Essays) != 2 {
		t.Fatalf("essays = %+v", b.Essays)
	}
	e1, e2 := b.Essays[0], b.Essays[1]
	if e1.ID != "e1" || e1.Filename != "elev01.docx" || *e1.SpellcheckStatus != "completed" ||
		*e1.CJAssessmentStatus != "processing" || e1.CJRank != nil || e1.CJScore != nil || e1.LastUpdated == nil {
		t.Errorf("essay 1 = %+v", e1)
	}
	if e2.SpellcheckStatus != nil || *e2.CJRank != 1 || *e2.CJScore != 0.75 || e2.LastUpdated != nil {
		t.Errorf("essay 2 = %+v", e2)
	}

	for name, tt := range map[string]struct {
		essays any
		want   string
	}{
		"essays missing":      {nil, "essays: missing"},
		"essays null":         {jsonNull, "essays: missing"},
		"essay_id missing":    {[]map[string]any{{"filename": "f"}}, "essays[0]: essay_id: missing"},
		"filename missing":    {[]map[string]any{{"essay_id": "e"}}, "essays[0]: filename: missing"},
		"cj_rank fractional":  {[]map[string]any{{"essay_id": "e", "filename": "f", "cj_rank": 1.5}}, "decode"},
		"cj_score a string":   {[]map[string]any{{"essay_id": "e", "filename": "f", "cj_score": "0.5"}}, "decode"},
		"bad last_updated":    {[]map[string]any{{"essay_id": "e", "filename": "f", "last_updated": "yesterday"}}, "last_updated: not an RFC 3339"},
		"negative cj_rank":    {[]map[string]any{{"essay_id": "e", "filename": "f", "cj_rank": -3}}, "cj_rank: -3 is negative"},
		"essay a string":      {[]string{"e1"}, "decode"},
		"batch field bad too": {[]any{}, ""}, // valid: an empty batch
	} {
		t.Run(name, func(t *testing.T) {
			_, err := decodeBatchStatus(statusJSON(t, tt.essays, nil))
			if tt.want == "" {
				if err != nil {
					t.Fatalf("decode: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("decode error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}
