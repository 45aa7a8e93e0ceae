// Package batchstatus is the upstream contract's batch status and processing
// phase vocabulary: RAS's internal statuses, the seven client-facing statuses
// they collapse to, and the phases that are meaningful while processing.
package batchstatus

import "slices"

// The client-facing statuses. The three terminal ones are spelled the same
// internally, so they are internal statuses too.
const (
	PendingContent        = "pending_content"
	Ready                 = "ready"
	Processing            = "processing"
	CompletedSuccessfully = "completed_successfully"
	CompletedWithFailures = "completed_with_failures"
	Failed                = "failed"
	Cancelled             = "cancelled"
)

// ProcessingPipelines is the only internal status in which a batch's
// current phase means anything; in every other status no phase is shown.
const ProcessingPipelines = "processing_pipelines"

// The internal statuses the BFF acts on by name: a batch awaiting student
// validation may need the teacher (its matches to confirm), and the two
// failed ones make up the client status Failed.
const (
	AwaitingStudentValidation = "awaiting_student_validation"
	ContentIngestionFailed    = "content_ingestion_failed"
	FailedCritically          = "failed_critically"
)

// The processing phases, in the contract's spelling.
const (
	PhaseSpellcheck      = "spellcheck"
	PhaseCJAssessment    = "cj_assessment"
	PhaseAIFeedback      = "ai_feedback"
	PhaseNLP             = "nlp"
	PhaseStudentMatching = "student_matching"
)

// groups is the contract's mapping table, client status → its internal
// statuses, in the contract's order. Everything else derives from it so the
// table is written exactly once.
var groups = []struct {
	client   string
	internal []string
}{
	{PendingContent, []string{"awaiting_content_validation", "awaiting_pipeline_configuration"}},
	{Ready, []string{"ready_for_pipeline_execution"}},
	{Processing, []string{ProcessingPipelines, AwaitingStudentValidation,
		"student_validation_completed", "validation_timeout_processed", "guest_class_ready"}},
	{CompletedSuccessfully, []string{CompletedSuccessfully}},
	{CompletedWithFailures, []string{CompletedWithFailures}},
	{Failed, []string{ContentIngestionFailed, FailedCritically}},
	{Cancelled, []string{Cancelled}},
}

var (
	internalToClient = map[string]string{} // internal status → client status
	clientToInternal = map[string][]string{}
	clientStatuses   []string
)

func init() {
	for _, g := range groups {
		clientStatuses = append(clientStatuses, g.client)
		clientToInternal[g.client] = g.internal
		for _, s := range g.internal {
			internalToClient[s] = g.client
		}
	}
}

var phases = []string{PhaseSpellcheck, PhaseCJAssessment, PhaseAIFeedback, PhaseNLP, PhaseStudentMatching}

// ToClient maps an internal status, or a client status (which RAS may send
// as is), to its client status. It reports false for a value in neither
// list: that is an upstream fault to report, not to guess at.
func ToClient(status string) (string, bool) {
	if c, ok := internalToClient[status]; ok {
		return c, true
	}
	if _, ok := clientToInternal[status]; ok {
		return status, true
	}
	return "", false
}

// Internal returns every internal status of a client status, in a stable
// order (filtering must send all of them, never just the first), or nil for
// an unknown client status. The slice is the caller's to keep.
func Internal(client string) []string {
	return slices.Clone(clientToInternal[client])
}

// IsInternal reports whether s is one of RAS's internal statuses, the only
// values its status filter accepts.
func IsInternal(s string) bool {
	_, ok := internalToClient[s]
	return ok
}

// ClientStatuses returns the seven client statuses in the contract's order.
func ClientStatuses() []string { return slices.Clone(clientStatuses) }

// ValidPhase reports whether p is one of the contract's processing phases.
func ValidPhase(p string) bool { return slices.Contains(phases, p) }

// Phases returns the processing phases in the contract's order.
func Phases() []string { return slices.Clone(phases) }

// InternalStatuses returns the contract's thirteen internal statuses in the
// contract's order.
func InternalStatuses() []string {
	var out []string
	for _, g := range groups {
		out = append(out, g.internal...)
	}
	return out
}
