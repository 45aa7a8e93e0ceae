package bench

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/essaylab/teacher-bff/internal/auth"
	"github.com/essaylab/teacher-bff/internal/batchstatus"
	"github.com/essaylab/teacher-bff/internal/cms"
	"github.com/essaylab/teacher-bff/internal/entitlements"
	"github.com/essaylab/teacher-bff/internal/ras"
)

// Aggregator is the teacher dashboard's aggregation written by hand, on the
// BFF's own upstream clients: the RAS page first, then the class and
// validation lookups of its batches in parallel, and the entitlements call
// alongside all of it. Called in-process it is the ideal critical path the
// BFF's overhead is measured against; behind RESTHandler it is the REST
// baseline.
type Aggregator struct {
	RAS          *ras.Client
	CMS          *cms.Client
	Entitlements *entitlements.Client
}

// Dashboard is the REST baseline's answer: the fields the TeacherDashboard
// operation selects, in the same shape.
type Dashboard struct {
	Viewer DashboardViewer `json:"viewer"`
}

// DashboardViewer is the viewer of a Dashboard.
type DashboardViewer struct {
	ID      string            `json:"id"`
	Credits *DashboardCredits `json:"credits"`
	Batches *DashboardPage    `json:"batches"`
}

// DashboardCredits is the header's credits.
type DashboardCredits struct {
	UserBalance int     `json:"userBalance"`
	OrgBalance  *int    `json:"orgBalance"`
	OrgID       *string `json:"orgId"`
}

// DashboardPage is one page of batches.
type DashboardPage struct {
	TotalCount  int              `json:"totalCount"`
	Limit       int              `json:"limit"`
	Offset      int              `json:"offset"`
	HasNextPage bool             `json:"hasNextPage"`
	Nodes       []DashboardBatch `json:"nodes"`
}

// DashboardBatch is one row: the DashboardBatch fragment's fields.
type DashboardBatch struct {
	ID              string               `json:"id"`
	Title           string               `json:"title"`
	Status          string               `json:"status"`
	ProcessingPhase *string              `json:"processingPhase"`
	TotalEssays     int                  `json:"totalEssays"`
	CompletedEssays int                  `json:"completedEssays"`
	FailedEssays    int                  `json:"failedEssays"`
	CreatedAt       time.Time            `json:"createdAt"`
	CompletedAt     *time.Time           `json:"completedAt"`
	Class           *DashboardClass      `json:"class"`
	Validation      *DashboardValidation `json:"validation"`
}

// DashboardClass is a batch's class.
type DashboardClass struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// DashboardValidation is a batch's student validation.
type DashboardValidation struct {
	DeviationCount        int        `json:"deviationCount"`
	AutoConfirmDeadline   *time.Time `json:"autoConfirmDeadline"`
	TotalAssociations     int        `json:"totalAssociations"`
	ConfirmedAssociations int        `json:"confirmedAssociations"`
}

// Dashboard aggregates one page of teacherID's dashboard (limit 1–100).
func (a *Aggregator) Dashboard(ctx context.Context, teacherID string, limit, offset int) (*Dashboard, error) {
	var (
		wg         sync.WaitGroup
		credits    entitlements.Balance
		creditsErr error
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		credits, creditsErr = a.Entitlements.Balance(ctx, teacherID)
	}()

	page, err := a.RAS.ListBatches(ctx, ras.ListParams{UserID: teacherID, Limit: limit, Offset: offset})
	if err != nil {
		wg.Wait()
		return nil, err
	}
	lk, err := a.lookups(ctx, page.Batches)
	wg.Wait()
	if err := errors.Join(creditsErr, err); err != nil {
		return nil, err
	}
	return &Dashboard{Viewer: DashboardViewer{
		ID:      teacherID,
		Credits: &DashboardCredits{UserBalance: credits.UserBalance, OrgBalance: credits.OrgBalance, OrgID: credits.OrgID},
		Batches: &DashboardPage{
			TotalCount: page.Total, Limit: limit, Offset: offset,
			HasNextPage: offset+limit < page.Total,
			Nodes:       lk.rows(page.Batches),
		},
	}}, nil
}

