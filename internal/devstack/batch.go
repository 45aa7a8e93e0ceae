package devstack

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Essay is one essay of a batch as RAS knows it. Phase statuses are one of
// EssayPending, EssayProcessing, EssayCompleted, EssayFailed, EssayCancelled.
type Essay struct {
	ID                 string
	Filename           string
	SpellcheckStatus   string
	CJAssessmentStatus string
	CJRank             *int
	CJScore            *float64
	LastUpdated        time.Time
}

// Association is one student–essay match as CMS knows it. Status is one of
// the Assoc* constants.
type Association struct {
	EssayID     string
	StudentName string
	Status      string
	CreatedAt   time.Time
}

// Batch is the whole state of one batch across RAS and CMS. Empty strings
// mean absent (Title, AssignmentID, RequestedPipeline; ClassID empty is a
// guest batch). Associations nil means CMS has no validation data for it; an
// empty non-nil slice is validation data with zero associations.
type Batch struct {
	ID                    string
	UserID                string
	Title                 string
	AssignmentID          string
	Status                string
	RequestedPipeline     string
	ClassID               string
	CreatedAt             time.Time
	LastUpdated           time.Time
	ProcessingStartedAt   *time.Time
	ProcessingCompletedAt *time.Time
	Essays                []Essay
	Associations          []Association
}

// Class is a CMS class.
type Class struct {
	ID   string
	Name string
}

// Balance is what Entitlements answers for a user.
type Balance struct {
	UserBalance int
	OrgBalance  *int
	OrgID       *string
}

func (b Batch) validate() error {
	var errs []error
	if !isUUID(b.ID) {
		errs = append(errs, fmt.Errorf("id %q is not a UUID", b.ID))
	}
	if b.UserID == "" {
		errs = append(errs, errors.New("user id is empty"))
	}
	if !isInternalStatus(b.Status) {
		errs = append(errs, fmt.Errorf("unknown status %q", b.Status))
	}
	for _, e := range b.Essays {
		if !isEssayStatus(e.SpellcheckStatus) || !isEssayStatus(e.CJAssessmentStatus) {
			errs = append(errs, fmt.Errorf("essay %q: unknown phase status %q/%q",
				e.ID, e.SpellcheckStatus, e.CJAssessmentStatus))
		}
	}
	for _, a := range b.Associations {
		if !isAssocStatus(a.Status) {
			errs = append(errs, fmt.Errorf("association of essay %q: unknown status %q", a.EssayID, a.Status))
		}
	}
	return errors.Join(errs...)
}

func (b *Batch) clone() Batch {
	c := *b
	c.ProcessingStartedAt = clonePtr(b.ProcessingStartedAt)
	c.ProcessingCompletedAt = clonePtr(b.ProcessingCompletedAt)
	if b.Essays != nil {
		c.Essays = make([]Essay, len(b.Essays))
		for i, e := range b.Essays {
			e.CJRank = clonePtr(e.CJRank)
			e.CJScore = clonePtr(e.CJScore)
			c.Essays[i] = e
		}
	}
	c.Associations = slices.Clone(b.Associations)
	return c
}

func (b Balance) clone() Balance {
	b.OrgBalance = clonePtr(b.OrgBalance)
	b.OrgID = clonePtr(b.OrgID)
	return b
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
