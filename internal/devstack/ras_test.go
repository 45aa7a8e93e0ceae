package devstack

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var processingStatuses = []string{
	StatusProcessingPipelines, StatusAwaitingStudentValidation, StatusStudentValidationCompleted,
	StatusValidationTimeoutProcessed, StatusGuestClassReady,
}

func statusQuery(limit int, statuses ...string) string {
	q := url.Values{"status": statuses}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	return q.Encode()
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestListBatchesPagination(t *testing.T) {
	st := startStack(t, Options{})
	c := newCaller(t)
	all := st.Store.BatchIDs(TeacherWithOrg)
	require.GreaterOrEqual(t, len(all), 60)

	tests := []struct {
		name                 string
		query                string
		wantLimit, wantOffst int
	}{
		{"defaults", "", 20, 0},
		{"limit 1", "limit=1", 1, 0},
		{"limit 50", "limit=50", 50, 0},
		{"limit 100", "limit=100", 100, 0},
		{"second page", "limit=20&offset=20", 20, 20},
		{"last partial page", "limit=20&offset=" + itoa(len(all)-7), 20, len(all) - 7},
		{"offset at total", "offset=" + itoa(len(all)), 20, len(all)},
		{"offset past total", "limit=5&offset=1000", 5, 1000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got wireList
			c.getJSON(listURL(st, TeacherWithOrg, tt.query), http.StatusOK, &got)
			assert.Equal(t, tt.wantLimit, got.Pagination.Limit)
			assert.Equal(t, tt.wantOffst, got.Pagination.Offset)
			assert.Equal(t, len(all), got.Pagination.Total)
			want := all[min(tt.wantOffst, len(all)):min(tt.wantOffst+tt.wantLimit, len(all))]
			assert.Equal(t, want, batchIDsOf(got.Batches))
			assert.NotNil(t, got.Batches, "an empty page is [], not null")
		})
	}
}

func TestListBatchesNewestFirstAndStable(t *testing.T) {
	st := startStack(t, Options{})
	c := newCaller(t)
	var pages []wireBatch
	for offset := 0; ; offset += 7 {
		var got wireList
		c.getJSON(listURL(st, TeacherWithOrg, "limit=7&offset="+itoa(offset)), http.StatusOK, &got)
		if len(got.Batches) == 0 {
			break
		}
		pages = append(pages, got.Batches...)
	}
	require.Len(t, pages, len(st.Store.BatchIDs(TeacherWithOrg)))
	ties := 0
	for i := 1; i < len(pages); i++ {
		prev, cur := pages[i-1], pages[i]
		require.False(t, cur.CreatedAt.After(prev.CreatedAt), "row %d is newer than row %d", i, i-1)
		if cur.CreatedAt.Equal(prev.CreatedAt) {
			ties++
			assert.Less(t, prev.BatchID, cur.BatchID, "equal created_at is ordered by batch id")
		}
		assert.Equal(t, TeacherWithOrg, cur.UserID)
	}
	assert.Positive(t, ties, "the seed has batches with equal created_at")
}

func TestListBatchesStatusFilter(t *testing.T) {
	st := startStack(t, Options{})
	c := newCaller(t)
	tests := []struct {
		name      string
		user      string
		statuses  []string
		limit     int
		wantTotal int // -1: compare with the store
		wantAtLst int
	}{
		{"processing group (repeated status)", TeacherWithOrg, processingStatuses, 50, -1, 50},
		{"completed successfully", TeacherWithOrg, []string{StatusCompletedSuccessfully}, 20, -1, 20},
		{"completed with failures", TeacherWithOrg, []string{StatusCompletedWithFailures}, 20, -1, 20},
		{"failed pair", TeacherWithOrg, []string{StatusContentIngestionFailed, StatusFailedCritically}, 0, -1, 2},
		{"one status", TeacherWithoutOrg, []string{StatusCancelled}, 0, -1, 1},
		{"teacher without batches", TeacherEmpty, []string{StatusCancelled}, 0, 0, 0},
		{"unknown teacher", "teacher-404", nil, 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, total := st.Store.ListBatches(tt.user, tt.statuses, max(tt.limit, DefaultLimit), 0)
			if tt.wantTotal >= 0 {
				require.Equal(t, tt.wantTotal, total)
			}
			require.GreaterOrEqual(t, total, tt.wantAtLst)
			var got wireList
			c.getJSON(listURL(st, tt.user, statusQuery(tt.limit, tt.statuses...)), http.StatusOK, &got)
			assert.Equal(t, total, got.Pagination.Total)
			wantIDs := make([]string, len(want))
			for i, b := range want {
				wantIDs[i] = b.ID
			}
			assert.Equal(t, wantIDs, batchIDsOf(got.Batches))
			for _, b := range got.Batches {
				if len(tt.statuses) > 0 {
					assert.Contains(t, tt.statuses, b.OverallStatus)
				}
			}
		})
	}
}

