package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/devstack"
	"github.com/essaylab/teacher-bff/internal/testenv"
)

// errorAt returns the error whose path starts with prefix.
func errorAt(r *testenv.Response, prefix ...any) *testenv.Error {
	for i := range r.Errors {
		p := r.Errors[i].Path
		if len(p) < len(prefix) {
			continue
		}
		match := true
		for j := range prefix {
			if p[j] != prefix[j] {
				match = false
			}
		}
		if match {
			return &r.Errors[i]
		}
	}
	return nil
}

// An upstream failure nulls only what depends on it, with a coded error at
// that path.
func TestPartialFailures(t *testing.T) {
	cases := []struct {
		name     string
		fault    func(*devstack.Stack)
		path     []any
		code     string
		service  string
		check    func(t *testing.T, d dashboard)
		minCount int
	}{
		{
			name: "entitlements error: credits null, batches come",
			fault: func(s *devstack.Stack) {
				s.Entitlements.SetFault(devstack.Fault{Kind: devstack.FaultStatus, StatusCode: 500})
			},
			path:    []any{"viewer", "credits"},
			code:    "UPSTREAM_ERROR",
			service: "entitlements",
			check: func(t *testing.T, d dashboard) {
				assert.Nil(t, d.Viewer.Credits)
				require.NotNil(t, d.Viewer.Batches)
				assert.NotEmpty(t, d.Viewer.Batches.Nodes)
			},
		},
		{
			name:    "entitlements timeout",
			fault:   func(s *devstack.Stack) { s.Entitlements.SetFault(devstack.Fault{Kind: devstack.FaultTimeout}) },
			path:    []any{"viewer", "credits"},
			code:    "UPSTREAM_TIMEOUT",
			service: "entitlements",
			check:   func(t *testing.T, d dashboard) { assert.Nil(t, d.Viewer.Credits); assert.NotNil(t, d.Viewer.Batches) },
		},
		{
			name:    "ras malformed: batches null, credits come",
			fault:   func(s *devstack.Stack) { s.RAS.SetFault(devstack.Fault{Kind: devstack.FaultMalformed}) },
			path:    []any{"viewer", "batches"},
			code:    "UPSTREAM_ERROR",
			service: "ras",
			check: func(t *testing.T, d dashboard) {
				assert.Nil(t, d.Viewer.Batches)
				require.NotNil(t, d.Viewer.Credits)
				assert.Equal(t, devstack.TeacherWithOrgBalance, d.Viewer.Credits.UserBalance)
			},
		},
		{
			name: "ras wrong types",
			fault: func(s *devstack.Stack) {
				s.RAS.SetFault(devstack.Fault{Kind: devstack.FaultMalformed, WrongTypes: true})
			},
			path:    []any{"viewer", "batches"},
			code:    "UPSTREAM_ERROR",
			service: "ras",
			check:   func(t *testing.T, d dashboard) { assert.Nil(t, d.Viewer.Batches); assert.NotNil(t, d.Viewer.Credits) },
		},
		{
			name: "cms error with a non-JSON body: class and validation null, batches come",
			fault: func(s *devstack.Stack) {
				s.CMS.SetFault(devstack.Fault{Kind: devstack.FaultStatus, StatusCode: 502, NonJSON: true})
			},
			path:    []any{"viewer", "batches", "nodes"},
			code:    "UPSTREAM_ERROR",
			service: "cms",
			check: func(t *testing.T, d dashboard) {
				require.NotNil(t, d.Viewer.Batches)
				require.NotEmpty(t, d.Viewer.Batches.Nodes)
				for _, n := range d.Viewer.Batches.Nodes {
					assert.Nil(t, n.Class)
					assert.Nil(t, n.Validation)
					assert.NotEmpty(t, n.Title)
				}
				assert.NotNil(t, d.Viewer.Credits)
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := testenv.Start(t)
			tc.fault(env.Stack)
			var got dashboard
			resp := env.Do(t, testenv.Request{
				Query:  testenv.Operation(t, "TeacherDashboard"),
				Token:  env.Token(t, devstack.TeacherWithOrg),
				Header: map[string]string{"X-Correlation-ID": "corr-partial-1"},
			}, &got)
			assert.Equal(t, 200, resp.Status, "a partial result is a result")
			require.NotNil(t, got.Viewer)
			tc.check(t, got)

			e := errorAt(resp, tc.path...)
			require.NotNil(t, e, "an error at %v in %s", tc.path, resp.Body)
			assert.Equal(t, tc.code, e.Extensions["code"])
			assert.Equal(t, tc.service, e.Extensions["service"])
			assert.Equal(t, "corr-partial-1", e.Extensions["correlationId"])
			assertNoLeaks(t, env, resp)
		})
	}
}

