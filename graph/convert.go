package graph

import (
	"fmt"
	"strings"

	"github.com/essaylab/teacher-bff/graph/model"
	"github.com/essaylab/teacher-bff/internal/auth"
	"github.com/essaylab/teacher-bff/internal/batchstatus"
	"github.com/essaylab/teacher-bff/internal/cms"
	"github.com/essaylab/teacher-bff/internal/ras"
)

// statusToModel turns a client status ("processing") into its enum value.
func statusToModel(client string) (model.BatchStatus, error) {
	s := model.BatchStatus(strings.ToUpper(client))
	if !s.IsValid() {
		return "", fmt.Errorf("graph: client status %q has no enum value", client)
	}
	return s, nil
}

// statusFromModel is the inverse of statusToModel.
func statusFromModel(s model.BatchStatus) string { return strings.ToLower(string(s)) }

// statusDetail is the enum value of an internal status; nil for a client
// status (which RAS may send instead).
func statusDetail(internal string) *model.BatchStatusDetail {
	if !batchstatus.IsInternal(internal) {
		return nil
	}
	d := model.BatchStatusDetail(strings.ToUpper(internal))
	if !d.IsValid() {
		// The enum and the contract's table have drifted apart; the
		// status itself is still right.
		return nil
	}
	return &d
}

// phaseToModel turns a phase ("cj_assessment") into its enum value; nil for
// no phase.
func phaseToModel(phase string) (*model.ProcessingPhase, error) {
	if phase == "" {
		return nil, nil
	}
	p := model.ProcessingPhase(strings.ToUpper(phase))
	if !p.IsValid() {
		return nil, fmt.Errorf("graph: phase %q has no enum value", phase)
	}
	return &p, nil
}

// batchFromRAS builds the dashboard's view of a RAS batch. The client has
// checked the batch against the contract; an error here means the schema and
// the status vocabulary have drifted apart.
func batchFromRAS(b *ras.Batch) (*model.Batch, error) {
	status, err := statusToModel(b.ClientStatus)
	if err != nil {
		return nil, err
	}
	phase, err := phaseToModel(b.Phase)
	if err != nil {
		return nil, err
	}
	out := &model.Batch{
		ID:                  b.ID,
		UserID:              b.UserID,
		Title:               b.Title,
		Status:              status,
		StatusDetail:        statusDetail(b.Status),
		ProcessingPhase:     phase,
		TotalEssays:         b.EssayCount,
		CompletedEssays:     b.CompletedEssayCount,
		FailedEssays:        b.FailedEssayCount,
		CreatedAt:           b.CreatedAt,
		UpdatedAt:           b.LastUpdated,
		ProcessingStartedAt: b.ProcessingStartedAt,
		CompletedAt:         b.ProcessingCompletedAt,
	}
	if b.RequestedPipeline != "" {
		out.RequestedPipeline = &b.RequestedPipeline
	}
	if b.Essays != nil {
		out.Essays = essaysFromRAS(b.Essays)
	}
	return out, nil
}

func essaysFromRAS(in []ras.Essay) []*model.Essay {
	out := make([]*model.Essay, len(in))
	for i, e := range in {
		out[i] = &model.Essay{
			ID:                 e.ID,
			Filename:           e.Filename,
			SpellcheckStatus:   e.SpellcheckStatus,
			CjAssessmentStatus: e.CJAssessmentStatus,
			CjRank:             e.CJRank,
			CjScore:            e.CJScore,
			UpdatedAt:          e.LastUpdated,
		}
	}
	return out
}

func classFromCMS(c *cms.ClassInfo) *model.SchoolClass {
	if c == nil {
		return nil
	}
	return &model.SchoolClass{ID: c.ClassID, Name: c.ClassName}
}

func validationFromCMS(v *cms.ValidationStatus) *model.StudentValidation {
	if v == nil {
		return nil
	}
	return &model.StudentValidation{
		DeviationCount:        v.DeviationCount,
		AutoConfirmDeadline:   v.AutoConfirmDeadline,
		TotalAssociations:     v.TotalAssociations,
		ConfirmedAssociations: v.ConfirmedAssociations,
	}
}

func teacherFromAuth(t auth.Teacher) *model.Teacher {
	out := &model.Teacher{ID: t.ID}
	if t.OrgID != "" {
		out.OrgID = &t.OrgID
	}
	return out
}

// internalStatuses is the RAS filter for a client status: all of its
// internal statuses, never just the first.
func internalStatuses(s *model.BatchStatus) []string {
	if s == nil {
		return nil
	}
	return batchstatus.Internal(statusFromModel(*s))
}