func TestListBatchesRejectsBadQueries(t *testing.T) {
	st := startStack(t, Options{})
	c := newCaller(t)
	for _, q := range []string{
		"limit=0", "limit=101", "limit=-5", "limit=ten", "limit=", "limit=5&limit=6",
		"offset=-1", "offset=x",
		"status=processing", // a client status: RAS filters by internal ones
		"status=bogus", "status=", "status=cancelled&status=nope",
	} {
		t.Run(q, func(t *testing.T) {
			c.requireError(listURL(st, TeacherWithOrg, q), http.StatusBadRequest)
		})
	}
}

func TestBatchStatus(t *testing.T) {
	st := startStack(t, Options{})
	c := newCaller(t)
	for _, id := range st.Store.BatchIDs(TeacherWithOrg) {
		want, _ := st.Store.Batch(id)
		var got wireBatch
		c.getJSON(statusURL(st, id), http.StatusOK, &got)
		require.Equal(t, id, got.BatchID)
		assert.Equal(t, TeacherWithOrg, got.UserID)
		assert.Equal(t, want.Status, got.OverallStatus)
		require.Len(t, got.Essays, got.EssayCount)
		completed, failed := 0, 0
		for i, e := range got.Essays {
			assert.Equal(t, want.Essays[i].ID, e.EssayID)
			assert.Regexp(t, `^elev\d\d\.(docx|pdf)$`, e.Filename)
			scFailed, cjFailed := e.SpellcheckStatus == EssayFailed, e.CJAssessmentStatus == EssayFailed
			if scFailed || cjFailed {
				failed++
			} else if e.SpellcheckStatus == EssayCompleted && e.CJAssessmentStatus == EssayCompleted {
				completed++
			}
			cjDone := e.CJAssessmentStatus == EssayCompleted
			assert.Equal(t, cjDone, e.CJRank != nil, "cj_rank set exactly for completed cj")
			assert.Equal(t, cjDone, e.CJScore != nil, "cj_score set exactly for completed cj")
		}
		assert.Equal(t, completed, got.CompletedEssayCount, "completed_essay_count of %s", id)
		assert.Equal(t, failed, got.FailedEssayCount, "failed_essay_count of %s", id)
		assert.Equal(t, nonEmpty(want.CurrentPhase()), got.CurrentPhase)
	}
}

func TestBatchStatusNotFound(t *testing.T) {
	st := startStack(t, Options{})
	c := newCaller(t)
	for _, id := range []string{"00000000-0000-4000-8000-000000000000", "not-a-uuid"} {
		c.requireError(statusURL(st, id), http.StatusNotFound)
	}
}

func TestBatchOptionalFields(t *testing.T) {
	st := startStack(t, Options{})
	c := newCaller(t)
	base := Batch{ID: "6f1c2b7a-3d4e-4f50-8a9b-0c1d2e3f4a5b", UserID: TeacherWithOrg,
		Status: StatusAwaitingPipelineConfiguration, CreatedAt: testNow}
	require.NoError(t, st.Store.PutBatch(base))

	ans := c.get(statusURL(st, base.ID))
	require.Equal(t, http.StatusOK, ans.status)
	var raw map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(ans.body, &raw))
	assert.JSONEq(t, "null", string(raw["title"]))
	assert.JSONEq(t, "null", string(raw["current_phase"]), "no essays, no phase")
	assert.JSONEq(t, "null", string(raw["processing_started_at"]))
	assert.JSONEq(t, "null", string(raw["processing_completed_at"]))
	assert.JSONEq(t, "[]", string(raw["essays"]))
	assert.NotContains(t, raw, "assignment_id", "absent is allowed too")
	assert.NotContains(t, raw, "requested_pipeline")
	assert.JSONEq(t, `"2025-12-10T09:15:00Z"`, string(raw["created_at"]))
}

