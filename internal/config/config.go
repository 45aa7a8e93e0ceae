// Package config reads the BFF's settings from the environment: one typed
// struct, every problem reported at once.
package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/essaylab/teacher-bff/internal/upstream"
)

// Environments.
const (
	Development = "development"
	Production  = "production"
)

// Config is every setting of the BFF.
type Config struct {
	ListenAddr  string // BFF_LISTEN_ADDR
	MetricsAddr string // BFF_METRICS_ADDR
	// PprofAddr serves Go's profiles (net/http/pprof); empty: off.
	PprofAddr string // BFF_PPROF_ADDR
	// OTLPEndpoint receives traces over OTLP/HTTP; empty exports none.
	OTLPEndpoint string // BFF_OTLP_ENDPOINT

	RASURL          string // BFF_RAS_URL
	CMSURL          string // BFF_CMS_URL
	EntitlementsURL string // BFF_ENTITLEMENTS_URL
	InternalAPIKey  string // BFF_INTERNAL_API_KEY
	ServiceID       string // BFF_SERVICE_ID
	UpstreamTimeout time.Duration

	JWTSecret    string // BFF_JWT_SECRET
	JWTAudience  string // BFF_JWT_AUDIENCE
	JWTIssuer    string // BFF_JWT_ISSUER
	JWTOrgClaim  string // BFF_JWT_ORG_CLAIM
	TrustGateway bool   // BFF_TRUST_GATEWAY_HEADERS

	Env string // BFF_ENV

	// RedisURL selects the Redis pub/sub event source; empty means the
	// in-process bus (demo, single process).
	RedisURL string // BFF_REDIS_URL
	// AllowedOrigins are the browser origins allowed to open subscriptions
	// and make cross-origin requests.
	AllowedOrigins []string // BFF_ALLOWED_ORIGINS

	// ShutdownTimeout bounds how long in-flight operations may take to
	// finish after SIGTERM.
	ShutdownTimeout time.Duration // BFF_SHUTDOWN_TIMEOUT
	// DrainDelay is how long the BFF keeps serving after SIGTERM while
	// /readyz already says no, so load balancers stop routing to it first.
	DrainDelay time.Duration // BFF_DRAIN_DELAY
	LogLevel   string        // BFF_LOG_LEVEL

	// Introspection serves the schema to clients (and the playground);
	// on by default outside production.
	Introspection bool // BFF_INTROSPECTION
	// TrustedDocuments is a persisted-documents manifest file (Apollo's or
	// GraphQL Code Generator's) or a directory of .graphql files; when
	// set, only the documents in it may run (internal/persisted).
	TrustedDocuments string // BFF_TRUSTED_DOCUMENTS

	// Limits on one request, each 1 or more.
	MaxBodyBytes  int // BFF_MAX_BODY_BYTES
	MaxDepth      int // BFF_MAX_DEPTH
	MaxComplexity int // BFF_MAX_COMPLEXITY
	MaxAliases    int // BFF_MAX_ALIASES

	// ClassCacheTTL is how long a class CMS reported for a batch is reused;
	// ClassCacheMissTTL how long its "no class" answer is (a batch's class
	// appears once its students are matched, so that answer must not last).
	ClassCacheTTL     time.Duration // BFF_CLASS_CACHE_TTL
	ClassCacheMissTTL time.Duration // BFF_CLASS_CACHE_MISS_TTL

	// RateLimit is how many requests one teacher may make per minute.
	RateLimit int // BFF_RATE_LIMIT
}

// Production reports whether the BFF runs with production defaults.
func (c Config) Production() bool { return c.Env == Production }

// Setting documents one environment variable; the README's table and the
// error messages come from the same list.
type Setting struct {
	Name     string
	Default  string
	Required bool
	Secret   bool
	Help     string
}

