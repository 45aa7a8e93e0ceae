package auth

import (
	"encoding/base64"
	"encoding/json"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"
)

// Fixed clock and secret so tokens (and the fuzz seed corpus) are
// deterministic.
var (
	testNow    = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	testSecret = []byte("test-secret-0123456789abcdef-0123456789")
)

func clock() time.Time { return testNow }

// newAuth builds an Authenticator on the test clock; edit tweaks the Config.
func newAuth(t testing.TB, edit func(*Config)) *Authenticator {
	t.Helper()
	cfg := Config{Secret: testSecret, Now: clock}
	if edit != nil {
		edit(&cfg)
	}
	a, err := New(cfg)
	require.NoError(t, err)
	return a
}

// claims returns a valid claim set relative to the test clock; edit may
// change or delete entries.
func claims(edit func(jwt.MapClaims)) jwt.MapClaims {
	c := jwt.MapClaims{
		"sub":    "teacher-1",
		"org_id": "org-1",
		"iat":    testNow.Unix(),
		"exp":    testNow.Add(time.Hour).Unix(),
	}
	if edit != nil {
		edit(c)
	}
	return c
}

// sign signs c with any method and key the jwt library supports.
func sign(t testing.TB, m jwt.SigningMethod, key any, c jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(m, c).SignedString(key)
	require.NoError(t, err)
	return s
}

// hs256 signs c with the test secret.
func hs256(t testing.TB, c jwt.MapClaims) string {
	return sign(t, jwt.SigningMethodHS256, testSecret, c)
}

// rawToken assembles header.payload.signature by hand, for tokens the
// library refuses to produce (alg:none, odd headers).
func rawToken(t testing.TB, header map[string]any, c jwt.MapClaims, sig string) string {
	t.Helper()
	h, err := json.Marshal(header)
	require.NoError(t, err)
	p, err := json.Marshal(c)
	require.NoError(t, err)
	enc := base64.RawURLEncoding
	return enc.EncodeToString(h) + "." + enc.EncodeToString(p) + "." + sig
}
