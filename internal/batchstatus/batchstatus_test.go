package batchstatus

import (
	"slices"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// The contract's table, spelled out literally rather than derived from the
// package's own data, so a typo in either shows up.
func TestToClient(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		// The 13 internal statuses.
		{"awaiting_content_validation", PendingContent, true},
		{"awaiting_pipeline_configuration", PendingContent, true},
		{"ready_for_pipeline_execution", Ready, true},
		{"processing_pipelines", Processing, true},
		{"awaiting_student_validation", Processing, true},
		{"student_validation_completed", Processing, true},
		{"validation_timeout_processed", Processing, true},
		{"guest_class_ready", Processing, true},
		{"completed_successfully", CompletedSuccessfully, true},
		{"completed_with_failures", CompletedWithFailures, true},
		{"content_ingestion_failed", Failed, true},
		{"failed_critically", Failed, true},
		{"cancelled", Cancelled, true},
		// The 7 client statuses map to themselves.
		{"pending_content", PendingContent, true},
		{"ready", Ready, true},
		{"processing", Processing, true},
		{"completed_successfully", CompletedSuccessfully, true},
		{"completed_with_failures", CompletedWithFailures, true},
		{"failed", Failed, true},
		{"cancelled", Cancelled, true},
		// Unknown values are reported, not guessed.
		{"", "", false},
		{"PROCESSING", "", false},
		{"canceled", "", false},
		{"completed", "", false},
	}
	for _, tt := range tests {
		got, ok := ToClient(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ToClient(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestInternal(t *testing.T) {
	tests := []struct {
		client string
		want   []string
	}{
		{PendingContent, []string{"awaiting_content_validation", "awaiting_pipeline_configuration"}},
		{Ready, []string{"ready_for_pipeline_execution"}},
		{Processing, []string{"processing_pipelines", "awaiting_student_validation",
			"student_validation_completed", "validation_timeout_processed", "guest_class_ready"}},
		{CompletedSuccessfully, []string{"completed_successfully"}},
		{CompletedWithFailures, []string{"completed_with_failures"}},
		{Failed, []string{"content_ingestion_failed", "failed_critically"}},
		{Cancelled, []string{"cancelled"}},
		{"processing_pipelines", nil}, // an internal status is not a client status
		{"nope", nil},
	}
	for _, tt := range tests {
		if got := Internal(tt.client); !slices.Equal(got, tt.want) {
			t.Errorf("Internal(%q) = %v, want %v", tt.client, got, tt.want)
		}
	}

	// The result is a copy: a caller appending to it must not corrupt the table.
	got := Internal(Processing)
	got[0] = "mutated"
	if Internal(Processing)[0] != ProcessingPipelines {
		t.Error("Internal returned the package's own slice")
	}
}

func TestIsInternal(t *testing.T) {
	for _, s := range []string{"processing_pipelines", "cancelled", "completed_successfully"} {
		if !IsInternal(s) {
			t.Errorf("IsInternal(%q) = false", s)
		}
	}
	for _, s := range []string{"processing", "pending_content", "failed", ""} {
		if IsInternal(s) {
			t.Errorf("IsInternal(%q) = true", s)
		}
	}
}

func TestClientStatuses(t *testing.T) {
	want := []string{"pending_content", "ready", "processing", "completed_successfully",
		"completed_with_failures", "failed", "cancelled"}
	if got := ClientStatuses(); !slices.Equal(got, want) {
		t.Errorf("ClientStatuses() = %v, want %v", got, want)
	}
}

func TestValidPhase(t *testing.T) {
	for _, p := range []string{"spellcheck", "cj_assessment", "ai_feedback", "nlp", "student_matching"} {
		if !ValidPhase(p) {
			t.Errorf("ValidPhase(%q) = false", p)
		}
	}
	for _, p := range []string{"", "SPELLCHECK", "processing", "cj-assessment"} {
		if ValidPhase(p) {
			t.Errorf("ValidPhase(%q) = true", p)
		}
	}
}

func TestInternalStatuses(t *testing.T) {
	want := []string{"awaiting_content_validation", "awaiting_pipeline_configuration",
		"ready_for_pipeline_execution", "processing_pipelines", "awaiting_student_validation",
		"student_validation_completed", "validation_timeout_processed", "guest_class_ready",
		"completed_successfully", "completed_with_failures", "content_ingestion_failed",
		"failed_critically", "cancelled"}
	if got := InternalStatuses(); !slices.Equal(got, want) {
		t.Errorf("InternalStatuses() = %v, want %v", got, want)
	}
}
