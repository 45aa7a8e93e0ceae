package auth

import (
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TestVerifyClaims covers sub, aud, iss and the org claim.
func TestVerifyClaims(t *testing.T) {
	exp := testNow.Add(time.Hour)
	ok := Teacher{ID: "teacher-1", OrgID: "org-1", ExpiresAt: exp}
	withAud := func(c *Config) { c.Audience = "teacher-bff" }
	withIss := func(c *Config) { c.Issuer = "https://id.essaylab.test" }

	runVerifyCases(t, []verifyCase{
		{
			name: "missing sub",
			token: func(t *testing.T) string {
				return hs256(t, claims(func(c jwt.MapClaims) { delete(c, "sub") }))
			},
			wantErr: ErrInvalidToken,
			why:     "sub is empty",
		},
		{
			name: "empty sub",
			token: func(t *testing.T) string {
				return hs256(t, claims(func(c jwt.MapClaims) { c["sub"] = "" }))
			},
			wantErr: ErrInvalidToken,
			why:     "sub is empty",
		},
		{
			name: "blank sub",
			token: func(t *testing.T) string {
				return hs256(t, claims(func(c jwt.MapClaims) { c["sub"] = " \t " }))
			},
			wantErr: ErrInvalidToken,
			why:     "sub is empty",
		},
		{
			name: "sub is trimmed",
			token: func(t *testing.T) string {
				return hs256(t, claims(func(c jwt.MapClaims) { c["sub"] = "  teacher-1 " }))
			},
			want: ok,
		},
		{
			name: "sub not a string",
			token: func(t *testing.T) string {
				return hs256(t, claims(func(c jwt.MapClaims) { c["sub"] = 42 }))
			},
			wantErr: ErrInvalidToken,
			why:     "sub is not a string",
		},
		{
			name: "sub too long",
			token: func(t *testing.T) string {
				return hs256(t, claims(func(c jwt.MapClaims) { c["sub"] = strings.Repeat("a", 257) }))
			},
			wantErr: ErrInvalidToken,
			why:     "sub is too long",
		},
		{
			name: "sub with control character",
			token: func(t *testing.T) string {
				return hs256(t, claims(func(c jwt.MapClaims) { c["sub"] = "teacher-1\nlevel=admin" }))
			},
			wantErr: ErrInvalidToken,
			why:     "sub contains control",
		},
		{
			name: "audience configured and matching",
			cfg:  withAud,
			token: func(t *testing.T) string {
				return hs256(t, claims(func(c jwt.MapClaims) { c["aud"] = "teacher-bff" }))
			},
			want: ok,
		},
		{
			name: "audience configured and listed among several",
			cfg:  withAud,
			token: func(t *testing.T) string {
				return hs256(t, claims(func(c jwt.MapClaims) { c["aud"] = []string{"cms", "teacher-bff"} }))
			},
			want: ok,
		},
		{
			name: "audience configured and wrong",
			cfg:  withAud,
			token: func(t *testing.T) string {
				return hs256(t, claims(func(c jwt.MapClaims) { c["aud"] = "student-app" }))
			},
			wantErr: ErrInvalidToken,
			why:     "wrong audience",
		},
		{
			name:    "audience configured and missing",
			cfg:     withAud,
			token:   func(t *testing.T) string { return hs256(t, claims(nil)) },
			wantErr: ErrInvalidToken,
			why:     "missing required",
		},
		{
			name: "audience not configured: any aud accepted",
			token: func(t *testing.T) string {
				return hs256(t, claims(func(c jwt.MapClaims) { c["aud"] = "student-app" }))
			},
			want: ok,
		},
		{
			name: "issuer configured and matching",
			cfg:  withIss,
			token: func(t *testing.T) string {
				return hs256(t, claims(func(c jwt.MapClaims) { c["iss"] = "https://id.essaylab.test" }))
			},
			want: ok,
		},
		{
			name: "issuer configured and wrong",
			cfg:  withIss,
			token: func(t *testing.T) string {
				return hs256(t, claims(func(c jwt.MapClaims) { c["iss"] = "https://evil.test" }))
			},
			wantErr: ErrInvalidToken,
			why:     "wrong issuer",
		},
		{
			name:    "issuer configured and missing",
			cfg:     withIss,
			token:   func(t *testing.T) string { return hs256(t, claims(nil)) },
			wantErr: ErrInvalidToken,
			why:     "missing required",
		},
		{
			name: "issuer not configured: any iss accepted",
			token: func(t *testing.T) string {
				return hs256(t, claims(func(c jwt.MapClaims) { c["iss"] = "https://evil.test" }))
			},
			want: ok,
		},
		{
			name: "org claim absent",
			token: func(t *testing.T) string {
				return hs256(t, claims(func(c jwt.MapClaims) { delete(c, "org_id") }))
			},
			want: Teacher{ID: "teacher-1", ExpiresAt: exp},
		},
		{
			name: "org claim null",
			token: func(t *testing.T) string {
				return hs256(t, claims(func(c jwt.MapClaims) { c["org_id"] = nil }))
			},
			want: Teacher{ID: "teacher-1", ExpiresAt: exp},
		},
		{
			name: "custom org claim name",
			cfg:  func(c *Config) { c.OrgClaim = "https://essaylab.test/org" },
			token: func(t *testing.T) string {
				return hs256(t, claims(func(c jwt.MapClaims) { c["https://essaylab.test/org"] = "org-9" }))
			},
			want: Teacher{ID: "teacher-1", OrgID: "org-9", ExpiresAt: exp},
		},
		{
			name: "custom org claim name ignores org_id",
			cfg:  func(c *Config) { c.OrgClaim = "tenant" },
			token: func(t *testing.T) string {
				return hs256(t, claims(nil))
			},
			want: Teacher{ID: "teacher-1", ExpiresAt: exp},
		},
		{
			name: "org claim is a number",
			token: func(t *testing.T) string {
				return hs256(t, claims(func(c jwt.MapClaims) { c["org_id"] = 7 }))
			},
			wantErr: ErrInvalidToken,
			why:     "org claim is not a string",
		},
		{
			name: "org claim is an object",
			token: func(t *testing.T) string {
				return hs256(t, claims(func(c jwt.MapClaims) { c["org_id"] = map[string]any{"id": "org-1"} }))
			},
			wantErr: ErrInvalidToken,
			why:     "org claim is not a string",
		},
		{
			name: "org claim with control character",
			token: func(t *testing.T) string {
				return hs256(t, claims(func(c jwt.MapClaims) { c["org_id"] = "org\x00" }))
			},
			wantErr: ErrInvalidToken,
			why:     "org claim contains control",
		},
	})
}
