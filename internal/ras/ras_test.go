package ras

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/essaylab/teacher-bff/internal/batchstatus"
	"github.com/essaylab/teacher-bff/internal/correlation"
	"github.com/essaylab/teacher-bff/internal/upstream"
	"github.com/essaylab/teacher-bff/internal/upstream/upstreamtest"
)

func TestListBatchesRequest(t *testing.T) {
	s := upstreamtest.NewServer(t, upstreamtest.Expect(t, upstreamtest.Want{
		Path: "/internal/v1/batches/user/teacher%201",
		Query: url.Values{"limit": {"50"}, "offset": {"40"}, "status": {"processing_pipelines",
			"awaiting_student_validation", "student_validation_completed", "validation_timeout_processed", "guest_class_ready"}},
		CorrelationID: "corr-1",
	}, upstreamtest.JSON(200, string(pageJSON(t, batchFields(map[string]any{"user_id": "teacher 1"}))))))
	c := upstreamtest.NewClient(t, s, New)

	ctx := correlation.WithID(context.Background(), "corr-1")
	p, err := c.ListBatches(ctx, ListParams{UserID: "teacher 1", Limit: 50, Offset: 40,
		Statuses: batchstatus.Internal(batchstatus.Processing)})
	if err != nil {
		t.Fatalf("ListBatches: %v", err)
	}
	if len(p.Batches) != 1 || p.Total != 57 || p.Batches[0].UserID != "teacher 1" {
		t.Errorf("page = %+v", p)
	}
}

func TestListBatchesDefaultsAndDuplicateStatuses(t *testing.T) {
	s := upstreamtest.NewServer(t, upstreamtest.Expect(t, upstreamtest.Want{
		Path:  "/internal/v1/batches/user/teacher-1",
		Query: url.Values{"status": {"cancelled"}},
	}, upstreamtest.JSON(200, string(pageJSON(t)))))
	_, err := upstreamtest.NewClient(t, s, New).ListBatches(context.Background(),
		ListParams{UserID: "teacher-1", Statuses: []string{"cancelled", "cancelled"}})
	if err != nil {
		t.Fatal(err)
	}
}

// Consecutive calls, failed ones included, share one connection.
func TestConnectionReuse(t *testing.T) {
	n := 0
	s := upstreamtest.NewServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n++ // calls are sequential
		if n%2 == 0 {
			upstreamtest.JSON(404, `{"error": "no such batch"}`).ServeHTTP(w, r)
			return
		}
		upstreamtest.JSON(200, string(pageJSON(t))).ServeHTTP(w, r)
	}))
	c := upstreamtest.NewClient(t, s, New)
	for range 3 {
		if _, err := c.ListBatches(context.Background(), ListParams{UserID: "teacher-1"}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.GetBatch(context.Background(), "b1"); !errors.Is(err, ErrNotFound) {
			t.Fatal(err)
		}
	}
	if s.Requests() != 6 || s.Conns() != 1 {
		t.Errorf("%d requests over %d connections, want 6 over 1", s.Requests(), s.Conns())
	}
}

func TestListBatchesRejectsBadParamsWithoutCalling(t *testing.T) {
	s := upstreamtest.NewServer(t, upstreamtest.JSON(200, string(pageJSON(t))))
	c := upstreamtest.NewClient(t, s, New)
	for name, p := range map[string]ListParams{
		"no user":         {},
		"user ..":         {UserID: ".."},
		"limit too big":   {UserID: "u", Limit: 101},
		"limit negative":  {UserID: "u", Limit: -1},
		"offset negative": {UserID: "u", Offset: -1},
		"client status":   {UserID: "u", Statuses: []string{"processing"}},
		"unknown status":  {UserID: "u", Statuses: []string{"queued"}},
	} {
		_, err := c.ListBatches(context.Background(), p)
		if err == nil || upstream.KindOf(err) != "" {
			t.Errorf("%s: err = %v, want a plain error", name, err)
		}
	}
	if s.Requests() != 0 {
		t.Errorf("%d requests reached RAS", s.Requests())
	}
}