func TestCurrentPhaseDerivation(t *testing.T) {
	st := startStack(t, Options{})
	c := newCaller(t)
	e := func(sc, cj string) Essay { return Essay{SpellcheckStatus: sc, CJAssessmentStatus: cj} }
	P, R, C, F, X := EssayPending, EssayProcessing, EssayCompleted, EssayFailed, EssayCancelled
	tests := []struct {
		name                      string
		essays                    []Essay
		wantPhase                 *string
		wantCompleted, wantFailed int
		overallStatus             string
	}{
		{"no essays", nil, nil, 0, 0, StatusProcessingPipelines},
		{"all pending", []Essay{e(P, P), e(P, P)}, ptr(PhaseSpellcheck), 0, 0, StatusProcessingPipelines},
		{"one spellcheck processing", []Essay{e(C, P), e(R, P)}, ptr(PhaseSpellcheck), 0, 0, StatusProcessingPipelines},
		{"spellcheck done, cj pending", []Essay{e(C, P), e(C, P)}, ptr(PhaseCJAssessment), 0, 0, StatusProcessingPipelines},
		{"spellcheck failed counts as done", []Essay{e(F, X), e(C, R)}, ptr(PhaseCJAssessment), 0, 1, StatusProcessingPipelines},
		{"spellcheck cancelled counts as done", []Essay{e(X, X), e(C, P)}, ptr(PhaseCJAssessment), 0, 0, StatusProcessingPipelines},
		{"cj partly done", []Essay{e(C, C), e(C, R), e(C, F)}, ptr(PhaseCJAssessment), 1, 1, StatusProcessingPipelines},
		{"all complete", []Essay{e(C, C), e(C, C)}, nil, 2, 0, StatusProcessingPipelines},
		{"all complete with failures", []Essay{e(C, C), e(F, X), e(C, F)}, nil, 1, 2, StatusCompletedWithFailures},
		{"spellcheck before cj even when cj started", []Essay{e(P, C), e(C, C)}, ptr(PhaseSpellcheck), 1, 0, StatusProcessingPipelines},
		{"reported outside processing too", []Essay{e(P, P)}, ptr(PhaseSpellcheck), 0, 0, StatusReadyForPipelineExecution},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := Batch{ID: seedID(99, "phase-test", i), UserID: TeacherWithOrg, Status: tt.overallStatus}
			for k, es := range tt.essays {
				es.ID, es.Filename = seedID(99, "phase-essay", i, k), "elev0"+itoa(k+1)+".docx"
				b.Essays = append(b.Essays, es)
			}
			require.NoError(t, st.Store.PutBatch(b))
			assert.Equal(t, tt.wantPhase, nonEmpty(b.CurrentPhase()))

			var got wireBatch
			c.getJSON(statusURL(st, b.ID), http.StatusOK, &got)
			assert.Equal(t, tt.wantPhase, got.CurrentPhase)
			assert.Equal(t, len(tt.essays), got.EssayCount)
			assert.Equal(t, tt.wantCompleted, got.CompletedEssayCount)
			assert.Equal(t, tt.wantFailed, got.FailedEssayCount)
		})
	}
}

func TestAuth(t *testing.T) {
	st := startStack(t, Options{AllowedServiceIDs: []string{testServiceID, "admin-dashboard"}})
	ok := "a1b2c3d4-0000-4000-8000-000000000001"
	urls := map[string]string{
		EndpointListBatches:      listURL(st, TeacherWithOrg, ""),
		EndpointBatchStatus:      statusURL(st, st.Store.BatchIDs(TeacherWithOrg)[0]),
		EndpointClassInfo:        st.CMS.URL + "/internal/v1/batches/class-info?batch_ids=" + ok,
		EndpointValidationStatus: st.CMS.URL + "/internal/v1/batches/validation-status?batch_ids=" + ok,
		EndpointBalance:          st.Entitlements.URL + "/v1/entitlements/balance/" + TeacherWithOrg,
	}
	tests := []struct {
		name       string
		key, svcID string
		want       int
	}{
		{"valid", DefaultAPIKey, testServiceID, http.StatusOK},
		{"other allowed service", DefaultAPIKey, "admin-dashboard", http.StatusOK},
		{"missing key", "", testServiceID, http.StatusUnauthorized},
		{"wrong key", "guess", testServiceID, http.StatusUnauthorized},
		{"key prefix", DefaultAPIKey[:5], testServiceID, http.StatusUnauthorized},
		{"missing service id", DefaultAPIKey, "", http.StatusUnauthorized},
		{"service not allowed", DefaultAPIKey, "someone-else", http.StatusUnauthorized},
	}
	for _, tt := range tests {
		for endpoint, u := range urls {
			t.Run(tt.name+"/"+endpoint, func(t *testing.T) {
				c := newCaller(t)
				c.header.Del("X-Internal-API-Key")
				c.header.Del("X-Service-ID")
				if tt.key != "" {
					c.header.Set("X-Internal-API-Key", tt.key)
				}
				if tt.svcID != "" {
					c.header.Set("X-Service-ID", tt.svcID)
				}
				if tt.want == http.StatusOK {
					var v any
					c.getJSON(u, http.StatusOK, &v)
					return
				}
				c.requireError(u, tt.want)
			})
		}
	}
}

func TestAnyServiceIDWithoutAllowList(t *testing.T) {
	st := startStack(t, Options{APIKey: "s3cret"})
	c := newCaller(t)
	c.header.Set("X-Service-ID", "anything")
	c.requireError(listURL(st, TeacherWithOrg, ""), http.StatusUnauthorized) // default key no longer valid
	c.header.Set("X-Internal-API-Key", "s3cret")
	var got wireList
	c.getJSON(listURL(st, TeacherWithOrg, ""), http.StatusOK, &got)
	assert.Len(t, got.Batches, DefaultLimit)
}

func batchIDsOf(bs []wireBatch) []string {
	ids := make([]string, len(bs))
	for i, b := range bs {
		ids[i] = b.BatchID
	}
	return ids
}

func ptr[T any](v T) *T { return &v }
