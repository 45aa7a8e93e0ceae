package devstack

import (
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Internal batch statuses (RAS overall_status).
const (
	StatusAwaitingContentValidation     = "awaiting_content_validation"
	StatusAwaitingPipelineConfiguration = "awaiting_pipeline_configuration"
	StatusReadyForPipelineExecution     = "ready_for_pipeline_execution"
	StatusProcessingPipelines           = "processing_pipelines"
	StatusAwaitingStudentValidation     = "awaiting_student_validation"
	StatusStudentValidationCompleted    = "student_validation_completed"
	StatusValidationTimeoutProcessed    = "validation_timeout_processed"
	StatusGuestClassReady               = "guest_class_ready"
	StatusCompletedSuccessfully         = "completed_successfully"
	StatusCompletedWithFailures         = "completed_with_failures"
	StatusContentIngestionFailed        = "content_ingestion_failed"
	StatusFailedCritically              = "failed_critically"
	StatusCancelled                     = "cancelled"
)

// Essay phase statuses.
const (
	EssayPending    = "pending"
	EssayProcessing = "processing"
	EssayCompleted  = "completed"
	EssayFailed     = "failed"
	EssayCancelled  = "cancelled"
)

// Student–essay association statuses (CMS).
const (
	AssocPendingValidation = "pending_validation"
	AssocConfirmed         = "confirmed"
	AssocRejected          = "rejected"
	AssocTimeoutConfirmed  = "timeout_confirmed"
	AssocNoMatch           = "no_match"
)

// Processing phases, in pipeline order.
const (
	PhaseSpellcheck   = "spellcheck"
	PhaseCJAssessment = "cj_assessment"
)

// AutoConfirmAfter is how long a pending association waits for the teacher
// before CMS confirms it on its own.
const AutoConfirmAfter = 24 * time.Hour

// Client-facing statuses. The BFF has its own copy of this table; the dev
// stack keeps one too because it plays the independent upstream that puts
// client statuses into events.
const (
	clientPendingContent        = "pending_content"
	clientReady                 = "ready"
	clientProcessing            = "processing"
	clientCompletedSuccessfully = "completed_successfully"
	clientCompletedWithFailures = "completed_with_failures"
	clientFailed                = "failed"
	clientCancelled             = "cancelled"
)

var clientStatusOf = map[string]string{
	StatusAwaitingContentValidation:     clientPendingContent,
	StatusAwaitingPipelineConfiguration: clientPendingContent,
	StatusReadyForPipelineExecution:     clientReady,
	StatusProcessingPipelines:           clientProcessing,
	StatusAwaitingStudentValidation:     clientProcessing,
	StatusStudentValidationCompleted:    clientProcessing,
	StatusValidationTimeoutProcessed:    clientProcessing,
	StatusGuestClassReady:               clientProcessing,
	StatusCompletedSuccessfully:         clientCompletedSuccessfully,
	StatusCompletedWithFailures:         clientCompletedWithFailures,
	StatusContentIngestionFailed:        clientFailed,
	StatusFailedCritically:              clientFailed,
	StatusCancelled:                     clientCancelled,
}

// InternalStatuses lists every internal batch status in lifecycle order.
func InternalStatuses() []string {
	return []string{
		StatusAwaitingContentValidation, StatusAwaitingPipelineConfiguration,
		StatusReadyForPipelineExecution, StatusAwaitingStudentValidation,
		StatusStudentValidationCompleted, StatusValidationTimeoutProcessed,
		StatusGuestClassReady, StatusProcessingPipelines,
		StatusCompletedSuccessfully, StatusCompletedWithFailures,
		StatusContentIngestionFailed, StatusFailedCritically, StatusCancelled,
	}
}

func clientStatus(internal string) string { return clientStatusOf[internal] }

func isInternalStatus(s string) bool { _, ok := clientStatusOf[s]; return ok }

func isEssayStatus(s string) bool {
	switch s {
	case EssayPending, EssayProcessing, EssayCompleted, EssayFailed, EssayCancelled:
		return true
	}
	return false
}

func isAssocStatus(s string) bool {
	switch s {
	case AssocPendingValidation, AssocConfirmed, AssocRejected, AssocTimeoutConfirmed, AssocNoMatch:
		return true
	}
	return false
}

// isUUID accepts only the canonical 36-character form: uuid.Parse alone
// would also take URNs and braces, which no upstream sends.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	_, err := uuid.Parse(s)
	return err == nil
}

