package bench_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/auth"
	"github.com/essaylab/teacher-bff/internal/bench"
	"github.com/essaylab/teacher-bff/internal/cms"
	"github.com/essaylab/teacher-bff/internal/devstack"
	"github.com/essaylab/teacher-bff/internal/entitlements"
	"github.com/essaylab/teacher-bff/internal/ras"
	"github.com/essaylab/teacher-bff/internal/testenv"
	"github.com/essaylab/teacher-bff/internal/upstream"
)

// The REST baseline answers each operation with the BFF's data, field for
// field, and with the same upstream calls: otherwise the ratios bffbench
// reports would compare different work.
func TestRESTBaselineAnswersAsTheBFF(t *testing.T) {
	env := testenv.Start(t)
	up := func(url string) upstream.Config {
		return upstream.Config{BaseURL: url, APIKey: devstack.DefaultAPIKey, ServiceID: "bff-test", Timeout: 5 * time.Second}
	}
	r, err := ras.New(up(env.Stack.RAS.URL))
	require.NoError(t, err)
	c, err := cms.New(up(env.Stack.CMS.URL))
	require.NoError(t, err)
	e, err := entitlements.New(up(env.Stack.Entitlements.URL))
	require.NoError(t, err)
	authn, err := auth.New(auth.Config{Secret: []byte(testenv.Secret), OrgClaim: "org_id"})
	require.NoError(t, err)
	rest := httptest.NewServer(bench.RESTHandler(&bench.Aggregator{RAS: r, CMS: c, Entitlements: e}, authn, slog.New(slog.DiscardHandler)))
	t.Cleanup(rest.Close)
	token := env.Token(t, devstack.TeacherWithOrg)

	for _, tc := range []struct {
		op, path string
		vars     map[string]any
		calls    map[string]int // the REST baseline's, per service/endpoint
	}{
		{"TeacherDashboard", "/dashboard?limit=20", map[string]any{"limit": 20},
			map[string]int{"ras/list-batches": 1, "cms/class-info": 1, "cms/validation-status": 1, "entitlements/balance": 1}},
		{"DashboardSections", "/sections", nil,
			map[string]int{"ras/list-batches": 3, "cms/class-info": 1, "cms/validation-status": 1}},
	} {
		t.Run(tc.op, func(t *testing.T) {
			resp := env.Do(t, testenv.Request{Query: testenv.Operation(t, tc.op), OperationName: tc.op, Variables: tc.vars, Token: token}, nil)
			require.Empty(t, resp.Errors)
			var fromBFF any
			require.NoError(t, json.Unmarshal(resp.Data, &fromBFF))

			env.ResetCounts()
			req, err := http.NewRequest(http.MethodGet, rest.URL+tc.path, nil)
			require.NoError(t, err)
			req.Header.Set("Authorization", "Bearer "+token)
			hr, err := rest.Client().Do(req)
			require.NoError(t, err)
			body, err := io.ReadAll(hr.Body)
			hr.Body.Close()
			require.NoError(t, err)
			require.Equal(t, http.StatusOK, hr.StatusCode, "%s", body)
			var fromREST struct {
				Data any `json:"data"`
			}
			require.NoError(t, json.Unmarshal(body, &fromREST))

			assert.Equal(t, fromBFF, fromREST.Data)
			got := map[string]int{}
			for _, s := range env.Stack.Services() {
				for ep, n := range s.Counts() {
					if ep != devstack.EndpointHealthz && n > 0 {
						got[s.Name()+"/"+ep] = n
					}
				}
			}
			assert.Equal(t, tc.calls, got)
		})
	}
}
