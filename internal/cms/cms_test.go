package cms

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/essaylab/teacher-bff/internal/correlation"
	"github.com/essaylab/teacher-bff/internal/upstream"
	"github.com/essaylab/teacher-bff/internal/upstream/upstreamtest"
)

func TestClassInfoRequest(t *testing.T) {
	s := upstreamtest.NewServer(t, upstreamtest.Expect(t, upstreamtest.Want{
		Path:          "/internal/v1/batches/class-info",
		Query:         url.Values{"batch_ids": {id1 + "," + id2}},
		CorrelationID: "corr-7",
	}, upstreamtest.JSON(200, `{"`+id1+`": {"class_id": "c1", "class_name": "SA22B"}, "`+id2+`": null}`)))
	ctx := correlation.WithID(context.Background(), "corr-7")
	got, err := upstreamtest.NewClient(t, s, New).ClassInfo(ctx, []string{id1, id2, id1})
	if err != nil {
		t.Fatalf("ClassInfo: %v", err)
	}
	if len(got) != 2 || got[id1].ClassName != "SA22B" || got[id2] != nil {
		t.Errorf("class info = %+v", got)
	}
}

func TestValidationStatusRequest(t *testing.T) {
	s := upstreamtest.NewServer(t, upstreamtest.Expect(t, upstreamtest.Want{
		Path:  "/internal/v1/batches/validation-status",
		Query: url.Values{"batch_ids": {id2}},
	}, upstreamtest.JSON(200, `{"`+id2+`": {"batch_id": "`+id2+`", "deviation_count": 1,
		"auto_confirm_deadline": "2025-12-11T09:15:00Z", "total_associations": 2, "confirmed_associations": 1}}`)))
	got, err := upstreamtest.NewClient(t, s, New).ValidationStatus(context.Background(), []string{id2})
	if err != nil {
		t.Fatalf("ValidationStatus: %v", err)
	}
	if v := got[id2]; v == nil || v.DeviationCount != 1 || v.AutoConfirmDeadline == nil {
		t.Errorf("validation status = %+v", got)
	}
}

func TestLookupWithoutCalling(t *testing.T) {
	s := upstreamtest.NewServer(t, upstreamtest.JSON(200, `{}`))
	c := upstreamtest.NewClient(t, s, New)

	for _, ids := range [][]string{nil, {}} {
		got, err := c.ClassInfo(context.Background(), ids)
		if err != nil || got == nil || len(got) != 0 {
			t.Errorf("ClassInfo(%v) = %v, %v; want an empty map", ids, got, err)
		}
	}

	many := make([]string, MaxBatchIDs+1)
	for i := range many {
		many[i] = fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
	}
	for name, ids := range map[string][]string{
		"101 ids":  many,
		"empty id": {id1, ""},
		"comma":    {id1 + "," + id2},
	} {
		_, err := c.ValidationStatus(context.Background(), ids)
		if err == nil || upstream.KindOf(err) != "" {
			t.Errorf("%s: err = %v, want a plain error", name, err)
		}
	}
	if s.Requests() != 0 {
		t.Errorf("%d requests reached CMS", s.Requests())
	}
}

// Exactly MaxBatchIDs distinct ids, even with duplicates on top, go in one call.
func TestMaxBatchIDsInOneCall(t *testing.T) {
	ids := make([]string, 0, 2*MaxBatchIDs)
	answer := make([]string, 0, MaxBatchIDs)
	for i := range MaxBatchIDs {
		id := fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
		ids = append(ids, id, id)
		answer = append(answer, `"`+id+`": null`)
	}
	var sent []string
	s := upstreamtest.NewServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sent = strings.Split(r.URL.Query().Get("batch_ids"), ",")
		upstreamtest.JSON(200, "{"+strings.Join(answer, ",")+"}").ServeHTTP(w, r)
	}))
	got, err := upstreamtest.NewClient(t, s, New).ClassInfo(context.Background(), ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != MaxBatchIDs || len(sent) != MaxBatchIDs || s.Requests() != 1 {
		t.Errorf("%d results, %d ids sent in %d requests", len(got), len(sent), s.Requests())
	}
}

func TestLookupFailures(t *testing.T) {
	tests := []struct {
		name    string
		handler http.Handler
		kind    upstream.Kind
		status  int
	}{
		{"missing key", upstreamtest.JSON(200, `{"`+id1+`": null}`), upstream.KindMalformed, 0},
		{"entry not an object", upstreamtest.JSON(200, `{"`+id1+`": 1, "`+id2+`": null}`), upstream.KindMalformed, 0},
		{"400", upstreamtest.JSON(400, `{"error": "not a UUID"}`), upstream.KindStatus, 400},
		{"502 HTML", upstreamtest.Reply(502, "text/html", "<h1>Bad Gateway</h1>"), upstream.KindStatus, 502},
		{"hang up", upstreamtest.HangUp(), upstream.KindUnavailable, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := upstreamtest.NewServer(t, tt.handler)
			got, err := upstreamtest.NewClient(t, s, New).ClassInfo(context.Background(), []string{id1, id2})
			if got != nil {
				t.Errorf("partial result %v on error", got)
			}
			ue := upstreamtest.AssertError(t, err, upstream.ServiceCMS, EndpointClassInfo, tt.kind)
			if ue != nil && ue.StatusCode != tt.status {
				t.Errorf("StatusCode = %d, want %d", ue.StatusCode, tt.status)
			}
		})
	}
}

func TestHealthy(t *testing.T) {
	s := upstreamtest.NewServer(t, upstreamtest.Expect(t, upstreamtest.Want{Path: "/healthz", NoAuth: true},
		upstreamtest.Reply(503, "", "")))
	err := upstreamtest.NewClient(t, s, New).Healthy(context.Background())
	upstreamtest.AssertError(t, err, upstream.ServiceCMS, "healthz", upstream.KindStatus)
}
