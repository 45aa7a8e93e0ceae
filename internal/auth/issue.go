package auth

import (
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Issue signs an HS256 token for t that this Authenticator will accept: sub,
// iat, exp (now+ttl), the org claim when t.OrgID is set, and aud/iss when
// configured. t.ExpiresAt is ignored; ttl decides. It exists for the demo
// (printing a ready-to-paste header) and for tests, not as a login service.
func (a *Authenticator) Issue(t Teacher, ttl time.Duration) (string, error) {
	if ttl <= 0 {
		return "", errors.New("auth: Issue needs a positive ttl")
	}
	// Refuse to mint what Verify would refuse.
	id, err := cleanID(t.ID, "teacher id")
	if err != nil {
		return "", fmt.Errorf("auth: Issue: %w", err)
	}
	org, err := cleanOptionalID(t.OrgID, "org id")
	if err != nil {
		return "", fmt.Errorf("auth: Issue: %w", err)
	}

	now := a.cfg.Now()
	claims := jwt.MapClaims{
		"sub": id,
		"iat": jwt.NewNumericDate(now),
		"exp": jwt.NewNumericDate(now.Add(ttl)),
	}
	if org != "" {
		claims[a.cfg.OrgClaim] = org
	}
	if a.cfg.Audience != "" {
		claims["aud"] = a.cfg.Audience
	}
	if a.cfg.Issuer != "" {
		claims["iss"] = a.cfg.Issuer
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(a.cfg.Secret)
	if err != nil {
		return "", fmt.Errorf("auth: Issue: signing: %w", err)
	}
	return s, nil
}