// An upstream that cannot be reached is UPSTREAM_UNAVAILABLE.
func TestUnreachableUpstream(t *testing.T) {
	env := testenv.Start(t, func(c *configT, _ *optionsT) { c.EntitlementsURL = "http://127.0.0.1:1" })
	var got dashboard
	resp := env.Do(t, testenv.Request{Query: `{ viewer { credits { userBalance } } }`, Token: env.Token(t, devstack.TeacherWithOrg)}, &got)
	e := errorAt(resp, "viewer", "credits")
	require.NotNil(t, e)
	assert.Equal(t, "UPSTREAM_UNAVAILABLE", e.Extensions["code"])
	assert.Equal(t, "entitlements", e.Extensions["service"])
	assertNoLeaks(t, env, resp)
}

// Nothing internal reaches the client: no upstream URL, key, or upstream
// error text.
func assertNoLeaks(t *testing.T, env *testenv.Env, resp *testenv.Response) {
	t.Helper()
	body := string(resp.Body)
	for _, secret := range []string{devstack.DefaultAPIKey, env.Stack.RAS.URL, env.Stack.CMS.URL, env.Stack.Entitlements.URL, "127.0.0.1", "goroutine", ".go:"} {
		assert.NotContains(t, body, secret)
	}
	for _, e := range resp.Errors {
		assert.NotEmpty(t, e.Extensions["code"], "every error has a code: %s", body)
		assert.NotEmpty(t, e.Extensions["correlationId"], "every error has the correlation id: %s", body)
	}
}

// Arguments out of range are refused before any upstream call.
func TestPageArgumentsValidated(t *testing.T) {
	cases := []struct {
		name string
		vars map[string]any
		msg  string
	}{
		{"limit zero", map[string]any{"limit": 0}, "limit"},
		{"limit over 100", map[string]any{"limit": 101}, "limit"},
		{"negative offset", map[string]any{"offset": -1}, "offset"},
	}
	env := testenv.Start(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env.ResetCounts()
			var got dashboard
			resp := env.Do(t, testenv.Request{
				Query:     `query($limit: Int, $offset: Int) { viewer { batches(limit: $limit, offset: $offset) { totalCount } } }`,
				Variables: tc.vars,
				Token:     env.Token(t, devstack.TeacherWithOrg),
			}, &got)
			e := errorAt(resp, "viewer", "batches")
			require.NotNil(t, e, string(resp.Body))
			assert.Equal(t, "BAD_USER_INPUT", e.Extensions["code"])
			assert.Contains(t, e.Message, tc.msg)
			assert.Zero(t, env.Stack.RAS.Count("list-batches"), "no RAS call for a bad argument")
		})
	}
}

// The correlation id of the request reaches every upstream call and comes
// back on the response; without one, the BFF makes one.
func TestCorrelationIDForwarded(t *testing.T) {
	env := testenv.Start(t)
	resp := env.Do(t, testenv.Request{
		Query:  testenv.Operation(t, "TeacherDashboard"),
		Token:  env.Token(t, devstack.TeacherWithOrg),
		Header: map[string]string{"X-Correlation-ID": "dash-42"},
	}, nil)
	require.Empty(t, resp.Errors)
	assert.Equal(t, "dash-42", resp.Header.Get("X-Correlation-ID"))
	n := 0
	for _, s := range env.Stack.Services() {
		for _, r := range s.Requests() {
			if r.Endpoint == "healthz" {
				continue
			}
			n++
			assert.Equal(t, "dash-42", r.Header.Get("X-Correlation-ID"), "%s %s", s.Name(), r.Endpoint)
			assert.Equal(t, devstack.DefaultAPIKey, r.Header.Get("X-Internal-API-Key"))
			assert.Equal(t, "bff-teacher-service", r.Header.Get("X-Service-ID"))
		}
	}
	assert.GreaterOrEqual(t, n, 4)

	resp = env.Do(t, testenv.Request{Query: `{ viewer { id } }`, Token: env.Token(t, devstack.TeacherWithOrg)}, nil)
	id := resp.Header.Get("X-Correlation-ID")
	assert.Len(t, id, 36, "a fresh UUID")
	assert.False(t, strings.Contains(id, " "))
}

// A slow upstream is cut off by the per-call timeout.
func TestUpstreamTimeoutBounded(t *testing.T) {
	env := testenv.Start(t, func(c *configT, _ *optionsT) { c.UpstreamTimeout = 200 * time.Millisecond })
	env.Stack.RAS.SetLatency(2*time.Second, 0)
	resp := env.Do(t, testenv.Request{Query: `{ viewer { batches { totalCount } } }`, Token: env.Token(t, devstack.TeacherWithOrg)}, nil)
	e := errorAt(resp, "viewer", "batches")
	require.NotNil(t, e)
	assert.Equal(t, "UPSTREAM_TIMEOUT", e.Extensions["code"])
	assert.Equal(t, "ras", e.Extensions["service"])
}
