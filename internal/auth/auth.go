// Package auth turns the credentials a teacher presents (an HS256 JWT, or
// identity headers set by a trusted API gateway) into a Teacher, and carries
// that Teacher through a request's context.
//
// Every refusal of a presented credential wraps ErrInvalidToken; the absence
// of any credential is ErrNotAuthenticated. Callers can therefore answer 401
// for both while logging the difference. Error texts are fixed strings chosen
// here: they never echo the token, the secret or attacker-controlled input.
package auth

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Teacher is the authenticated caller.
type Teacher struct {
	ID    string
	OrgID string
	// ExpiresAt is the token's exp; zero when the identity came from gateway
	// headers, which carry no expiry of their own.
	ExpiresAt time.Time
}

var (
	// ErrNotAuthenticated means no credential was presented at all.
	ErrNotAuthenticated = errors.New("not authenticated")

	// ErrInvalidToken is wrapped by every refusal of a presented credential
	// (token or gateway headers). The text after it names the reason and is
	// meant for logs, not for clients.
	ErrInvalidToken = errors.New("invalid token")

	// ErrTokenExpired is additionally wrapped when the only thing wrong may
	// be the token's age, so a client can be told to refresh rather than to
	// sign in again. errors.Is(err, ErrInvalidToken) holds as well.
	ErrTokenExpired = errors.New("token expired")
)

// DefaultOrgClaim is the claim holding the organisation id unless
// Config.OrgClaim says otherwise.
const DefaultOrgClaim = "org_id"

// DefaultLeeway absorbs clock skew between the issuer and this service.
const DefaultLeeway = 30 * time.Second

// MaxTokenBytes bounds a token before any decoding: the parser base64- and
// JSON-decodes header and claims before it checks the signature, so an
// unbounded token would let anyone make us do unbounded work.
const MaxTokenBytes = 8 << 10

// registeredClaims are the RFC 7519 names the org claim must not reuse.
var registeredClaims = []string{"iss", "sub", "aud", "exp", "nbf", "iat", "jti"}

// Config configures an Authenticator. See New for defaults.
type Config struct {
	Secret       []byte           // HS256 key; required (>= 32 bytes recommended)
	Audience     string           // checked when non-empty
	Issuer       string           // checked when non-empty
	OrgClaim     string           // default DefaultOrgClaim
	TrustGateway bool             // accept X-User-ID / X-Org-ID instead of a token
	Leeway       time.Duration    // clock skew for exp/nbf/iat; 0 means DefaultLeeway
	Now          func() time.Time // for tests; default time.Now
}

// String keeps the secret out of logs when a Config is printed whole.
func (c Config) String() string {
	return fmt.Sprintf("auth.Config{Secret: [%d bytes redacted], Audience: %q, Issuer: %q, OrgClaim: %q, TrustGateway: %t, Leeway: %s}",
		len(c.Secret), c.Audience, c.Issuer, c.OrgClaim, c.TrustGateway, c.Leeway)
}

// Authenticator verifies credentials. It is safe for concurrent use.
type Authenticator struct {
	cfg    Config
	parser *jwt.Parser
}

// New validates cfg, applies defaults and builds the parser once.
func New(cfg Config) (*Authenticator, error) {
	var errs []error
	if len(cfg.Secret) == 0 {
		errs = append(errs, errors.New("auth: Secret is required"))
	}
	if cfg.Leeway < 0 {
		errs = append(errs, errors.New("auth: Leeway must not be negative"))
	}
	if slices.Contains(registeredClaims, cfg.OrgClaim) {
		// Issue would overwrite sub/exp/... with the org id, and Verify
		// would read the org id out of a claim that means something else.
		errs = append(errs, fmt.Errorf("auth: OrgClaim %q is a registered JWT claim", cfg.OrgClaim))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}

	// Copy the secret so a caller reusing its slice cannot change our key.
	cfg.Secret = append([]byte(nil), cfg.Secret...)
	if cfg.OrgClaim == "" {
		cfg.OrgClaim = DefaultOrgClaim
	}
	if cfg.Leeway == 0 {
		cfg.Leeway = DefaultLeeway
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}

	opts := []jwt.ParserOption{
		// The allow-list is what defeats alg:none and the RS/HS confusion
		// trick; keyFunc checks the method again in case it is ever dropped.
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(cfg.Leeway),
		jwt.WithTimeFunc(cfg.Now),
		// Canonical base64 only, so one token has one spelling.
		jwt.WithStrictDecoding(),
	}
	if cfg.Audience != "" {
		opts = append(opts, jwt.WithAudience(cfg.Audience))
	}
	if cfg.Issuer != "" {
		opts = append(opts, jwt.WithIssuer(cfg.Issuer))
	}
	return &Authenticator{cfg: cfg, parser: jwt.NewParser(opts...)}, nil
}

// String keeps the secret out of logs when an Authenticator is printed.
func (a *Authenticator) String() string {
	return "auth.Authenticator{" + a.cfg.String() + "}"
}

// TrustsGateway reports whether gateway identity headers are accepted, so
// the server can log its security posture at start-up.
func (a *Authenticator) TrustsGateway() bool { return a.cfg.TrustGateway }
