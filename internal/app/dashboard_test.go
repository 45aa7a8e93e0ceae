package app_test

import (
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/devstack"
	"github.com/essaylab/teacher-bff/internal/testenv"
)

type batchRow struct {
	ID              string     `json:"id"`
	Title           string     `json:"title"`
	Status          string     `json:"status"`
	ProcessingPhase *string    `json:"processingPhase"`
	TotalEssays     int        `json:"totalEssays"`
	CompletedEssays int        `json:"completedEssays"`
	FailedEssays    int        `json:"failedEssays"`
	CreatedAt       time.Time  `json:"createdAt"`
	CompletedAt     *time.Time `json:"completedAt"`
	Class           *struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"class"`
	Validation *struct {
		DeviationCount        int        `json:"deviationCount"`
		AutoConfirmDeadline   *time.Time `json:"autoConfirmDeadline"`
		TotalAssociations     int        `json:"totalAssociations"`
		ConfirmedAssociations int        `json:"confirmedAssociations"`
	} `json:"validation"`
}

type page struct {
	TotalCount  int        `json:"totalCount"`
	Limit       int        `json:"limit"`
	Offset      int        `json:"offset"`
	HasNextPage bool       `json:"hasNextPage"`
	Nodes       []batchRow `json:"nodes"`
}

type dashboard struct {
	Viewer *struct {
		ID      string `json:"id"`
		Credits *struct {
			UserBalance int     `json:"userBalance"`
			OrgBalance  *int    `json:"orgBalance"`
			OrgID       *string `json:"orgId"`
		} `json:"credits"`
		Batches *page `json:"batches"`
	} `json:"viewer"`
}

func TestTeacherDashboardServesTheStore(t *testing.T) {
	env := testenv.Start(t)
	var got dashboard
	resp := env.Do(t, testenv.Request{
		Query:     testenv.Operation(t, "TeacherDashboard"),
		Variables: map[string]any{"limit": 10, "offset": 5},
		Token:     env.Token(t, devstack.TeacherWithOrg),
	}, &got)
	require.Empty(t, resp.Errors)
	require.Equal(t, 200, resp.Status)

	v := got.Viewer
	require.NotNil(t, v)
	assert.Equal(t, devstack.TeacherWithOrg, v.ID)
	require.NotNil(t, v.Credits)
	assert.Equal(t, devstack.TeacherWithOrgBalance, v.Credits.UserBalance)
	require.NotNil(t, v.Credits.OrgBalance)
	assert.Equal(t, devstack.OrgBalance, *v.Credits.OrgBalance)
	assert.Equal(t, devstack.OrgID, *v.Credits.OrgID)

	ids := env.Stack.Store.BatchIDs(devstack.TeacherWithOrg)
	require.NotNil(t, v.Batches)
	assert.Equal(t, len(ids), v.Batches.TotalCount)
	assert.Equal(t, 10, v.Batches.Limit)
	assert.Equal(t, 5, v.Batches.Offset)
	assert.True(t, v.Batches.HasNextPage)
	require.Len(t, v.Batches.Nodes, 10)

	for i, n := range v.Batches.Nodes {
		assert.True(t, i == 0 || !n.CreatedAt.After(v.Batches.Nodes[i-1].CreatedAt), "newest first")
		b, ok := env.Stack.Store.Batch(n.ID)
		require.True(t, ok)
		assert.Equal(t, devstack.TeacherWithOrg, b.UserID)
		assert.Equal(t, len(b.Essays), n.TotalEssays)
		if b.ClassID == "" {
			assert.Nil(t, n.Class, "batch %s has no class", n.ID)
		} else {
			require.NotNil(t, n.Class)
			assert.Equal(t, b.ClassID, n.Class.ID)
			c, _ := env.Stack.Store.Class(b.ClassID)
			assert.Equal(t, c.Name, n.Class.Name)
		}
		if n.Status != "PROCESSING" {
			assert.Nil(t, n.ProcessingPhase, "no phase outside PROCESSING (batch %s is %s)", n.ID, n.Status)
		}
	}
}

func TestTeacherWithoutOrgHasNullOrgCredits(t *testing.T) {
	env := testenv.Start(t)
	var got dashboard
	resp := env.Do(t, testenv.Request{
		Query: testenv.Operation(t, "TeacherDashboard"),
		Token: env.Token(t, devstack.TeacherWithoutOrg),
	}, &got)
	require.Empty(t, resp.Errors)
	require.NotNil(t, got.Viewer.Credits)
	assert.Nil(t, got.Viewer.Credits.OrgBalance)
	assert.Nil(t, got.Viewer.Credits.OrgID)
	assert.Equal(t, 20, got.Viewer.Batches.Limit, "default limit")
	assert.Equal(t, 0, got.Viewer.Batches.Offset, "default offset")
}

// The status filter sends every internal status of the client status to
// RAS, as repeated parameters.
func TestStatusFilterSendsAllInternalStatuses(t *testing.T) {
	env := testenv.Start(t)
	var got dashboard
	resp := env.Do(t, testenv.Request{
		Query:     testenv.Operation(t, "TeacherDashboard"),
		Variables: map[string]any{"status": "PROCESSING", "limit": 100},
		Token:     env.Token(t, devstack.TeacherWithOrg),
	}, &got)
	require.Empty(t, resp.Errors)

	reqs := env.Stack.RAS.Requests()
	var list []devstack.Request
	for _, r := range reqs {
		if r.Endpoint == "list-batches" {
			list = append(list, r)
		}
	}
	require.Len(t, list, 1)
	q := parseQuery(t, list[0].RawQuery)
	statuses := q["status"]
	sort.Strings(statuses)
	assert.Equal(t, []string{"awaiting_student_validation", "guest_class_ready", "processing_pipelines",
		"student_validation_completed", "validation_timeout_processed"}, statuses)

	require.NotEmpty(t, got.Viewer.Batches.Nodes)
	phases := 0
	for _, n := range got.Viewer.Batches.Nodes {
		assert.Equal(t, "PROCESSING", n.Status)
		b, _ := env.Stack.Store.Batch(n.ID)
		if b.Status == "processing_pipelines" && n.ProcessingPhase != nil {
			phases++
		}
		if b.Status != "processing_pipelines" {
			assert.Nil(t, n.ProcessingPhase, "phase only while processing_pipelines (batch %s is %s)", n.ID, b.Status)
		}
	}
	assert.Positive(t, phases, "some processing batches show their phase")
}
