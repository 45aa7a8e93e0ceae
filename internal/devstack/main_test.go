package devstack

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// testNow pins the seeded data so expectations do not move with the clock.
var testNow = time.Date(2025, 12, 10, 9, 15, 0, 0, time.UTC)

const testServiceID = "bff-teacher-service"

func startStack(t *testing.T, opts Options) *Stack {
	t.Helper()
	if opts.Now.IsZero() {
		opts.Now = testNow
	}
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	st, err := Start(opts)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, st.Close()) })
	return st
}

// caller is an HTTP client that identifies itself the way the BFF does.
type caller struct {
	t      *testing.T
	client *http.Client
	header http.Header
}

func newCaller(t *testing.T) *caller {
	t.Helper()
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	h := http.Header{}
	h.Set("X-Internal-API-Key", DefaultAPIKey)
	h.Set("X-Service-ID", testServiceID)
	h.Set("X-Correlation-ID", "0d6f3c2e-1a2b-4c3d-8e9f-0a1b2c3d4e5f")
	return &caller{t: t, client: &http.Client{Transport: tr}, header: h}
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

func (c *caller) get(url string) answer {
	c.t.Helper()
	ans, err := c.try(context.Background(), url)
	require.NoError(c.t, err)
	return ans
}

func (c *caller) try(ctx context.Context, url string) (answer, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return answer{}, err
	}
	req.Header = c.header.Clone()
	resp, err := c.client.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, header: resp.Header, body: body}, err
}

// getJSON asserts a JSON answer with the given status and decodes it.
func (c *caller) getJSON(url string, wantStatus int, v any) {
	c.t.Helper()
	ans := c.get(url)
	require.Equal(c.t, wantStatus, ans.status, "body: %s", ans.body)
	require.Equal(c.t, "application/json", ans.header.Get("Content-Type"))
	require.NoError(c.t, json.Unmarshal(ans.body, v), "body: %s", ans.body)
}

// requireError asserts a contract error answer: the status and {"error": "..."}.
func (c *caller) requireError(url string, wantStatus int) string {
	c.t.Helper()
	var e struct {
		Error *string `json:"error"`
	}
	c.getJSON(url, wantStatus, &e)
	require.NotNil(c.t, e.Error)
	require.NotEmpty(c.t, *e.Error)
	return *e.Error
}

// Wire shapes as a client of the contract decodes them.
type wireBatch struct {
	BatchID               string     `json:"batch_id"`
	UserID                string     `json:"user_id"`
	Title                 *string    `json:"title"`
	AssignmentID          *string    `json:"assignment_id"`
	OverallStatus         string     `json:"overall_status"`
	EssayCount            int        `json:"essay_count"`
	CompletedEssayCount   int        `json:"completed_essay_count"`
	FailedEssayCount      int        `json:"failed_essay_count"`
	RequestedPipeline     *string    `json:"requested_pipeline"`
	CurrentPhase          *string    `json:"current_phase"`
	CreatedAt             time.Time  `json:"created_at"`
	LastUpdated           time.Time  `json:"last_updated"`
	ProcessingStartedAt   *time.Time `json:"processing_started_at"`
	ProcessingCompletedAt *time.Time `json:"processing_completed_at"`
	Essays                []struct {
		EssayID            string    `json:"essay_id"`
		Filename           string    `json:"filename"`
		SpellcheckStatus   string    `json:"spellcheck_status"`
		CJAssessmentStatus string    `json:"cj_assessment_status"`
		CJRank             *int      `json:"cj_rank"`
		CJScore            *float64  `json:"cj_score"`
		LastUpdated        time.Time `json:"last_updated"`
	} `json:"essays"`
}

type wireList struct {
	Batches    []wireBatch `json:"batches"`
	Pagination struct {
		Limit  int `json:"limit"`
		Offset int `json:"offset"`
		Total  int `json:"total"`
	} `json:"pagination"`
}

type wireValidation struct {
	BatchID               string     `json:"batch_id"`
	DeviationCount        int        `json:"deviation_count"`
	AutoConfirmDeadline   *time.Time `json:"auto_confirm_deadline"`
	TotalAssociations     int        `json:"total_associations"`
	ConfirmedAssociations int        `json:"confirmed_associations"`
}

type wireClass struct {
	ClassID   string `json:"class_id"`
	ClassName string `json:"class_name"`
}

func listURL(st *Stack, user, query string) string {
	u := st.RAS.URL + "/internal/v1/batches/user/" + user
	if query != "" {
		u += "?" + query
	}
	return u
}

func statusURL(st *Stack, id string) string {
	return st.RAS.URL + "/internal/v1/batches/" + id + "/status"
}

// recorder is a Publisher that keeps what it was given.
type recorder struct {
	mu   sync.Mutex
	msgs []published
	err  error
}

type published struct {
	userID string
	msg    []byte
}

func (r *recorder) Publish(_ context.Context, userID string, message []byte) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return r.err
	}
	r.msgs = append(r.msgs, published{userID, append([]byte(nil), message...)})
	return nil
}

func (r *recorder) take() []published {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.msgs
	r.msgs = nil
	return out
}
