package deploy_test

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/config"
	"github.com/essaylab/teacher-bff/internal/devstack"
)

// loadCompose loads compose.yaml the way `docker compose` does (the Compose
// specification's reference loader), with env as the shell's environment.
func loadCompose(t *testing.T, env map[string]string) (*types.Project, error) {
	t.Helper()
	root, err := filepath.Abs(repoRoot)
	require.NoError(t, err)
	return loader.LoadWithContext(context.Background(), types.ConfigDetails{
		WorkingDir:  root,
		ConfigFiles: []types.ConfigFile{{Filename: filepath.Join(root, "compose.yaml")}},
		Environment: env,
	})
}

// compose.yaml runs Redis, cmd/devstack publishing to it and two BFF
// replicas on it: built from the Dockerfile's stages, as its non-root user,
// read-only, with health checks, on distinct host ports, and configured with
// settings the BFF has and accepts.
func TestComposeStack(t *testing.T) {
	const secret = "compose-test-secret-0123456789abcdef"
	p, err := loadCompose(t, map[string]string{"BFF_JWT_SECRET": secret})
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"redis", "devstack", "bff-1", "bff-2"}, p.ServiceNames())

	stages := readDockerfile(t)
	published := map[string]string{}
	for _, s := range p.Services {
		require.NotNil(t, s.HealthCheck, "%s has a health check", s.Name)
		assert.NotEmpty(t, s.HealthCheck.Test, s.Name)
		for _, port := range s.Ports {
			require.Empty(t, published[port.Published], "host port %s published twice", port.Published)
			published[port.Published] = s.Name
			assert.Equal(t, "127.0.0.1", port.HostIP, "%s: published on this machine only", s.Name)
		}
		if s.Build == nil {
			continue
		}
		st := stages[s.Build.Target]
		require.NotNil(t, st, "%s builds a stage of the Dockerfile", s.Name)
		assert.Equal(t, st.user, s.User, "%s: the image's user", s.Name)
		assert.True(t, s.ReadOnly, "%s: read-only root filesystem", s.Name)
		assert.Equal(t, []string{"ALL"}, s.CapDrop, s.Name)
		// The health check runs the image's own binary (no shell, no curl).
		assert.Equal(t, []string{"CMD", st.entrypoint[0], "probe"}, []string(s.HealthCheck.Test[:3]), s.Name)
	}

	dev := p.Services["devstack"]
	devPorts := map[string]string{} // flag -> port
	for i := 0; i+1 < len(dev.Command); i += 2 {
		devPorts[dev.Command[i]] = dev.Command[i+1]
	}
	assert.Equal(t, "1s", devPorts["-simulate"], "the simulator runs")
	assert.Equal(t, "redis://redis:6379/0", devPorts["-redis-url"], "and publishes to the redis service")
	assert.Equal(t, fmt.Sprintf("http://127.0.0.1%s/healthz", devPorts["-ras-addr"]), dev.HealthCheck.Test[3])

	for _, name := range []string{"bff-1", "bff-2"} {
		s := p.Services[name]
		env := map[string]string{}
		for k, v := range s.Environment {
			require.NotNil(t, v, "%s: %s has a value", name, k)
			env[k] = *v
			assert.True(t, slices.ContainsFunc(config.Settings, func(st config.Setting) bool { return st.Name == k }),
				"%s: %s is a setting of the BFF", name, k)
		}
		cfg, err := config.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok }, false)
		require.NoError(t, err, "%s: the BFF accepts its settings", name)
		assert.Equal(t, secret, cfg.JWTSecret, "the secret comes from the environment")
		assert.Equal(t, devstack.DefaultAPIKey, cfg.InternalAPIKey, "the devstack's API key")

		for upstreamURL, flag := range map[string]string{cfg.RASURL: "-ras-addr", cfg.CMSURL: "-cms-addr", cfg.EntitlementsURL: "-entitlements-addr"} {
			u, err := url.Parse(upstreamURL)
			require.NoError(t, err)
			assert.Equal(t, "devstack", u.Hostname(), "%s: upstreams are the devstack service", name)
			assert.Equal(t, devPorts[flag], ":"+u.Port(), "%s: %s listens where the BFF calls", name, flag)
		}
		redisURL, err := url.Parse(cfg.RedisURL)
		require.NoError(t, err)
		assert.Equal(t, "redis", redisURL.Hostname(), "%s: events, APQ and rate limits shared through Redis", name)

		_, listenPort, _ := net.SplitHostPort(cfg.ListenAddr)
		_, metricsPort, _ := net.SplitHostPort(cfg.MetricsAddr)
		var targets []string
		for _, port := range s.Ports {
			targets = append(targets, strconv.Itoa(int(port.Target)))
		}
		assert.ElementsMatch(t, []string{listenPort, metricsPort}, targets, "%s: the API and metrics ports are published", name)
		assert.Equal(t, fmt.Sprintf("http://127.0.0.1:%s/readyz", listenPort), s.HealthCheck.Test[3], "%s: healthy when ready", name)
		for _, dep := range []string{"redis", "devstack"} {
			assert.Equal(t, types.ServiceConditionHealthy, s.DependsOn[dep].Condition, "%s waits for %s", name, dep)
		}
		grace := cfg.DrainDelay + cfg.ShutdownTimeout
		require.NotNil(t, s.StopGracePeriod)
		assert.Greater(t, *s.StopGracePeriod, types.Duration(grace), "%s: compose waits for the drain and the shutdown", name)
	}
}

// Without BFF_JWT_SECRET in the environment compose refuses to start and
// says what to set, rather than run with a secret everyone knows.
func TestComposeNeedsJWTSecret(t *testing.T) {
	_, err := loadCompose(t, map[string]string{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "set BFF_JWT_SECRET")
}
