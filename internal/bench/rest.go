package bench

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/essaylab/teacher-bff/internal/auth"
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
	ids := make([]string, len(page.Batches))
	for i, b := range page.Batches {
		ids[i] = b.ID
	}
	var (
		classes     map[string]*cms.ClassInfo
		validations map[string]*cms.ValidationStatus
		classErr    error
		validErr    error
	)
	if len(ids) > 0 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			classes, classErr = a.CMS.ClassInfo(ctx, ids)
		}()
		go func() {
			defer wg.Done()
			validations, validErr = a.CMS.ValidationStatus(ctx, ids)
		}()
	}
	wg.Wait()
	if err := errors.Join(creditsErr, classErr, validErr); err != nil {
		return nil, err
	}

	d := &Dashboard{Viewer: DashboardViewer{
		ID:      teacherID,
		Credits: &DashboardCredits{UserBalance: credits.UserBalance, OrgBalance: credits.OrgBalance, OrgID: credits.OrgID},
		Batches: &DashboardPage{
			TotalCount: page.Total, Limit: limit, Offset: offset,
			HasNextPage: offset+limit < page.Total,
			Nodes:       make([]DashboardBatch, len(page.Batches)),
		},
	}}
	for i, b := range page.Batches {
		n := DashboardBatch{
			ID: b.ID, Title: b.Title, Status: strings.ToUpper(b.ClientStatus),
			TotalEssays: b.EssayCount, CompletedEssays: b.CompletedEssayCount, FailedEssays: b.FailedEssayCount,
			CreatedAt: b.CreatedAt, CompletedAt: b.ProcessingCompletedAt,
		}
		if b.Phase != "" {
			p := strings.ToUpper(b.Phase)
			n.ProcessingPhase = &p
		}
		if c := classes[b.ID]; c != nil {
			n.Class = &DashboardClass{ID: c.ClassID, Name: c.ClassName}
		}
		if v := validations[b.ID]; v != nil {
			n.Validation = &DashboardValidation{
				DeviationCount: v.DeviationCount, AutoConfirmDeadline: v.AutoConfirmDeadline,
				TotalAssociations: v.TotalAssociations, ConfirmedAssociations: v.ConfirmedAssociations,
			}
		}
		d.Viewer.Batches.Nodes[i] = n
	}
	return d, nil
}

// RESTHandler serves GET /dashboard?limit=&offset= with a bearer token: the
// REST baseline. It authenticates like the BFF (an HS256 JWT per request)
// and answers {"data": Dashboard} so that both answers weigh the same.
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
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_ = json.NewEncoder(w).Encode(struct {
			Data *Dashboard `json:"data"`
		}{d})
	})
	return mux
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