func phaseDone(status string) bool {
	return status == EssayCompleted || status == EssayFailed || status == EssayCancelled
}

// CurrentPhase is the phase RAS reports: the first phase, in pipeline
// order, that some essay has not finished; "" when every phase is done or
// there are no essays.
func (b Batch) CurrentPhase() string {
	for _, phase := range []string{PhaseSpellcheck, PhaseCJAssessment} {
		for _, e := range b.Essays {
			if !phaseDone(e.phaseStatus(phase)) {
				return phase
			}
		}
	}
	return ""
}

func (e Essay) phaseStatus(phase string) string {
	if phase == PhaseSpellcheck {
		return e.SpellcheckStatus
	}
	return e.CJAssessmentStatus
}

// Failed reports whether any phase of the essay failed.
func (e Essay) Failed() bool {
	return e.SpellcheckStatus == EssayFailed || e.CJAssessmentStatus == EssayFailed
}

// Completed reports whether the essay went through every phase successfully.
func (e Essay) Completed() bool {
	return !e.Failed() && e.SpellcheckStatus == EssayCompleted && e.CJAssessmentStatus == EssayCompleted
}

// CompletedEssays is RAS's completed_essay_count.
func (b Batch) CompletedEssays() int {
	n := 0
	for _, e := range b.Essays {
		if e.Completed() {
			n++
		}
	}
	return n
}

// FailedEssays is RAS's failed_essay_count.
func (b Batch) FailedEssays() int {
	n := 0
	for _, e := range b.Essays {
		if e.Failed() {
			n++
		}
	}
	return n
}

// ValidationStatus is CMS's validation summary of a batch.
type ValidationStatus struct {
	BatchID               string     `json:"batch_id"`
	DeviationCount        int        `json:"deviation_count"`
	AutoConfirmDeadline   *time.Time `json:"auto_confirm_deadline"`
	TotalAssociations     int        `json:"total_associations"`
	ConfirmedAssociations int        `json:"confirmed_associations"`
}

// Validation derives CMS's validation status from the associations; nil
// when CMS has no validation data for the batch.
func (b Batch) Validation() *ValidationStatus {
	if b.Associations == nil {
		return nil
	}
	v := &ValidationStatus{BatchID: b.ID, TotalAssociations: len(b.Associations)}
	for _, a := range b.Associations {
		switch a.Status {
		case AssocPendingValidation:
			v.DeviationCount++
			if d := a.CreatedAt.Add(AutoConfirmAfter).UTC(); v.AutoConfirmDeadline == nil || d.Before(*v.AutoConfirmDeadline) {
				v.AutoConfirmDeadline = &d
			}
		case AssocConfirmed, AssocTimeoutConfirmed:
			v.ConfirmedAssociations++
		}
	}
	return v
}

// rankCJ gives the essays that finished CJ assessment their ranks, best
// score first, the way CJ re-ranks after every comparison round.
func rankCJ(essays []Essay) {
	var done []int
	for i := range essays {
		if essays[i].CJAssessmentStatus == EssayCompleted && essays[i].CJScore != nil {
			done = append(done, i)
		} else {
			essays[i].CJRank = nil
		}
	}
	slices.SortStableFunc(done, func(a, b int) int {
		sa, sb := *essays[a].CJScore, *essays[b].CJScore
		switch {
		case sa > sb:
			return -1
		case sa < sb:
			return 1
		}
		return strings.Compare(essays[a].Filename, essays[b].Filename)
	})
	for rank, i := range done {
		r := rank + 1
		essays[i].CJRank = &r
	}
}