func TestListBatchesFailures(t *testing.T) {
	tests := []struct {
		name    string
		handler http.Handler
		kind    upstream.Kind
		want    string // substring of the error
	}{
		{"another user's batch", upstreamtest.JSON(200, `{"batches": [`+
			string(mustJSON(t, batchFields(map[string]any{"user_id": "teacher-2"})))+
			`], "pagination": {"limit": 20, "offset": 0, "total": 1}}`),
			upstream.KindMalformed, `batches[0].user_id: "teacher-2", want "teacher-1"`},
		{"unknown status", upstreamtest.JSON(200, string(pageJSON(t, batchFields(map[string]any{
			"user_id": "teacher-1", "overall_status": "queued"})))), upstream.KindMalformed, "queued"},
		{"missing pagination", upstreamtest.JSON(200, `{"batches": []}`), upstream.KindMalformed, "pagination"},
		{"500", upstreamtest.JSON(500, `{"error": "boom"}`), upstream.KindStatus, "status 500"},
		{"HTML", upstreamtest.Reply(200, "text/html", "<p>hi</p>"), upstream.KindMalformed, "not JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := upstreamtest.NewServer(t, tt.handler)
			_, err := upstreamtest.NewClient(t, s, New).ListBatches(context.Background(), ListParams{UserID: "teacher-1"})
			upstreamtest.AssertError(t, err, upstream.ServiceRAS, EndpointListBatches, tt.kind)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestGetBatch(t *testing.T) {
	id := "5b0d7c1e-0000-4000-8000-000000000001"
	s := upstreamtest.NewServer(t, upstreamtest.Expect(t, upstreamtest.Want{
		Path: "/internal/v1/batches/" + id + "/status",
	}, upstreamtest.JSON(200, string(statusJSON(t, []map[string]any{{"essay_id": "e1", "filename": "a.docx"}}, nil)))))
	b, err := upstreamtest.NewClient(t, s, New).GetBatch(context.Background(), id)
	if err != nil {
		t.Fatalf("GetBatch: %v", err)
	}
	if b.ID != id || b.UserID != "teacher-1" || len(b.Essays) != 1 || b.Essays[0].Filename != "a.docx" {
		t.Errorf("batch = %+v", b)
	}
}

func TestGetBatchFailures(t *testing.T) {
	tests := []struct {
		name     string
		id       string
		handler  http.Handler
		kind     upstream.Kind // "" = not an upstream error
		notFound bool
	}{
		{"404", "b1", upstreamtest.JSON(404, `{"error": "not found"}`), upstream.KindStatus, true},
		{"500", "b1", upstreamtest.JSON(500, `{"error": "boom"}`), upstream.KindStatus, false},
		{"another batch", "b1", upstreamtest.JSON(200, string(statusJSON(t, []any{}, map[string]any{"batch_id": "b2"}))),
			upstream.KindMalformed, false},
		{"no essays", "5b0d7c1e-0000-4000-8000-000000000001", upstreamtest.JSON(200, string(statusJSON(t, nil, nil))),
			upstream.KindMalformed, false},
		{"empty id", "", http.NotFoundHandler(), "", true},
		{"dot-dot id", "..", http.NotFoundHandler(), "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := upstreamtest.NewServer(t, tt.handler)
			b, err := upstreamtest.NewClient(t, s, New).GetBatch(context.Background(), tt.id)
			if b != nil || err == nil {
				t.Fatalf("GetBatch = %+v, %v; want an error", b, err)
			}
			if errors.Is(err, ErrNotFound) != tt.notFound {
				t.Errorf("errors.Is(%v, ErrNotFound) = %v, want %v", err, !tt.notFound, tt.notFound)
			}
			if tt.kind == "" {
				if s.Requests() != 0 {
					t.Errorf("an invalid id reached RAS")
				}
				return
			}
			upstreamtest.AssertError(t, err, upstream.ServiceRAS, EndpointBatchStatus, tt.kind)
		})
	}
}

func TestUnavailableAndHealthy(t *testing.T) {
	c, err := New(upstream.Config{BaseURL: upstreamtest.ClosedURL(t), APIKey: "k", ServiceID: "s"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = c.GetBatch(context.Background(), "b1")
	upstreamtest.AssertError(t, err, upstream.ServiceRAS, EndpointBatchStatus, upstream.KindUnavailable)
	upstreamtest.AssertError(t, c.Healthy(context.Background()), upstream.ServiceRAS, "healthz", upstream.KindUnavailable)

	s := upstreamtest.NewServer(t, upstreamtest.Expect(t, upstreamtest.Want{Path: "/healthz", NoAuth: true},
		upstreamtest.Reply(200, "", "")))
	if err := upstreamtest.NewClient(t, s, New).Healthy(context.Background()); err != nil {
		t.Errorf("Healthy = %v", err)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	if _, err := New(upstream.Config{BaseURL: "http://x"}); err == nil {
		t.Error("New without credentials = nil error")
	}
}
