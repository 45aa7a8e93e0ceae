package auth

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFromRequest(t *testing.T) {
	valid := hs256(t, claims(nil))
	expired := hs256(t, claims(func(c jwt.MapClaims) { c["exp"] = testNow.Add(-time.Hour).Unix() }))
	fromToken := Teacher{ID: "teacher-1", OrgID: "org-1", ExpiresAt: testNow.Add(time.Hour)}

	type hdr = [][2]string // ordered, repeatable header lines
	tests := []struct {
		name    string
		trust   bool
		headers hdr
		want    Teacher
		wantErr error
		why     string
	}{
		{name: "no credentials", wantErr: ErrNotAuthenticated},
		{name: "no credentials, gateway trusted", trust: true, wantErr: ErrNotAuthenticated},
		{name: "bearer", headers: hdr{{"Authorization", "Bearer " + valid}}, want: fromToken},
		{name: "bearer lower case", headers: hdr{{"Authorization", "bearer " + valid}}, want: fromToken},
		{name: "bearer upper case", headers: hdr{{"Authorization", "BEARER " + valid}}, want: fromToken},
		{name: "bearer mixed case and extra spaces", headers: hdr{{"Authorization", "  BeArEr   " + valid + " "}}, want: fromToken},
		{name: "expired bearer", headers: hdr{{"Authorization", "Bearer " + expired}}, wantErr: ErrTokenExpired, why: "expired"},
		{name: "Basic scheme", headers: hdr{{"Authorization", "Basic dGVhY2hlcjpwdw=="}}, wantErr: ErrInvalidToken, why: "not a Bearer"},
		{name: "token without scheme", headers: hdr{{"Authorization", valid}}, wantErr: ErrInvalidToken, why: "not a Bearer"},
		{name: "Bearer alone", headers: hdr{{"Authorization", "Bearer"}}, wantErr: ErrInvalidToken, why: "empty bearer token"},
		{name: "Bearer and spaces", headers: hdr{{"Authorization", "Bearer    "}}, wantErr: ErrInvalidToken, why: "empty bearer token"},
		{name: "empty Authorization", headers: hdr{{"Authorization", ""}}, wantErr: ErrInvalidToken, why: "is empty"},
		{name: "Bearer with garbage", headers: hdr{{"Authorization", "Bearer not.a.jwt"}}, wantErr: ErrInvalidToken, why: "malformed"},
		{name: "Bearer with two tokens", headers: hdr{{"Authorization", "Bearer " + valid + " " + valid}}, wantErr: ErrInvalidToken, why: "malformed"},
		{
			name:    "two Authorization headers",
			headers: hdr{{"Authorization", "Bearer " + valid}, {"Authorization", "Bearer " + valid}},
			wantErr: ErrInvalidToken, why: "more than one Authorization",
		},
		{
			name:    "spoofed gateway headers ignored when gateway untrusted",
			headers: hdr{{"X-User-ID", "admin"}, {"X-Org-ID", "org-1"}},
			wantErr: ErrNotAuthenticated,
		},
		{
			name:    "untrusted gateway headers do not alter a token identity",
			headers: hdr{{"Authorization", "Bearer " + valid}, {"X-User-ID", "admin"}, {"X-Org-ID", "org-evil"}},
			want:    fromToken,
		},
		{
			name:    "untrusted: invalid gateway headers are not even looked at",
			headers: hdr{{"X-User-ID", ""}, {"X-User-ID", "a\nb"}},
			wantErr: ErrNotAuthenticated,
		},
		{
			name:    "trusted gateway headers",
			trust:   true,
			headers: hdr{{"X-User-ID", "teacher-7"}, {"X-Org-ID", "org-7"}},
			want:    Teacher{ID: "teacher-7", OrgID: "org-7"},
		},
		{
			name:    "trusted gateway, org optional",
			trust:   true,
			headers: hdr{{"X-User-ID", " teacher-7 "}},
			want:    Teacher{ID: "teacher-7"},
		},
		{
			name:    "trusted gateway, blank org",
			trust:   true,
			headers: hdr{{"X-User-ID", "teacher-7"}, {"X-Org-ID", "  "}},
			want:    Teacher{ID: "teacher-7"},
		},
		{
			name:    "trusted gateway, lower-case header names",
			trust:   true,
			headers: hdr{{"x-user-id", "teacher-7"}, {"x-org-id", "org-7"}},
			want:    Teacher{ID: "teacher-7", OrgID: "org-7"},
		},
		{
			name:    "trusted gateway, token takes precedence",
			trust:   true,
			headers: hdr{{"Authorization", "Bearer " + valid}, {"X-User-ID", "teacher-7"}},
			want:    fromToken,
		},
		{
			name:    "trusted gateway, a bad token does not fall back to headers",
			trust:   true,
			headers: hdr{{"Authorization", "Bearer junk"}, {"X-User-ID", "teacher-7"}},
			wantErr: ErrInvalidToken, why: "malformed",
		},
		{
			name:    "trusted gateway, org without user",
			trust:   true,
			headers: hdr{{"X-Org-ID", "org-7"}},
			wantErr: ErrNotAuthenticated,
		},
		{
			name:    "trusted gateway, empty user",
			trust:   true,
			headers: hdr{{"X-User-ID", ""}},
			wantErr: ErrInvalidToken, why: "X-User-ID is empty",
		},
		{
			name:    "trusted gateway, user too long",
			trust:   true,
			headers: hdr{{"X-User-ID", strings.Repeat("u", 300)}},
			wantErr: ErrInvalidToken, why: "X-User-ID is too long",
		},
		{
			name:    "trusted gateway, user with control character",
			trust:   true,
			headers: hdr{{"X-User-ID", "teacher\x7f"}},
			wantErr: ErrInvalidToken, why: "X-User-ID contains control",
		},
		{
			name:    "trusted gateway, org with control character",
			trust:   true,
			headers: hdr{{"X-User-ID", "teacher-7"}, {"X-Org-ID", "org\x01"}},
			wantErr: ErrInvalidToken, why: "X-Org-ID contains control",
		},
		{
			name:    "trusted gateway, repeated user header",
			trust:   true,
			headers: hdr{{"X-User-ID", "spoofed"}, {"X-User-ID", "teacher-7"}},
			wantErr: ErrInvalidToken, why: "more than one X-User-ID",
		},
		{
			name:    "trusted gateway, repeated org header",
			trust:   true,
			headers: hdr{{"X-User-ID", "teacher-7"}, {"X-Org-ID", "org-a"}, {"X-Org-ID", "org-b"}},
			wantErr: ErrInvalidToken, why: "more than one X-Org-ID",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := newAuth(t, func(c *Config) { c.TrustGateway = tc.trust })
			r := httptest.NewRequest(http.MethodPost, "/query", nil)
			for _, h := range tc.headers {
				r.Header.Add(h[0], h[1])
			}
			got, err := a.FromRequest(r)
			if tc.wantErr == nil {
				require.NoError(t, err)
				assert.Equal(t, tc.want, got)
				return
			}
			require.ErrorIs(t, err, tc.wantErr)
			assert.Contains(t, err.Error(), tc.why)
			assert.Zero(t, got)
			if tc.wantErr != ErrNotAuthenticated {
				assert.NotErrorIs(t, err, ErrNotAuthenticated, "a presented credential is never 'not authenticated'")
			}
			assert.NotContains(t, err.Error(), valid)
		})
	}
}

