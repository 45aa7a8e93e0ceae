package auth

import (
	"errors"
	"fmt"

	"github.com/golang-jwt/jwt/v5"
)

// Verify checks a raw JWT (no "Bearer " prefix) and returns its Teacher.
// An empty token is a malformed credential, hence ErrInvalidToken.
func (a *Authenticator) Verify(token string) (Teacher, error) {
	if token == "" {
		return Teacher{}, invalid("empty token")
	}
	if len(token) > MaxTokenBytes {
		return Teacher{}, invalid("token too large")
	}

	claims := jwt.MapClaims{}
	if _, err := a.parser.ParseWithClaims(token, claims, a.key); err != nil {
		return Teacher{}, refusal(err)
	}

	// The parser only checks sub when told the expected value, so the
	// presence and shape of sub are ours to check.
	sub, err := claims.GetSubject()
	if err != nil {
		return Teacher{}, invalid("sub is not a string")
	}
	id, err := cleanID(sub, "sub")
	if err != nil {
		return Teacher{}, err
	}
	org, err := a.orgFrom(claims)
	if err != nil {
		return Teacher{}, err
	}
	exp, err := claims.GetExpirationTime()
	if err != nil || exp == nil {
		// Unreachable while WithExpirationRequired is set; kept so a
		// refactor cannot turn it into a zero ExpiresAt.
		return Teacher{}, invalid("missing exp")
	}
	// UTC so that values compare and log the same on every host.
	return Teacher{ID: id, OrgID: org, ExpiresAt: exp.Time.UTC()}, nil
}

// key hands the parser our secret, but only for HS256: a second guard
// behind WithValidMethods against alg:none and RS/HS key confusion.
func (a *Authenticator) key(t *jwt.Token) (any, error) {
	if t.Method != jwt.SigningMethodHS256 {
		return nil, errors.New("unexpected signing method")
	}
	return a.cfg.Secret, nil
}

// orgFrom reads the configured org claim: absent or null means no org; any
// other non-string is refused rather than guessed at.
func (a *Authenticator) orgFrom(claims jwt.MapClaims) (string, error) {
	v, ok := claims[a.cfg.OrgClaim]
	if !ok || v == nil {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", invalid("org claim is not a string")
	}
	return cleanOptionalID(s, "org claim")
}

// reasons maps the parser's sentinels to our fixed texts. The parser's own
// messages can quote the token's alg header or JSON fragments, so they are
// not passed on. A token can fail several claim checks at once; expiry is
// tested last (in refusal) so that ErrTokenExpired, which invites a
// refresh, is only reported when nothing else is wrong.
var reasons = []struct {
	sentinel error
	reason   string
}{
	{jwt.ErrTokenMalformed, "malformed token"},
	{jwt.ErrTokenUnverifiable, "unverifiable token (unknown or missing alg)"},
	{jwt.ErrTokenSignatureInvalid, "bad signature or disallowed alg"},
	{jwt.ErrTokenInvalidAudience, "wrong audience"},
	{jwt.ErrTokenInvalidIssuer, "wrong issuer"},
	{jwt.ErrTokenRequiredClaimMissing, "missing required claim (exp, or aud/iss when configured)"},
	{jwt.ErrInvalidType, "claim has wrong type"},
	{jwt.ErrTokenNotValidYet, "not valid yet (nbf)"},
	{jwt.ErrTokenUsedBeforeIssued, "issued in the future (iat)"},
}

func refusal(err error) error {
	for _, r := range reasons {
		if errors.Is(err, r.sentinel) {
			return invalid(r.reason)
		}
	}
	if errors.Is(err, jwt.ErrTokenExpired) {
		return errExpired
	}
	return invalid("rejected")
}

// errExpired wraps both ErrInvalidToken and ErrTokenExpired.
var errExpired = fmt.Errorf("%w: %w", ErrInvalidToken, ErrTokenExpired)
