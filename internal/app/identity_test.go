package app_test

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/devstack"
	"github.com/essaylab/teacher-bff/internal/testenv"
)

func sign(t *testing.T, secret string, claims jwt.MapClaims) string {
	t.Helper()
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(secret))
	require.NoError(t, err)
	return tok
}

// Requests without a valid identity are refused before any upstream call.
func TestIdentityRefused(t *testing.T) {
	exp := time.Now().Add(time.Hour).Unix()
	b64 := base64.RawURLEncoding.EncodeToString
	cases := []struct {
		name   string
		header map[string]string
	}{
		{"no credentials", nil},
		{"forged signature", map[string]string{"Authorization": "Bearer " + sign(t, "another-secret-another-secret-0123456", jwt.MapClaims{"sub": devstack.TeacherWithOrg, "exp": exp})}},
		{"expired", map[string]string{"Authorization": "Bearer " + sign(t, testenv.Secret, jwt.MapClaims{"sub": devstack.TeacherWithOrg, "exp": time.Now().Add(-time.Hour).Unix()})}},
		{"no exp", map[string]string{"Authorization": "Bearer " + sign(t, testenv.Secret, jwt.MapClaims{"sub": devstack.TeacherWithOrg})}},
		{"alg none", map[string]string{"Authorization": "Bearer " + b64([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + b64([]byte(`{"sub":"teacher-1","exp":9999999999}`)) + "."}},
		{"not a bearer token", map[string]string{"Authorization": "Basic dGVhY2hlcjpwdw=="}},
		{"gateway headers while the gateway is not trusted", map[string]string{"X-User-ID": devstack.TeacherWithOrg}},
	}
	env := testenv.Start(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env.ResetCounts()
			resp := env.Do(t, testenv.Request{Query: testenv.Operation(t, "TeacherDashboard"), Header: tc.header}, nil)
			assert.Equal(t, http.StatusUnauthorized, resp.Status)
			assert.Equal(t, "UNAUTHENTICATED", resp.Code())
			assert.Equal(t, "null", strings.TrimSpace(string(orNull(resp.Data))))
			for _, s := range env.Stack.Services() {
				for _, r := range s.Requests() {
					assert.Equal(t, "healthz", r.Endpoint, "no upstream call for a refused identity")
				}
			}
		})
	}
}

func orNull(b []byte) []byte {
	if len(b) == 0 {
		return []byte("null")
	}
	return b
}

// With gateway trust on, X-User-ID / X-Org-ID identify the teacher.
func TestGatewayHeadersWhenTrusted(t *testing.T) {
	env := testenv.Start(t, func(c *configT, _ *optionsT) { c.TrustGateway = true })
	var got struct {
		Viewer struct {
			ID    string  `json:"id"`
			OrgID *string `json:"orgId"`
		} `json:"viewer"`
	}
	resp := env.Do(t, testenv.Request{
		Query:  `{ viewer { id orgId } }`,
		Header: map[string]string{"X-User-ID": devstack.TeacherWithoutOrg, "X-Org-ID": "org-9"},
	}, &got)
	require.Empty(t, resp.Errors)
	assert.Equal(t, devstack.TeacherWithoutOrg, got.Viewer.ID)
	require.NotNil(t, got.Viewer.OrgID)
	assert.Equal(t, "org-9", *got.Viewer.OrgID)
}

// The token's subject is the viewer, and its org claim the org.
func TestViewerFromToken(t *testing.T) {
	env := testenv.Start(t)
	tok := sign(t, testenv.Secret, jwt.MapClaims{"sub": devstack.TeacherWithOrg, "org_id": devstack.OrgID, "exp": time.Now().Add(time.Hour).Unix()})
	var got struct {
		Viewer struct {
			ID    string  `json:"id"`
			OrgID *string `json:"orgId"`
		} `json:"viewer"`
	}
	resp := env.Do(t, testenv.Request{Query: `{ viewer { id orgId } }`, Token: tok}, &got)
	require.Empty(t, resp.Errors)
	assert.Equal(t, devstack.TeacherWithOrg, got.Viewer.ID)
	require.NotNil(t, got.Viewer.OrgID)
	assert.Equal(t, devstack.OrgID, *got.Viewer.OrgID)
}

// In the demo, anonymous requests reach the schema (the playground loads
// it), but viewer still needs an identity.
func TestDemoAnonymousViewerUnauthenticated(t *testing.T) {
	env := testenv.Start(t, func(_ *configT, o *optionsT) { o.Demo = true })
	resp := env.Do(t, testenv.Request{Query: `{ __schema { queryType { name } } }`}, nil)
	require.Empty(t, resp.Errors)
	resp = env.Do(t, testenv.Request{Query: `{ viewer { id } }`}, nil)
	require.Len(t, resp.Errors, 1)
	assert.Equal(t, "UNAUTHENTICATED", resp.Code())
	assert.Equal(t, []any{"viewer"}, resp.Errors[0].Path)
}
