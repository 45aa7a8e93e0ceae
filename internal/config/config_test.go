package config_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/config"
)

func env(vars map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		v, ok := vars[name]
		return v, ok
	}
}

var complete = map[string]string{
	"BFF_RAS_URL":          "http://ras:8080",
	"BFF_CMS_URL":          "http://cms:8080",
	"BFF_ENTITLEMENTS_URL": "http://entitlements:8080",
	"BFF_INTERNAL_API_KEY": "key",
	"BFF_JWT_SECRET":       strings.Repeat("s", 32),
}

func with(extra map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range complete {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

func TestDefaults(t *testing.T) {
	c, err := config.Load(env(complete), false)
	require.NoError(t, err)
	assert.Equal(t, ":4101", c.ListenAddr)
	assert.Equal(t, "bff-teacher-service", c.ServiceID)
	assert.Equal(t, "org_id", c.JWTOrgClaim)
	assert.Equal(t, 5*time.Second, c.UpstreamTimeout)
	assert.False(t, c.TrustGateway)
	assert.Equal(t, config.Production, c.Env, "a deploy is production unless it says otherwise")
	assert.False(t, c.Introspection)
	assert.Equal(t, 5*time.Second, c.DrainDelay)
	assert.Equal(t, 600, c.RateLimit)
	assert.Equal(t, 1<<20, c.MaxBodyBytes)
	assert.Equal(t, 12, c.MaxDepth)
	assert.Equal(t, 5000, c.MaxComplexity)
	assert.Equal(t, 30, c.MaxAliases)
	assert.Equal(t, 5*time.Minute, c.ClassCacheTTL)
	assert.Equal(t, 10*time.Second, c.ClassCacheMissTTL)
}

func TestDevelopmentIsAskedFor(t *testing.T) {
	c, err := config.Load(env(with(map[string]string{"BFF_ENV": "development"})), false)
	require.NoError(t, err)
	assert.Equal(t, config.Development, c.Env)
	assert.True(t, c.Introspection)
	assert.Zero(t, c.DrainDelay)

	c, err = config.Load(env(nil), true)
	require.NoError(t, err)
	assert.Equal(t, config.Development, c.Env, "the demo is development by default")

	c, err = config.Load(env(map[string]string{"BFF_ENV": "production"}), true)
	require.NoError(t, err)
	assert.Equal(t, config.Production, c.Env, "unless told otherwise")
}

// Every setting in the table reaches the configuration: set each to a value
// other than its default and read it back. A setting added to
// config.Settings without a row here fails the test.
func TestEverySettingReachesConfig(t *testing.T) {
	rows := map[string]struct {
		value string
		got   func(config.Config) any
		want  any
	}{
		"BFF_LISTEN_ADDR":           {"127.0.0.1:4999", func(c config.Config) any { return c.ListenAddr }, "127.0.0.1:4999"},
		"BFF_METRICS_ADDR":          {"127.0.0.1:4998", func(c config.Config) any { return c.MetricsAddr }, "127.0.0.1:4998"},
		"BFF_PPROF_ADDR":            {"127.0.0.1:4997", func(c config.Config) any { return c.PprofAddr }, "127.0.0.1:4997"},
		"BFF_OTLP_ENDPOINT":         {"http://otel:4318/v1/traces", func(c config.Config) any { return c.OTLPEndpoint }, "http://otel:4318/v1/traces"},
		"BFF_RAS_URL":               {"http://ras.internal:81", func(c config.Config) any { return c.RASURL }, "http://ras.internal:81"},
		"BFF_CMS_URL":               {"http://cms.internal:82", func(c config.Config) any { return c.CMSURL }, "http://cms.internal:82"},
		"BFF_ENTITLEMENTS_URL":      {"http://ent.internal:83", func(c config.Config) any { return c.EntitlementsURL }, "http://ent.internal:83"},
		"BFF_INTERNAL_API_KEY":      {"other-key", func(c config.Config) any { return c.InternalAPIKey }, "other-key"},
		"BFF_SERVICE_ID":            {"bff-x", func(c config.Config) any { return c.ServiceID }, "bff-x"},
		"BFF_UPSTREAM_TIMEOUT":      {"750ms", func(c config.Config) any { return c.UpstreamTimeout }, 750 * time.Millisecond},
		"BFF_JWT_SECRET":            {strings.Repeat("k", 40), func(c config.Config) any { return c.JWTSecret }, strings.Repeat("k", 40)},
		"BFF_JWT_AUDIENCE":          {"teachers", func(c config.Config) any { return c.JWTAudience }, "teachers"},
		"BFF_JWT_ISSUER":            {"https://id.example.com", func(c config.Config) any { return c.JWTIssuer }, "https://id.example.com"},
		"BFF_JWT_ORG_CLAIM":         {"org", func(c config.Config) any { return c.JWTOrgClaim }, "org"},
		"BFF_TRUST_GATEWAY_HEADERS": {"true", func(c config.Config) any { return c.TrustGateway }, true},
		"BFF_REDIS_URL":             {"redis://127.0.0.1:6379/3", func(c config.Config) any { return c.RedisURL }, "redis://127.0.0.1:6379/3"},
		"BFF_ALLOWED_ORIGINS":       {"https://a.example.com", func(c config.Config) any { return c.AllowedOrigins }, []string{"https://a.example.com"}},
		"BFF_ENV":                   {"development", func(c config.Config) any { return c.Env }, config.Development},
		"BFF_INTROSPECTION":         {"false", func(c config.Config) any { return c.Introspection }, false},
		"BFF_TRUSTED_DOCUMENTS":     {"/etc/bff/operations", func(c config.Config) any { return c.TrustedDocuments }, "/etc/bff/operations"},
		"BFF_SHUTDOWN_TIMEOUT":      {"3s", func(c config.Config) any { return c.ShutdownTimeout }, 3 * time.Second},
		"BFF_DRAIN_DELAY":           {"2s", func(c config.Config) any { return c.DrainDelay }, 2 * time.Second},
		"BFF_LOG_LEVEL":             {"warn", func(c config.Config) any { return c.LogLevel }, "warn"},
		"BFF_MAX_BODY_BYTES":        {"2048", func(c config.Config) any { return c.MaxBodyBytes }, 2048},
		"BFF_MAX_DEPTH":             {"4", func(c config.Config) any { return c.MaxDepth }, 4},
		"BFF_MAX_COMPLEXITY":        {"123", func(c config.Config) any { return c.MaxComplexity }, 123},
		"BFF_MAX_ALIASES":           {"2", func(c config.Config) any { return c.MaxAliases }, 2},
		"BFF_RATE_LIMIT":            {"7", func(c config.Config) any { return c.RateLimit }, 7},
		"BFF_CLASS_CACHE_TTL":       {"90s", func(c config.Config) any { return c.ClassCacheTTL }, 90 * time.Second},
		"BFF_CLASS_CACHE_MISS_TTL":  {"2s", func(c config.Config) any { return c.ClassCacheMissTTL }, 2 * time.Second},
	}
	vars := map[string]string{}
	for _, s := range config.Settings {
		row, ok := rows[s.Name]
		if !assert.True(t, ok, "no row for %s: add one", s.Name) {
			continue
		}
		assert.NotEqual(t, s.Default, row.value, "%s: the row must use a value other than the default", s.Name)
		vars[s.Name] = row.value
	}
	c, err := config.Load(env(vars), false)
	require.NoError(t, err)
	for _, s := range config.Settings {
		if row, ok := rows[s.Name]; ok {
			assert.Equal(t, row.want, row.got(c), s.Name)
		}
	}
	// And unset, each one takes its documented default (where it has one).
	d, err := config.Load(env(complete), false)
	require.NoError(t, err)
	for _, s := range config.Settings {
		if row, ok := rows[s.Name]; ok && !s.Required && s.Default != "" {
			assert.NotEqual(t, row.want, row.got(d), "%s: unset, it must not read as the test value", s.Name)
		}
	}
}

func TestProductionDefaults(t *testing.T) {
	c, err := config.Load(env(with(map[string]string{"BFF_ENV": "production"})), false)
	require.NoError(t, err)
	assert.False(t, c.Introspection, "introspection is off in production")
	assert.Equal(t, 5*time.Second, c.DrainDelay)

	c, err = config.Load(env(with(map[string]string{"BFF_ENV": "production", "BFF_INTROSPECTION": "true"})), false)
	require.NoError(t, err)
	assert.True(t, c.Introspection, "unless switched on explicitly")
}

// Every problem is reported at once, missing settings by name.
func TestErrorsReportedTogether(t *testing.T) {
	_, err := config.Load(env(map[string]string{
		"BFF_UPSTREAM_TIMEOUT": "soon",
		"BFF_ENV":              "staging",
		"BFF_ALLOWED_ORIGINS":  "*",
		"BFF_RATE_LIMIT":       "-1",
		"BFF_RAS_URL":          "ras:8080",
		"BFF_CMS_URL":          "ftp://cms",
		"BFF_REDIS_URL":        "127.0.0.1:6379",
		"BFF_MAX_DEPTH":        "0",
		"BFF_MAX_BODY_BYTES":   "1MB",
		"BFF_CLASS_CACHE_TTL":  "-5s",
	}), false)
	require.Error(t, err)
	msg := err.Error()
	for _, want := range []string{
		"missing required settings: BFF_ENTITLEMENTS_URL, BFF_INTERNAL_API_KEY, BFF_JWT_SECRET",
		"BFF_UPSTREAM_TIMEOUT", "BFF_ENV", "BFF_ALLOWED_ORIGINS", "BFF_RATE_LIMIT",
		"BFF_RAS_URL", "BFF_CMS_URL", "BFF_REDIS_URL", "BFF_MAX_DEPTH", "BFF_MAX_BODY_BYTES", "BFF_CLASS_CACHE_TTL",
	} {
		assert.Contains(t, msg, want)
	}
	assert.NotContains(t, msg, "BFF_SHUTDOWN_TIMEOUT", "a setting that was not set and is fine is not named")
	assert.NotContains(t, msg, "127.0.0.1:6379", "the Redis URL may hold a password: it is never echoed")
}

func TestDemoNeedsNoUpstreamSettings(t *testing.T) {
	_, err := config.Load(env(nil), true)
	assert.NoError(t, err)
}

func TestShortSecretRefused(t *testing.T) {
	_, err := config.Load(env(with(map[string]string{"BFF_JWT_SECRET": "short"})), false)
	assert.ErrorContains(t, err, "at least 32 bytes")
}

func TestSecretsNeverInErrors(t *testing.T) {
	_, err := config.Load(env(with(map[string]string{"BFF_JWT_SECRET": "tiny-secret", "BFF_ENV": "x"})), false)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "tiny-secret")
}

func TestOriginsParsed(t *testing.T) {
	c, err := config.Load(env(with(map[string]string{"BFF_ALLOWED_ORIGINS": " https://a.example.com, http://localhost:3000 "})), false)
	require.NoError(t, err)
	assert.Equal(t, []string{"https://a.example.com", "http://localhost:3000"}, c.AllowedOrigins)
}

// The README's settings table is config.Settings, row for row: a setting
// added, renamed or redocumented here fails until the README says the same.
// On failure the test prints the table to paste.
func TestREADMETableIsSettings(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	var b strings.Builder
	b.WriteString("| Variable | Default | Meaning |\n| --- | --- | --- |\n")
	for _, s := range config.Settings {
		def := "—"
		switch {
		case s.Required:
			def = "required"
		case s.Default != "":
			def = "`" + s.Default + "`"
		}
		help := s.Help
		if s.Secret {
			help += " (secret: never logged)"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", s.Name, def, help)
	}
	assert.True(t, strings.Contains(string(readme), b.String()),
		"README.md's settings table differs from config.Settings; it should read:\n%s", b.String())
}
