package auth

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"
)

// TestVerifySignatureAndShape covers what is refused before any claim is
// read: wrong keys, every alg but HS256, malformed and oversized tokens.
func TestVerifySignatureAndShape(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	pubDER, err := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
	require.NoError(t, err)
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})

	runVerifyCases(t, []verifyCase{
		{
			name: "wrong signature (other secret)",
			token: func(t *testing.T) string {
				return sign(t, jwt.SigningMethodHS256, []byte("another-secret-0123456789abcdef-xyz"), claims(nil))
			},
			wantErr: ErrInvalidToken,
			why:     "bad signature",
		},
		{
			name: "alg none",
			token: func(t *testing.T) string {
				return rawToken(t, map[string]any{"alg": "none", "typ": "JWT"}, claims(nil), "")
			},
			wantErr: ErrInvalidToken,
			why:     "bad signature",
		},
		{
			name: "alg none carrying a genuine HS256 signature",
			token: func(t *testing.T) string {
				genuine := hs256(t, claims(nil))
				sig := genuine[strings.LastIndexByte(genuine, '.')+1:]
				return rawToken(t, map[string]any{"alg": "none", "typ": "JWT"}, claims(nil), sig)
			},
			wantErr: ErrInvalidToken,
			why:     "bad signature",
		},
		{
			name: "alg NONE upper case",
			token: func(t *testing.T) string {
				return rawToken(t, map[string]any{"alg": "NONE", "typ": "JWT"}, claims(nil), "")
			},
			wantErr: ErrInvalidToken,
			why:     "unverifiable",
		},
		{
			name: "alg header missing",
			token: func(t *testing.T) string {
				return rawToken(t, map[string]any{"typ": "JWT"}, claims(nil), "")
			},
			wantErr: ErrInvalidToken,
			why:     "unverifiable",
		},
		{
			name: "HS384 with the right secret",
			token: func(t *testing.T) string {
				return sign(t, jwt.SigningMethodHS384, testSecret, claims(nil))
			},
			wantErr: ErrInvalidToken,
			why:     "bad signature",
		},
		{
			name: "HS512 with the right secret",
			token: func(t *testing.T) string {
				return sign(t, jwt.SigningMethodHS512, testSecret, claims(nil))
			},
			wantErr: ErrInvalidToken,
			why:     "bad signature",
		},
		{
			name: "RS256 signed with a real RSA key",
			token: func(t *testing.T) string {
				return sign(t, jwt.SigningMethodRS256, rsaKey, claims(nil))
			},
			wantErr: ErrInvalidToken,
			why:     "bad signature",
		},
		{
			// The confusion trick: sign HS256 with the public key as the
			// HMAC secret, hoping the server feeds its RSA key to HMAC.
			name: "HS256 signed with the RSA public key",
			token: func(t *testing.T) string {
				return sign(t, jwt.SigningMethodHS256, pubPEM, claims(nil))
			},
			wantErr: ErrInvalidToken,
			why:     "bad signature",
		},
		{
			name: "malformed: one segment",
			token: func(*testing.T) string {
				return "not-a-jwt"
			},
			wantErr: ErrInvalidToken,
			why:     "malformed",
		},
		{
			name: "malformed: four segments",
			token: func(t *testing.T) string {
				return hs256(t, claims(nil)) + ".extra"
			},
			wantErr: ErrInvalidToken,
			why:     "malformed",
		},
		{
			name: "malformed: not base64",
			token: func(*testing.T) string {
				return "!!!.@@@.###"
			},
			wantErr: ErrInvalidToken,
			why:     "malformed",
		},
		{
			name: "malformed: claims are a JSON array",
			token: func(*testing.T) string {
				return "eyJhbGciOiJIUzI1NiJ9.WzFd.sig"
			},
			wantErr: ErrInvalidToken,
			why:     "malformed",
		},
		{
			name: "empty token",
			token: func(*testing.T) string {
				return ""
			},
			wantErr: ErrInvalidToken,
			why:     "empty token",
		},
		{
			name: "oversized token is refused even when correctly signed",
			token: func(t *testing.T) string {
				return hs256(t, claims(func(c jwt.MapClaims) { c["pad"] = strings.Repeat("x", MaxTokenBytes) }))
			},
			wantErr: ErrInvalidToken,
			why:     "too large",
		},
	})
}
