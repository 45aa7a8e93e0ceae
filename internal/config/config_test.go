package config_test

import (
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
	assert.Equal(t, config.Development, c.Env)
	assert.True(t, c.Introspection)
	assert.Zero(t, c.DrainDelay)
	assert.Equal(t, 600, c.RateLimit)
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
	}), false)
	require.Error(t, err)
	msg := err.Error()
	for _, want := range []string{
		"missing required settings: BFF_RAS_URL, BFF_CMS_URL, BFF_ENTITLEMENTS_URL, BFF_INTERNAL_API_KEY, BFF_JWT_SECRET",
		"BFF_UPSTREAM_TIMEOUT", "BFF_ENV", "BFF_ALLOWED_ORIGINS", "BFF_RATE_LIMIT",
	} {
		assert.Contains(t, msg, want)
	}
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

// The README documents every setting operators and tests rely on.
func TestREADMEDocumentsEverySetting(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	for _, s := range config.Settings {
		assert.Contains(t, string(readme), "`"+s.Name+"`", "README lacks %s", s.Name)
	}
}