// Settings lists every variable the BFF reads, in the order of the README.
var Settings = []Setting{
	{Name: "BFF_LISTEN_ADDR", Default: ":4101", Help: "address the HTTP server listens on"},
	{Name: "BFF_METRICS_ADDR", Default: ":9101", Help: "address of the Prometheus /metrics listener, apart from the API so it is not exposed with it"},
	{Name: "BFF_PPROF_ADDR", Help: "address of a Go profiling listener (`/debug/pprof/`), e.g. `127.0.0.1:6060`; unset: none. Keep it off public interfaces"},
	{Name: "BFF_OTLP_ENDPOINT", Help: "OTLP/HTTP traces endpoint (e.g. `http://otel-collector:4318/v1/traces`); unset: spans are not exported, trace context is still propagated"},
	{Name: "BFF_RAS_URL", Required: true, Help: "base URL of the Result Aggregator Service"},
	{Name: "BFF_CMS_URL", Required: true, Help: "base URL of the Class Management Service"},
	{Name: "BFF_ENTITLEMENTS_URL", Required: true, Help: "base URL of the Entitlements service"},
	{Name: "BFF_INTERNAL_API_KEY", Required: true, Secret: true, Help: "shared secret sent as X-Internal-API-Key"},
	{Name: "BFF_SERVICE_ID", Default: "bff-teacher-service", Help: "caller name sent as X-Service-ID"},
	{Name: "BFF_UPSTREAM_TIMEOUT", Default: "5s", Help: "deadline of one upstream call (Go duration)"},
	{Name: "BFF_JWT_SECRET", Required: true, Secret: true, Help: "HS256 key of teacher tokens (32 bytes or more)"},
	{Name: "BFF_JWT_AUDIENCE", Help: "required `aud` of teacher tokens; unchecked when empty"},
	{Name: "BFF_JWT_ISSUER", Help: "required `iss` of teacher tokens; unchecked when empty"},
	{Name: "BFF_JWT_ORG_CLAIM", Default: "org_id", Help: "token claim that holds the organisation id"},
	{Name: "BFF_TRUST_GATEWAY_HEADERS", Default: "false", Help: "accept X-User-ID / X-Org-ID from the API gateway instead of a token"},
	{Name: "BFF_REDIS_URL", Secret: true, Help: "Redis carrying RAS's batch events (`redis://host:6379/0`); unset: in-process events (demo only)"},
	{Name: "BFF_ALLOWED_ORIGINS", Help: "comma-separated browser origins allowed to subscribe and call cross-origin (e.g. `https://app.example.com`)"},
	{Name: "BFF_ENV", Default: Production, Help: "`production` or `development` (production turns off introspection, the playground and field suggestions); with `-demo` the default is `development`"},
	{Name: "BFF_INTROSPECTION", Help: "serve introspection and the playground (default: on in development and the demo, off in production)"},
	{Name: "BFF_TRUSTED_DOCUMENTS", Help: "the documents that may run, and only those: a manifest file (Apollo's persisted-query manifest or GraphQL Code Generator's persisted documents, see `bff persisted-manifest`) or a directory of the frontend's .graphql operations; requests name one by hash or send its text"},
	{Name: "BFF_SHUTDOWN_TIMEOUT", Default: "20s", Help: "how long in-flight operations may finish after SIGTERM"},
	{Name: "BFF_DRAIN_DELAY", Help: "how long to keep serving after SIGTERM with /readyz failing, before closing (default 5s in production, 0s otherwise)"},
	{Name: "BFF_LOG_LEVEL", Default: "info", Help: "debug, info, warn or error"},
	{Name: "BFF_MAX_BODY_BYTES", Default: "1048576", Help: "largest request body, and longest URL query of a GET; a larger one is refused before it is read (413 PAYLOAD_TOO_LARGE, 414 URI_TOO_LONG). Header fields besides get 64 KiB: past that, a plain 431 from the HTTP server"},
	{Name: "BFF_MAX_DEPTH", Default: "12", Help: "deepest field nesting of an operation (introspection has its own bound)"},
	{Name: "BFF_MAX_COMPLEXITY", Default: "5000", Help: "highest cost of an operation: a field costs 1, a list its `limit` (essays: 50) times its children"},
	{Name: "BFF_MAX_ALIASES", Default: "30", Help: "most aliases in one operation"},
	{Name: "BFF_RATE_LIMIT", Default: "600", Help: "operations one teacher may run per minute, over every transport (HTTP: 429 with Retry-After past it; WebSocket: a `RATE_LIMITED` error for the operation); shared by all replicas through `BFF_REDIS_URL`, else per process; 0 turns it off"},
	{Name: "BFF_CLASS_CACHE_TTL", Default: "5m", Help: "how long a batch's class, as CMS reported it, is reused (Go duration)"},
	{Name: "BFF_CLASS_CACHE_MISS_TTL", Default: "10s", Help: "how long CMS's answer \"no class for this batch\" is reused (Go duration); a batch event for the batch drops both at once"},
}

