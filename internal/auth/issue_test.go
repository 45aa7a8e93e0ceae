package auth

import (
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIssueVerifyRoundTrip(t *testing.T) {
	tests := []struct {
		name       string
		cfg        func(*Config)
		in         Teacher
		wantClaims jwt.MapClaims // exact claim set expected in the token
	}{
		{
			name: "defaults",
			in:   Teacher{ID: "teacher-1", OrgID: "org-1"},
			wantClaims: jwt.MapClaims{
				"sub": "teacher-1", "org_id": "org-1",
				"iat": float64(testNow.Unix()), "exp": float64(testNow.Add(time.Hour).Unix()),
			},
		},
		{
			name: "no org means no org claim",
			in:   Teacher{ID: "teacher-1"},
			wantClaims: jwt.MapClaims{
				"sub": "teacher-1",
				"iat": float64(testNow.Unix()), "exp": float64(testNow.Add(time.Hour).Unix()),
			},
		},
		{
			name: "audience, issuer and custom org claim",
			cfg: func(c *Config) {
				c.Audience = "teacher-bff"
				c.Issuer = "https://id.essaylab.test"
				c.OrgClaim = "tenant"
			},
			// ExpiresAt on the input is ignored: ttl decides.
			in: Teacher{ID: "teacher-1", OrgID: "org-1", ExpiresAt: testNow.Add(99 * time.Hour)},
			wantClaims: jwt.MapClaims{
				"sub": "teacher-1", "tenant": "org-1",
				"aud": "teacher-bff", "iss": "https://id.essaylab.test",
				"iat": float64(testNow.Unix()), "exp": float64(testNow.Add(time.Hour).Unix()),
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := newAuth(t, tc.cfg)
			tok, err := a.Issue(tc.in, time.Hour)
			require.NoError(t, err)

			parsed, _, err := jwt.NewParser().ParseUnverified(tok, jwt.MapClaims{})
			require.NoError(t, err)
			assert.Equal(t, "HS256", parsed.Header["alg"])
			assert.Equal(t, tc.wantClaims, parsed.Claims)

			got, err := a.Verify(tok)
			require.NoError(t, err)
			assert.Equal(t, Teacher{ID: tc.in.ID, OrgID: tc.in.OrgID, ExpiresAt: testNow.Add(time.Hour)}, got)
		})
	}
}

func TestIssueRefusesWhatVerifyWould(t *testing.T) {
	a := newAuth(t, nil)
	tests := []struct {
		name string
		in   Teacher
		ttl  time.Duration
	}{
		{"empty id", Teacher{ID: " "}, time.Hour},
		{"control character in id", Teacher{ID: "a\nb"}, time.Hour},
		{"control character in org", Teacher{ID: "a", OrgID: "o\tx"}, time.Hour},
		{"zero ttl", Teacher{ID: "a"}, 0},
		{"negative ttl", Teacher{ID: "a"}, -time.Minute},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := a.Issue(tc.in, tc.ttl)
			assert.Error(t, err)
			assert.Empty(t, tok)
		})
	}
}

func TestIssuedTokenRejectedElsewhere(t *testing.T) {
	// A token minted for one audience/secret must not pass another's check.
	minted, err := newAuth(t, func(c *Config) { c.Audience = "cms" }).Issue(Teacher{ID: "teacher-1"}, time.Hour)
	require.NoError(t, err)

	_, err = newAuth(t, func(c *Config) { c.Audience = "teacher-bff" }).Verify(minted)
	assert.ErrorIs(t, err, ErrInvalidToken)

	_, err = newAuth(t, func(c *Config) { c.Secret = []byte("a-different-secret-of-enough-length!") }).Verify(minted)
	assert.ErrorIs(t, err, ErrInvalidToken)
}