func TestFromConnectionParams(t *testing.T) {
	valid := hs256(t, claims(nil))
	expired := hs256(t, claims(func(c jwt.MapClaims) { c["exp"] = testNow.Add(-time.Hour).Unix() }))
	fromToken := Teacher{ID: "teacher-1", OrgID: "org-1", ExpiresAt: testNow.Add(time.Hour)}

	tests := []struct {
		name    string
		params  map[string]any
		want    Teacher
		wantErr error
		why     string
	}{
		{name: "nil payload", params: nil, wantErr: ErrNotAuthenticated},
		{name: "empty payload", params: map[string]any{}, wantErr: ErrNotAuthenticated},
		{name: "unrelated keys", params: map[string]any{"X-User-ID": "admin", "headers": map[string]any{}}, wantErr: ErrNotAuthenticated},
		{name: "null values count as absent", params: map[string]any{"Authorization": nil, "token": nil}, wantErr: ErrNotAuthenticated},
		{name: "Authorization", params: map[string]any{"Authorization": "Bearer " + valid}, want: fromToken},
		{name: "authorization lower case", params: map[string]any{"authorization": "bearer " + valid}, want: fromToken},
		{name: "token", params: map[string]any{"token": valid}, want: fromToken},
		{name: "Authorization without Bearer", params: map[string]any{"Authorization": valid}, wantErr: ErrInvalidToken, why: "not a Bearer"},
		{name: "Authorization empty", params: map[string]any{"Authorization": ""}, wantErr: ErrInvalidToken, why: "is empty"},
		{name: "Authorization Bearer without token", params: map[string]any{"authorization": "Bearer "}, wantErr: ErrInvalidToken, why: "empty bearer token"},
		{name: "Authorization not a string", params: map[string]any{"Authorization": 42}, wantErr: ErrInvalidToken, why: "not a string"},
		{name: "token not a string", params: map[string]any{"token": []any{valid}}, wantErr: ErrInvalidToken, why: "not a string"},
		{name: "token with Bearer prefix is not raw", params: map[string]any{"token": "Bearer " + valid}, wantErr: ErrInvalidToken, why: "malformed"},
		{name: "token empty", params: map[string]any{"token": ""}, wantErr: ErrInvalidToken, why: "empty token"},
		{name: "expired token", params: map[string]any{"token": expired}, wantErr: ErrTokenExpired, why: "expired"},
		{
			name:    "Authorization wins over token",
			params:  map[string]any{"Authorization": "Bearer junk", "token": valid},
			wantErr: ErrInvalidToken, why: "malformed",
		},
		{
			name:   "Authorization wins over authorization",
			params: map[string]any{"Authorization": "Bearer " + valid, "authorization": "Bearer junk"},
			want:   fromToken,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Trusting the gateway must not make payload keys count as
			// gateway headers.
			a := newAuth(t, func(c *Config) { c.TrustGateway = true })
			got, err := a.FromConnectionParams(tc.params)
			if tc.wantErr == nil {
				require.NoError(t, err)
				assert.Equal(t, tc.want, got)
				return
			}
			require.ErrorIs(t, err, tc.wantErr)
			assert.Contains(t, err.Error(), tc.why)
			assert.Zero(t, got)
			assert.NotContains(t, err.Error(), valid)
		})
	}
}