// Load reads the configuration from lookup (os.LookupEnv in main). With
// demo set, the upstream and secret settings are filled in by the caller
// later, so their absence is not an error.
//
// Outside the demo BFF_ENV defaults to production: development (with
// introspection, the playground and field suggestions) must be asked for.
func Load(lookup func(string) (string, bool), demo bool) (Config, error) {
	r := reader{lookup: lookup}
	c := Config{
		ListenAddr:        r.str("BFF_LISTEN_ADDR"),
		MetricsAddr:       r.str("BFF_METRICS_ADDR"),
		OTLPEndpoint:      r.str("BFF_OTLP_ENDPOINT"),
		PprofAddr:         r.str("BFF_PPROF_ADDR"),
		RASURL:            r.str("BFF_RAS_URL"),
		CMSURL:            r.str("BFF_CMS_URL"),
		EntitlementsURL:   r.str("BFF_ENTITLEMENTS_URL"),
		InternalAPIKey:    r.str("BFF_INTERNAL_API_KEY"),
		ServiceID:         r.str("BFF_SERVICE_ID"),
		UpstreamTimeout:   r.duration("BFF_UPSTREAM_TIMEOUT"),
		JWTSecret:         r.str("BFF_JWT_SECRET"),
		JWTAudience:       r.str("BFF_JWT_AUDIENCE"),
		JWTIssuer:         r.str("BFF_JWT_ISSUER"),
		JWTOrgClaim:       r.str("BFF_JWT_ORG_CLAIM"),
		TrustGateway:      r.boolean("BFF_TRUST_GATEWAY_HEADERS"),
		Env:               r.str("BFF_ENV"),
		RedisURL:          r.str("BFF_REDIS_URL"),
		AllowedOrigins:    r.list("BFF_ALLOWED_ORIGINS"),
		ShutdownTimeout:   r.duration("BFF_SHUTDOWN_TIMEOUT"),
		DrainDelay:        r.optionalDuration("BFF_DRAIN_DELAY"),
		LogLevel:          r.str("BFF_LOG_LEVEL"),
		RateLimit:         r.integer("BFF_RATE_LIMIT"),
		TrustedDocuments:  r.str("BFF_TRUSTED_DOCUMENTS"),
		MaxBodyBytes:      r.positive("BFF_MAX_BODY_BYTES"),
		MaxDepth:          r.positive("BFF_MAX_DEPTH"),
		MaxComplexity:     r.positive("BFF_MAX_COMPLEXITY"),
		MaxAliases:        r.positive("BFF_MAX_ALIASES"),
		ClassCacheTTL:     r.duration("BFF_CLASS_CACHE_TTL"),
		ClassCacheMissTTL: r.duration("BFF_CLASS_CACHE_MISS_TTL"),
	}
	if demo && r.raw("BFF_ENV") == "" {
		c.Env = Development
	}
	if !demo {
		var missing []string
		for _, s := range Settings {
			if s.Required && r.raw(s.Name) == "" {
				missing = append(missing, s.Name)
			}
		}
		if len(missing) > 0 {
			r.errs = append(r.errs, fmt.Errorf("missing required settings: %s", strings.Join(missing, ", ")))
		}
	}
	if c.Env != Development && c.Env != Production {
		r.errs = append(r.errs, fmt.Errorf("BFF_ENV must be %q or %q, got %q", Development, Production, c.Env))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		r.errs = append(r.errs, fmt.Errorf("BFF_LOG_LEVEL must be debug, info, warn or error, got %q", c.LogLevel))
	}
	for name, raw := range map[string]string{
		"BFF_RAS_URL": c.RASURL, "BFF_CMS_URL": c.CMSURL, "BFF_ENTITLEMENTS_URL": c.EntitlementsURL,
	} {
		if raw == "" {
			continue // reported as missing (or filled in by the demo)
		}
		if err := upstream.CheckBaseURL(raw); err != nil {
			r.errs = append(r.errs, fmt.Errorf("%s: %w", name, err))
		}
	}
	if c.RedisURL != "" {
		if _, err := redis.ParseURL(c.RedisURL); err != nil {
			// The URL may carry a password: say what is wrong, not what it is.
			r.errs = append(r.errs, errors.New("BFF_REDIS_URL is not a valid URL like redis://host:6379/0 (rediss:// for TLS)"))
		}
	}
	c.Introspection = !c.Production()
	if r.raw("BFF_INTROSPECTION") != "" {
		c.Introspection = r.boolean("BFF_INTROSPECTION")
	}
	if r.raw("BFF_DRAIN_DELAY") == "" && c.Production() {
		c.DrainDelay = 5 * time.Second
	}
	if c.DrainDelay < 0 {
		r.errs = append(r.errs, errors.New("BFF_DRAIN_DELAY must not be negative"))
	}
	for _, o := range c.AllowedOrigins {
		if u, err := url.Parse(o); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			r.errs = append(r.errs, fmt.Errorf("BFF_ALLOWED_ORIGINS: %q is not an origin like https://app.example.com", o))
		}
	}
	if c.JWTSecret != "" && len(c.JWTSecret) < 32 {
		r.errs = append(r.errs, errors.New("BFF_JWT_SECRET must be at least 32 bytes"))
	}
	if err := errors.Join(r.errs...); err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	return c, nil
}

