package ras

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/essaylab/teacher-bff/internal/batchstatus"
	"github.com/essaylab/teacher-bff/internal/upstream"
)

// untitled is the display title of a batch with neither title nor assignment.
const untitled = "Untitled Batch"

// The wire types mirror the contract with pointer fields, so that an absent
// field is visible (nil) instead of silently becoming a zero value.
type wireBatch struct {
	BatchID               *string `json:"batch_id"`
	UserID                *string `json:"user_id"`
	Title                 *string `json:"title"`
	AssignmentID          *string `json:"assignment_id"`
	OverallStatus         *string `json:"overall_status"`
	EssayCount            *int    `json:"essay_count"`
	CompletedEssayCount   *int    `json:"completed_essay_count"`
	FailedEssayCount      *int    `json:"failed_essay_count"`
	RequestedPipeline     *string `json:"requested_pipeline"`
	CurrentPhase          *string `json:"current_phase"`
	CreatedAt             *string `json:"created_at"`
	LastUpdated           *string `json:"last_updated"`
	ProcessingStartedAt   *string `json:"processing_started_at"`
	ProcessingCompletedAt *string `json:"processing_completed_at"`
}

type wireEssay struct {
	EssayID            *string  `json:"essay_id"`
	Filename           *string  `json:"filename"`
	SpellcheckStatus   *string  `json:"spellcheck_status"`
	CJAssessmentStatus *string  `json:"cj_assessment_status"`
	CJRank             *int     `json:"cj_rank"`
	CJScore            *float64 `json:"cj_score"`
	LastUpdated        *string  `json:"last_updated"`
}

type wirePage struct {
	Batches    *[]wireBatch `json:"batches"`
	Pagination *struct {
		Limit  *int `json:"limit"`
		Offset *int `json:"offset"`
		Total  *int `json:"total"`
	} `json:"pagination"`
}

type wireBatchStatus struct {
	wireBatch
	Essays *[]wireEssay `json:"essays"`
}

// decodeBatchPage decodes and checks a list-batches answer. It stops at the
// first bad batch: one is enough to reject the answer, and the error stays
// small however large the page.
func decodeBatchPage(data []byte) (Page, error) {
	var w wirePage
	if err := json.Unmarshal(data, &w); err != nil {
		return Page{}, fmt.Errorf("decode batch page: %w", err)
	}
	var c upstream.Check
	if w.Batches == nil {
		c.Failf("batches: missing")
	}
	if w.Pagination == nil {
		c.Failf("pagination: missing")
	}
	if err := c.Err(); err != nil {
		return Page{}, err
	}
	p := Page{
		Limit:  c.Count("pagination.limit", w.Pagination.Limit),
		Offset: c.Count("pagination.offset", w.Pagination.Offset),
		Total:  c.Count("pagination.total", w.Pagination.Total),
	}
	if err := c.Err(); err != nil {
		return Page{}, err
	}
	p.Batches = make([]Batch, 0, len(*w.Batches))
	for i := range *w.Batches {
		b, err := (*w.Batches)[i].batch()
		if err != nil {
			return Page{}, fmt.Errorf("batches[%d]: %w", i, err)
		}
		p.Batches = append(p.Batches, b)
	}
	return p, nil
}

// decodeBatchStatus decodes and checks a batch-status answer.
func decodeBatchStatus(data []byte) (*Batch, error) {
	var w wireBatchStatus
	if err := json.Unmarshal(data, &w); err != nil {
		return nil, fmt.Errorf("decode batch status: %w", err)
	}
	b, err := w.batch()
	if err != nil {
		return nil, err
	}
	if w.Essays == nil {
		return nil, fmt.Errorf("essays: missing")
	}
	b.Essays = make([]Essay, 0, len(*w.Essays))
	for i := range *w.Essays {
		e, err := (*w.Essays)[i].essay()
		if err != nil {
			return nil, fmt.Errorf("essays[%d]: %w", i, err)
		}
		b.Essays = append(b.Essays, e)
	}
	return &b, nil
}

func (w *wireBatch) batch() (Batch, error) {
	var c upstream.Check
	b := Batch{
		ID:                    c.ID("batch_id", w.BatchID),
		UserID:                c.ID("user_id", w.UserID),
		AssignmentID:          c.OptString(w.AssignmentID),
		Status:                c.ID("overall_status", w.OverallStatus),
		RequestedPipeline:     c.OptString(w.RequestedPipeline),
		EssayCount:            c.Count("essay_count", w.EssayCount),
		CompletedEssayCount:   c.Count("completed_essay_count", w.CompletedEssayCount),
		FailedEssayCount:      c.Count("failed_essay_count", w.FailedEssayCount),
		CreatedAt:             c.Time("created_at", w.CreatedAt),
		LastUpdated:           c.Time("last_updated", w.LastUpdated),
		ProcessingStartedAt:   c.OptTime("processing_started_at", w.ProcessingStartedAt),
		ProcessingCompletedAt: c.OptTime("processing_completed_at", w.ProcessingCompletedAt),
	}
	b.Title = displayTitle(c.OptString(w.Title), b.AssignmentID)

	if b.Status != "" {
		client, ok := batchstatus.ToClient(b.Status)
		if !ok {
			c.Unknown("overall_status", b.Status)
		}
		b.ClientStatus = client
	}
	// An unknown phase is a fault even where it would be hidden.
	phase := c.OptString(w.CurrentPhase)
	if w.CurrentPhase != nil && !batchstatus.ValidPhase(phase) {
		c.Unknown("current_phase", phase)
	}
	if b.Status == batchstatus.ProcessingPipelines {
		b.Phase = phase
	}
	return b, c.Err()
}

// displayTitle is the contract's fallback chain; a blank title counts as none.
func displayTitle(title, assignmentID string) string {
	switch {
	case strings.TrimSpace(title) != "":
		return title
	case strings.TrimSpace(assignmentID) != "":
		return assignmentID
	}
	return untitled
}

func (w *wireEssay) essay() (Essay, error) {
	var c upstream.Check
	e := Essay{
		ID:                 c.ID("essay_id", w.EssayID),
		Filename:           c.String("filename", w.Filename),
		SpellcheckStatus:   w.SpellcheckStatus,
		CJAssessmentStatus: w.CJAssessmentStatus,
		CJRank:             c.OptCount("cj_rank", w.CJRank),
		CJScore:            w.CJScore,
		LastUpdated:        c.OptTime("last_updated", w.LastUpdated),
	}
	return e, c.Err()
}
