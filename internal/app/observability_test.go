package app_test

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/devstack"
	"github.com/essaylab/teacher-bff/internal/testenv"
)

func scrape(t *testing.T, env *testenv.Env) string {
	t.Helper()
	srv := httptest.NewServer(env.App.MetricsHandler)
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL + "/metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(b)
}

// The metrics an operator watches move when the BFF works.
func TestMetricsExposed(t *testing.T) {
	env := testenv.Start(t)
	env.Stack.Entitlements.SetFault(devstack.Fault{Kind: devstack.FaultStatus, StatusCode: 404})
	for range 2 {
		resp := env.Do(t, testenv.Request{
			Query:         testenv.Operation(t, "TeacherDashboard"),
			OperationName: "TeacherDashboard",
			Token:         env.Token(t, devstack.TeacherWithOrg),
		}, nil)
		require.NotEmpty(t, resp.Errors)
	}
	m := scrape(t, env)
	for _, want := range []string{
		`bff_graphql_operations_total{operation="TeacherDashboard",type="query"} 2`,
		`bff_graphql_errors_total{code="UPSTREAM_ERROR"} 2`,
		`bff_upstream_requests_total{endpoint="list-batches",outcome="ok",service="ras"} 2`,
		`bff_upstream_requests_total{endpoint="balance",outcome="status_404",service="entitlements"} 2`,
		`bff_loader_batch_size_count{loader="validation"} 2`,
		`bff_cache_lookups_total{cache="class-info",result="hit"} 20`,
		`bff_cache_lookups_total{cache="class-info",result="miss"} 20`,
		`bff_upstream_circuit_state{service="cms"} 0`,
		`bff_subscriptions_active 0`,
		`bff_events_dropped_total{reason="malformed"} 0`,
		`bff_upstream_request_duration_seconds_bucket{endpoint="class-info",service="cms",le="+Inf"} 1`,
	} {
		assert.Contains(t, m, want)
	}
}

// The caller's W3C trace context reaches every upstream call: same trace,
// a new parent span.
func TestTraceContextPropagated(t *testing.T) {
	env := testenv.Start(t)
	const traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
	incoming := "00-" + traceID + "-00f067aa0ba902b7-01"
	resp := env.Do(t, testenv.Request{
		Query:  testenv.Operation(t, "TeacherDashboard"),
		Token:  env.Token(t, devstack.TeacherWithOrg),
		Header: map[string]string{"traceparent": incoming},
	}, nil)
	require.Empty(t, resp.Errors)
	n := 0
	for _, s := range env.Stack.Services() {
		for _, r := range s.Requests() {
			if r.Endpoint == "healthz" {
				continue
			}
			n++
			tp := r.Header.Get("traceparent")
			assert.True(t, strings.HasPrefix(tp, "00-"+traceID+"-"), "%s %s: %q", s.Name(), r.Endpoint, tp)
		}
	}
	assert.GreaterOrEqual(t, n, 4)
}
