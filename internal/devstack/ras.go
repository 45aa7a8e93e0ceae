package devstack

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
)

// RAS list pagination bounds, from the contract.
const (
	DefaultLimit = 20
	MaxLimit     = 100
)

type batchJSON struct {
	BatchID             string  `json:"batch_id"`
	UserID              string  `json:"user_id"`
	Title               *string `json:"title"`
	AssignmentID        string  `json:"assignment_id,omitempty"`
	OverallStatus       string  `json:"overall_status"`
	EssayCount          int     `json:"essay_count"`
	CompletedEssayCount int     `json:"completed_essay_count"`
	FailedEssayCount    int     `json:"failed_essay_count"`
	// Absent rather than null, so clients meet both forms the contract
	// allows (title and current_phase come as null).
	RequestedPipeline     string     `json:"requested_pipeline,omitempty"`
	CurrentPhase          *string    `json:"current_phase"`
	CreatedAt             time.Time  `json:"created_at"`
	LastUpdated           time.Time  `json:"last_updated"`
	ProcessingStartedAt   *time.Time `json:"processing_started_at"`
	ProcessingCompletedAt *time.Time `json:"processing_completed_at"`
}

type essayJSON struct {
	EssayID            string    `json:"essay_id"`
	Filename           string    `json:"filename"`
	SpellcheckStatus   string    `json:"spellcheck_status"`
	CJAssessmentStatus string    `json:"cj_assessment_status"`
	CJRank             *int      `json:"cj_rank"`
	CJScore            *float64  `json:"cj_score"`
	LastUpdated        time.Time `json:"last_updated"`
}

type batchStatusJSON struct {
	batchJSON
	Essays []essayJSON `json:"essays"`
}

type listJSON struct {
	Batches    []batchJSON    `json:"batches"`
	Pagination paginationJSON `json:"pagination"`
}

type paginationJSON struct {
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
	Total  int `json:"total"`
}

// NewRAS is the Result Aggregator Service over store.
func NewRAS(store *Store, auth Auth, log *slog.Logger) *Service {
	s := newService("ras", auth, log)
	s.router.Get("/internal/v1/batches/user/{user_id}", s.endpoint(EndpointListBatches,
		func(w http.ResponseWriter, r *http.Request) { listBatches(store, w, r) }))
	s.router.Get("/internal/v1/batches/{batch_id}/status", s.endpoint(EndpointBatchStatus,
		func(w http.ResponseWriter, r *http.Request) { batchStatus(store, w, r) }))
	return s
}

func listBatches(store *Store, w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, err := intParam(q, "limit", DefaultLimit, 1, MaxLimit)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	offset, err := intParam(q, "offset", 0, 0, -1)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	statuses := q["status"]
	for _, st := range statuses {
		if !isInternalStatus(st) {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("status: %q is not an internal batch status", st))
			return
		}
	}
	page, total := store.ListBatches(chi.URLParam(r, "user_id"), statuses, limit, offset)
	out := listJSON{
		Batches:    make([]batchJSON, len(page)),
		Pagination: paginationJSON{Limit: limit, Offset: offset, Total: total},
	}
	for i, b := range page {
		out.Batches[i] = toBatchJSON(b)
	}
	writeJSON(w, http.StatusOK, out)
}

func batchStatus(store *Store, w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "batch_id")
	b, ok := store.Batch(id)
	if !ok {
		writeError(w, http.StatusNotFound, fmt.Sprintf("batch %q not found", id))
		return
	}
	out := batchStatusJSON{batchJSON: toBatchJSON(b), Essays: make([]essayJSON, len(b.Essays))}
	for i, e := range b.Essays {
		out.Essays[i] = essayJSON{
			EssayID: e.ID, Filename: e.Filename,
			SpellcheckStatus: e.SpellcheckStatus, CJAssessmentStatus: e.CJAssessmentStatus,
			CJRank: e.CJRank, CJScore: e.CJScore, LastUpdated: e.LastUpdated.UTC(),
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func toBatchJSON(b Batch) batchJSON {
	return batchJSON{
		BatchID:               b.ID,
		UserID:                b.UserID,
		Title:                 nonEmpty(b.Title),
		AssignmentID:          b.AssignmentID,
		OverallStatus:         b.Status,
		EssayCount:            len(b.Essays),
		CompletedEssayCount:   b.CompletedEssays(),
		FailedEssayCount:      b.FailedEssays(),
		RequestedPipeline:     b.RequestedPipeline,
		CurrentPhase:          nonEmpty(b.CurrentPhase()),
		CreatedAt:             b.CreatedAt.UTC(),
		LastUpdated:           b.LastUpdated.UTC(),
		ProcessingStartedAt:   utcPtr(b.ProcessingStartedAt),
		ProcessingCompletedAt: utcPtr(b.ProcessingCompletedAt),
	}
}

// intParam reads an optional integer query parameter within [lo, hi]
// (hi < 0: unbounded).
func intParam(q url.Values, name string, def, lo, hi int) (int, error) {
	raw, ok := q[name]
	if !ok {
		return def, nil
	}
	if len(raw) != 1 {
		return 0, fmt.Errorf("%s: given %d times", name, len(raw))
	}
	n, err := strconv.Atoi(raw[0])
	if err != nil {
		return 0, fmt.Errorf("%s: %q is not an integer", name, raw[0])
	}
	if n < lo || (hi >= 0 && n > hi) {
		if hi < 0 {
			return 0, fmt.Errorf("%s: %d is below %d", name, n, lo)
		}
		return 0, fmt.Errorf("%s: %d is outside %d–%d", name, n, lo, hi)
	}
	return n, nil
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