// Sections is the REST baseline's answer to the DashboardSections
// operation: three pages by status, each with its total.
type Sections struct {
	Viewer SectionsViewer `json:"viewer"`
}

// SectionsViewer is the viewer of Sections.
type SectionsViewer struct {
	ID           string   `json:"id"`
	Processing   *Section `json:"processing"`
	WithFailures *Section `json:"withFailures"`
	Done         *Section `json:"done"`
}

// Section is one page of DashboardSections.
type Section struct {
	TotalCount int              `json:"totalCount"`
	Nodes      []DashboardBatch `json:"nodes"`
}

// sectionPages are DashboardSections' pages: client status and page size,
// in the order of SectionsViewer's fields.
var sectionPages = []struct {
	status string
	limit  int
}{{"processing", 50}, {"completed_with_failures", 20}, {"completed_successfully", 20}}

// Sections aggregates teacherID's three dashboard sections the way the
// DashboardSections operation asks for them: the three RAS pages in
// parallel, then one class-info and one validation-status lookup for the
// batches of all three.
func (a *Aggregator) Sections(ctx context.Context, teacherID string) (*Sections, error) {
	pages := make([]ras.Page, len(sectionPages))
	errs := make([]error, len(sectionPages))
	var wg sync.WaitGroup
	for i, sp := range sectionPages {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pages[i], errs[i] = a.RAS.ListBatches(ctx, ras.ListParams{
				UserID: teacherID, Limit: sp.limit, Statuses: batchstatus.Internal(sp.status)})
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	var all []ras.Batch
	for _, p := range pages {
		all = append(all, p.Batches...)
	}
	lk, err := a.lookups(ctx, all)
	if err != nil {
		return nil, err
	}
	section := func(p ras.Page) *Section { return &Section{TotalCount: p.Total, Nodes: lk.rows(p.Batches)} }
	return &Sections{Viewer: SectionsViewer{
		ID: teacherID, Processing: section(pages[0]), WithFailures: section(pages[1]), Done: section(pages[2]),
	}}, nil
}

// lookups are the class and validation of batches, by batch id.
type lookups struct {
	classes     map[string]*cms.ClassInfo
	validations map[string]*cms.ValidationStatus
}

// lookups asks CMS for the class and the validation of batches, the two
// lookups in parallel, each in calls of at most cms.MaxBatchIDs ids.
func (a *Aggregator) lookups(ctx context.Context, batches []ras.Batch) (lookups, error) {
	var lk lookups
	seen := make(map[string]bool, len(batches))
	var ids []string
	for _, b := range batches {
		if !seen[b.ID] {
			seen[b.ID] = true
			ids = append(ids, b.ID)
		}
	}
	var (
		wg                 sync.WaitGroup
		classErr, validErr error
	)
	wg.Add(2)
	go func() {
		defer wg.Done()
		classErr = inChunks(ids, func(chunk []string) error {
			m, err := a.CMS.ClassInfo(ctx, chunk)
			lk.classes = merge(lk.classes, m)
			return err
		})
	}()
	go func() {
		defer wg.Done()
		validErr = inChunks(ids, func(chunk []string) error {
			m, err := a.CMS.ValidationStatus(ctx, chunk)
			lk.validations = merge(lk.validations, m)
			return err
		})
	}()
	wg.Wait()
	return lk, errors.Join(classErr, validErr)
}

// inChunks calls lookup with ids in chunks CMS accepts, one after the
// other (the pages of the contract operations hold at most 90 batches).
func inChunks(ids []string, lookup func([]string) error) error {
	for start := 0; start < len(ids); start += cms.MaxBatchIDs {
		if err := lookup(ids[start:min(start+cms.MaxBatchIDs, len(ids))]); err != nil {
			return err
		}
	}
	return nil
}

// merge adds next to into (into may be nil: one chunk costs no copy).
func merge[V any](into, next map[string]V) map[string]V {
	if into == nil {
		return next
	}
	maps.Copy(into, next)
	return into
}

// rows builds the DashboardBatch rows of batches.
func (lk lookups) rows(batches []ras.Batch) []DashboardBatch {
	out := make([]DashboardBatch, len(batches))
	for i, b := range batches {
		n := DashboardBatch{
			ID: b.ID, Title: b.Title, Status: strings.ToUpper(b.ClientStatus),
			TotalEssays: b.EssayCount, CompletedEssays: b.CompletedEssayCount, FailedEssays: b.FailedEssayCount,
			CreatedAt: b.CreatedAt, CompletedAt: b.ProcessingCompletedAt,
		}
		if b.Phase != "" {
			p := strings.ToUpper(b.Phase)
			n.ProcessingPhase = &p
		}
		if c := lk.classes[b.ID]; c != nil {
			n.Class = &DashboardClass{ID: c.ClassID, Name: c.ClassName}
		}
		if v := lk.validations[b.ID]; v != nil {
			n.Validation = &DashboardValidation{
				DeviationCount: v.DeviationCount, AutoConfirmDeadline: v.AutoConfirmDeadline,
				TotalAssociations: v.TotalAssociations, ConfirmedAssociations: v.ConfirmedAssociations,
			}
		}
		out[i] = n
	}
	return out
}

// RESTHandler is the REST baseline: GET /dashboard?limit=&offset= answers
// what TeacherDashboard asks for, GET /sections what DashboardSections asks
// for. It authenticates like the BFF (an HS256 JWT per request, bearer
// token) and answers {"data": …} in the operation's shape, so that both
// answers weigh the same.
func RESTHandler(a *Aggregator, authn *auth.Authenticator, log *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"ok"}` + "\n"))
	})
	mux.HandleFunc("GET /dashboard", func(w http.ResponseWriter, r *http.Request) {
		t, err := authn.FromRequest(r)
		if err != nil {
			writeRESTError(w, http.StatusUnauthorized, "unauthenticated")
			return
		}
		limit, offset, ok := pageParams(r)
		if !ok {
			writeRESTError(w, http.StatusBadRequest, "limit must be 1–100 and offset 0 or more")
			return
		}
		d, err := a.Dashboard(r.Context(), t.ID, limit, offset)
		if err != nil {
			log.WarnContext(r.Context(), "dashboard failed", "error", err.Error())
			writeRESTError(w, http.StatusBadGateway, "an upstream service failed")
			return
		}
		writeRESTData(w, d)
	})
	mux.HandleFunc("GET /sections", func(w http.ResponseWriter, r *http.Request) {
		t, err := authn.FromRequest(r)
		if err != nil {
			writeRESTError(w, http.StatusUnauthorized, "unauthenticated")
			return
		}
		s, err := a.Sections(r.Context(), t.ID)
		if err != nil {
			log.WarnContext(r.Context(), "sections failed", "error", err.Error())
			writeRESTError(w, http.StatusBadGateway, "an upstream service failed")
			return
		}
		writeRESTData(w, s)
	})
	return mux
}

func writeRESTData(w http.ResponseWriter, data any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(struct {
		Data any `json:"data"`
	}{data})
}

func pageParams(r *http.Request) (limit, offset int, ok bool) {
	limit, offset = 20, 0
	q := r.URL.Query()
	var err error
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil {
			return 0, 0, false
		}
	}
	if v := q.Get("offset"); v != "" {
		if offset, err = strconv.Atoi(v); err != nil {
			return 0, 0, false
		}
	}
	return limit, offset, limit >= 1 && limit <= ras.MaxLimit && offset >= 0
}

func writeRESTError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]string{{"message": msg}}})
}
