package auth

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// FuzzVerify feeds arbitrary strings to Verify. Beyond "never panics" it
// checks the invariants callers rely on: refusals wrap ErrInvalidToken and
// do not echo the input; acceptances carry a sane id and an expiry and were
// really HS256-signed with our secret; the WebSocket path agrees with
// Verify. Seeds live in testdata/fuzz/FuzzVerify and are signed with
// testSecret at testNow, so the valid ones stay valid.
func FuzzVerify(f *testing.F) {
	a := newAuth(f, nil)
	f.Add(hs256(f, claims(nil)))
	f.Add(hs256(f, claims(func(c jwt.MapClaims) { c["exp"] = testNow.Add(-time.Hour).Unix() })))
	f.Add(rawToken(f, map[string]any{"alg": "none", "typ": "JWT"}, claims(nil), ""))
	f.Add("a.b.c")

	f.Fuzz(func(t *testing.T, tok string) {
		got, err := a.Verify(tok)

		viaParams, perr := a.FromConnectionParams(map[string]any{"token": tok})
		if got != viaParams || (err == nil) != (perr == nil) {
			t.Fatalf("FromConnectionParams disagrees with Verify: %v vs %v", err, perr)
		}

		if err != nil {
			if !errors.Is(err, ErrInvalidToken) {
				t.Fatalf("refusal does not wrap ErrInvalidToken: %v", err)
			}
			if got != (Teacher{}) {
				t.Fatalf("refusal returned a teacher: %+v", got)
			}
			// Short inputs can coincide with our fixed reason texts.
			if len(tok) > 80 && strings.Contains(err.Error(), tok) {
				t.Fatalf("error echoes the token")
			}
			return
		}

		if _, cerr := cleanID(got.ID, "sub"); cerr != nil || got.ID != strings.TrimSpace(got.ID) {
			t.Fatalf("accepted an unsafe id %q", got.ID)
		}
		if got.ExpiresAt.IsZero() {
			t.Fatalf("accepted a token without expiry")
		}
		// Independent check that only our HS256 signature gets through.
		if _, perr := jwt.Parse(tok, func(*jwt.Token) (any, error) { return testSecret, nil },
			jwt.WithValidMethods([]string{"HS256"}), jwt.WithoutClaimsValidation()); perr != nil {
			t.Fatalf("accepted a token jwt itself rejects as HS256: %v", perr)
		}
	})
}