// FromEnv reads the process environment.
func FromEnv(demo bool) (Config, error) { return Load(os.LookupEnv, demo) }

// reader collects every problem instead of stopping at the first.
type reader struct {
	lookup func(string) (string, bool)
	errs   []error
}

func (r *reader) raw(name string) string {
	v, _ := r.lookup(name)
	return strings.TrimSpace(v)
}

func (r *reader) str(name string) string {
	if v := r.raw(name); v != "" {
		return v
	}
	return defaultOf(name)
}

func (r *reader) list(name string) []string {
	var out []string
	for _, v := range strings.Split(r.str(name), ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// optionalDuration reads a duration of 0 or more; unset is 0.
func (r *reader) optionalDuration(name string) time.Duration {
	v := r.raw(name)
	if v == "" {
		return 0
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		r.errs = append(r.errs, fmt.Errorf("%s: %q is not a duration (e.g. 5s, 250ms)", name, v))
	}
	return d
}

// duration reads a Go duration that must be positive (a timeout or TTL of
// zero would mean "fail at once" or "never reuse", never what is meant).
func (r *reader) duration(name string) time.Duration {
	v := r.str(name)
	d, err := time.ParseDuration(v)
	switch {
	case err != nil:
		r.errs = append(r.errs, fmt.Errorf("%s: %q is not a duration (e.g. 5s, 250ms)", name, v))
	case d <= 0:
		r.errs = append(r.errs, fmt.Errorf("%s: %q must be positive", name, v))
	}
	return d
}

// positive reads a whole number of 1 or more.
func (r *reader) positive(name string) int { return r.atLeast(name, 1) }

// integer reads a whole number of 0 or more.
func (r *reader) integer(name string) int { return r.atLeast(name, 0) }

func (r *reader) atLeast(name string, least int) int {
	v := r.str(name)
	n, err := strconv.Atoi(v)
	if err != nil || n < least {
		r.errs = append(r.errs, fmt.Errorf("%s: %q is not a whole number of %d or more", name, v, least))
	}
	return n
}

func (r *reader) boolean(name string) bool {
	v := r.str(name)
	b, err := strconv.ParseBool(v)
	if err != nil {
		r.errs = append(r.errs, fmt.Errorf("%s: %q is not true or false", name, v))
	}
	return b
}

func defaultOf(name string) string {
	for _, s := range Settings {
		if s.Name == name {
			return s.Default
		}
	}
	return ""
}
