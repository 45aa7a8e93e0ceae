package auth

import (
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// verifyCase is one Verify table row: a token built against the test
// clock and secret, and either the Teacher or the refusal it must produce.
type verifyCase struct {
	name    string
	cfg     func(*Config)
	token   func(t *testing.T) string
	want    Teacher
	wantErr error  // nil, ErrInvalidToken or ErrTokenExpired
	why     string // must appear in the error: refused for the right reason
}

func runVerifyCases(t *testing.T, tests []verifyCase) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := newAuth(t, tc.cfg)
			tok := tc.token(t)
			got, err := a.Verify(tok)
			if tc.wantErr == nil {
				require.NoError(t, err)
				assert.Equal(t, tc.want, got)
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.wantErr)
			assert.ErrorIs(t, err, ErrInvalidToken, "every refusal wraps ErrInvalidToken")
			assert.Contains(t, err.Error(), tc.why)
			if tc.wantErr != ErrTokenExpired {
				assert.NotErrorIs(t, err, ErrTokenExpired, "only expiry may invite a refresh")
			}
			assert.Zero(t, got)
			assertNoLeak(t, err, tok)
		})
	}
}

// TestVerifyTimes covers exp, nbf and iat, with the leeway.
func TestVerifyTimes(t *testing.T) {
	ok := Teacher{ID: "teacher-1", OrgID: "org-1", ExpiresAt: testNow.Add(time.Hour)}
	withAud := func(c *Config) { c.Audience = "teacher-bff" }
	runVerifyCases(t, []verifyCase{
		{
			name:  "valid",
			token: func(t *testing.T) string { return hs256(t, claims(nil)) },
			want:  ok,
		},
		{
			name: "expired within leeway is accepted",
			token: func(t *testing.T) string {
				return hs256(t, claims(func(c jwt.MapClaims) { c["exp"] = testNow.Add(-20 * time.Second).Unix() }))
			},
			want: Teacher{ID: "teacher-1", OrgID: "org-1", ExpiresAt: testNow.Add(-20 * time.Second)},
		},
		{
			name: "expired",
			token: func(t *testing.T) string {
				return hs256(t, claims(func(c jwt.MapClaims) { c["exp"] = testNow.Add(-time.Hour).Unix() }))
			},
			wantErr: ErrTokenExpired,
			why:     "token expired",
		},
		{
			name: "expired beyond a custom leeway",
			cfg:  func(c *Config) { c.Leeway = 5 * time.Second },
			token: func(t *testing.T) string {
				return hs256(t, claims(func(c jwt.MapClaims) { c["exp"] = testNow.Add(-10 * time.Second).Unix() }))
			},
			wantErr: ErrTokenExpired,
			why:     "token expired",
		},
		{
			name: "not yet valid nbf",
			token: func(t *testing.T) string {
				return hs256(t, claims(func(c jwt.MapClaims) { c["nbf"] = testNow.Add(time.Minute).Unix() }))
			},
			wantErr: ErrInvalidToken,
			why:     "nbf",
		},
		{
			name: "nbf within leeway is accepted",
			token: func(t *testing.T) string {
				return hs256(t, claims(func(c jwt.MapClaims) { c["nbf"] = testNow.Add(10 * time.Second).Unix() }))
			},
			want: ok,
		},
		{
			name: "iat in the future",
			token: func(t *testing.T) string {
				return hs256(t, claims(func(c jwt.MapClaims) { c["iat"] = testNow.Add(time.Hour).Unix() }))
			},
			wantErr: ErrInvalidToken,
			why:     "iat",
		},
		{
			name: "missing exp",
			token: func(t *testing.T) string {
				return hs256(t, claims(func(c jwt.MapClaims) { delete(c, "exp") }))
			},
			wantErr: ErrInvalidToken,
			why:     "missing required",
		},
		{
			name: "exp not a number",
			token: func(t *testing.T) string {
				return hs256(t, claims(func(c jwt.MapClaims) { c["exp"] = "tomorrow" }))
			},
			wantErr: ErrInvalidToken,
			why:     "wrong type",
		},
		{
			name: "expired and wrong audience reports the audience, not expiry",
			cfg:  withAud,
			token: func(t *testing.T) string {
				return hs256(t, claims(func(c jwt.MapClaims) {
					c["exp"] = testNow.Add(-time.Hour).Unix()
					c["aud"] = "someone-else"
				}))
			},
			wantErr: ErrInvalidToken,
			why:     "wrong audience",
		},
	})
}

// assertNoLeak checks an error text quotes neither the token (nor a
// signature-bearing part of it) nor the secret.
func assertNoLeak(t *testing.T, err error, tok string) {
	t.Helper()
	msg := err.Error()
	assert.NotContains(t, msg, string(testSecret))
	if len(tok) > 16 {
		assert.NotContains(t, msg, tok)
	}
	for _, part := range strings.Split(tok, ".") {
		if len(part) > 16 {
			assert.NotContains(t, msg, part)
		}
	}
}

func TestVerifyErrorTextOmitsAttackerInput(t *testing.T) {
	// The parser's own message would quote an unknown alg verbatim.
	a := newAuth(t, nil)
	tok := rawToken(t, map[string]any{"alg": "<script>alert(1)</script>"}, claims(nil), "")
	_, err := a.Verify(tok)
	require.ErrorIs(t, err, ErrInvalidToken)
	assert.NotContains(t, err.Error(), "script")
}

func TestVerifyOversizedStopsBeforeParsing(t *testing.T) {
	// Invalid base64 past the limit: only a length check can refuse it as
	// "too large" rather than "malformed".
	a := newAuth(t, nil)
	_, err := a.Verify(strings.Repeat("!", MaxTokenBytes+1))
	require.ErrorIs(t, err, ErrInvalidToken)
	assert.Contains(t, err.Error(), "too large")
}

func TestVerifyUsesConfiguredClock(t *testing.T) {
	tok := hs256(t, claims(nil)) // valid from testNow-30s to testNow+1h
	later := newAuth(t, func(c *Config) {
		c.Now = func() time.Time { return testNow.Add(2 * time.Hour) }
	})
	_, err := later.Verify(tok)
	assert.ErrorIs(t, err, ErrTokenExpired)
}
