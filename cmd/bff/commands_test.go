package main

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/auth"
	"github.com/essaylab/teacher-bff/internal/config"
	"github.com/essaylab/teacher-bff/internal/devstack"
)

const testSecret = "cmd-bff-test-secret-0123456789abcdef"

// -h lists the flags and every setting with its default, and succeeds.
func TestHelpListsFlagsAndSettings(t *testing.T) {
	assert.Equal(t, "required", shownDefault(config.Setting{Required: true}))
	assert.Equal(t, "-", shownDefault(config.Setting{}))
	assert.Equal(t, ":4101", shownDefault(config.Setting{Default: ":4101"}))

	var stdout, stderr syncBuffer
	require.NoError(t, run(context.Background(), []string{"-h"}, &stdout, &stderr), "-h exits 0")
	out := stdout.String()
	for _, want := range []string{"-demo", "-demo-latency", "bff token"} {
		assert.Contains(t, out, want)
	}
	lines := strings.Split(out, "\n")
	for _, s := range config.Settings {
		want := shownDefault(s)
		found := false
		for _, l := range lines {
			if f := strings.Fields(l); len(f) >= 2 && f[0] == s.Name {
				found = true
				assert.Equal(t, want, f[1], "default of %s", s.Name)
			}
		}
		assert.True(t, found, "%s is listed", s.Name)
	}
	assert.Empty(t, stderr.String())
}

// A flag that does not exist fails, with the usage on stderr.
func TestUnknownFlagFails(t *testing.T) {
	var stdout, stderr syncBuffer
	err := run(context.Background(), []string{"-nope"}, &stdout, &stderr)
	require.Error(t, err)
	assert.Contains(t, stderr.String(), "BFF_LISTEN_ADDR", "the usage goes to stderr")
	assert.Empty(t, stdout.String())
}

// An address already in use names the setting that chose it.
func TestListenErrorNamesSetting(t *testing.T) {
	for _, setting := range []string{"BFF_LISTEN_ADDR", "BFF_METRICS_ADDR", "BFF_PPROF_ADDR"} {
		t.Run(setting, func(t *testing.T) {
			demoEnv(t)
			taken, err := net.Listen("tcp", "127.0.0.1:0")
			require.NoError(t, err)
			defer taken.Close()
			t.Setenv(setting, taken.Addr().String())
			var stdout, stderr syncBuffer
			err = run(context.Background(), []string{"-demo"}, &stdout, &stderr)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "address already in use")
			assert.Contains(t, err.Error(), "set "+setting+" to a free address")
		})
	}
}

// `bff token` mints what the BFF with the same settings accepts: subject,
// organisation, audience, issuer and lifetime as asked.
func TestTokenCommand(t *testing.T) {
	t.Setenv("BFF_JWT_SECRET", testSecret)
	t.Setenv("BFF_JWT_ORG_CLAIM", "tenant")
	var stdout, stderr syncBuffer
	require.NoError(t, run(context.Background(), []string{"token", "-sub", "teacher-9", "-org", "org-3",
		"-aud", "teacher-dashboard", "-iss", "https://login.example.com", "-ttl", "90m"}, &stdout, &stderr), stderr.String())
	token := strings.TrimSpace(stdout.String())

	verifier := func(aud, iss string) *auth.Authenticator {
		a, err := auth.New(auth.Config{Secret: []byte(testSecret), Audience: aud, Issuer: iss, OrgClaim: "tenant"})
		require.NoError(t, err)
		return a
	}
	teacher, err := verifier("teacher-dashboard", "https://login.example.com").Verify(token)
	require.NoError(t, err)
	assert.Equal(t, "teacher-9", teacher.ID)
	assert.Equal(t, "org-3", teacher.OrgID)
	assert.WithinDuration(t, time.Now().Add(90*time.Minute), teacher.ExpiresAt, 5*time.Second)
	_, err = verifier("another-audience", "").Verify(token)
	assert.Error(t, err, "the audience is in the token")

	// The audience and issuer default to the BFF's settings.
	t.Setenv("BFF_JWT_AUDIENCE", "aud-from-env")
	t.Setenv("BFF_JWT_ISSUER", "iss-from-env")
	stdout = syncBuffer{}
	require.NoError(t, run(context.Background(), []string{"token", "-sub", "teacher-1"}, &stdout, &stderr))
	teacher, err = verifier("aud-from-env", "iss-from-env").Verify(strings.TrimSpace(stdout.String()))
	require.NoError(t, err)
	assert.Equal(t, "teacher-1", teacher.ID)
	assert.WithinDuration(t, time.Now().Add(12*time.Hour), teacher.ExpiresAt, 5*time.Second, "12h by default")
}

// `bff token` refuses what would not make a usable token.
func TestTokenCommandErrors(t *testing.T) {
	for _, tc := range []struct {
		name, secret string
		args         []string
		want         string
	}{
		{"no secret", "", []string{"-sub", "teacher-1"}, "BFF_JWT_SECRET is not set"},
		{"short secret", "short", []string{"-sub", "teacher-1"}, "BFF_JWT_SECRET must be at least 32 bytes"},
		{"no subject", testSecret, nil, "-sub"},
		{"bad lifetime", testSecret, []string{"-sub", "teacher-1", "-ttl", "-1h"}, "positive ttl"},
		{"bad subject", testSecret, []string{"-sub", "teacher\x001"}, "teacher id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("BFF_JWT_SECRET", tc.secret)
			var stdout, stderr syncBuffer
			err := run(context.Background(), append([]string{"token"}, tc.args...), &stdout, &stderr)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Empty(t, stdout.String(), "no token")
		})
	}
}

// With BFF_JWT_SECRET the demo's token outlives a restart, and tokens
// minted with `bff token` work against it; the demo says how to mint them.
func TestDemoHonoursJWTSecret(t *testing.T) {
	demoEnv(t)
	t.Setenv("BFF_JWT_SECRET", testSecret)
	first := startRun(t, "-demo")
	assert.Contains(t, first.stdout.String(), "go run ./cmd/bff token -sub "+devstack.TeacherWithoutOrg)
	require.NoError(t, first.stop())

	var minted syncBuffer
	require.NoError(t, run(context.Background(), []string{"token", "-sub", devstack.TeacherWithoutOrg}, &minted, &syncBuffer{}))

	second := startRun(t, "-demo")
	assert.Equal(t, devstack.TeacherWithOrg, second.viewerID(t, first.authz), "the first run's token still works")
	assert.Equal(t, devstack.TeacherWithoutOrg, second.viewerID(t, "Bearer "+strings.TrimSpace(minted.String())))

	// Without the setting, each run has a secret of its own.
	require.NoError(t, second.stop())
	t.Setenv("BFF_JWT_SECRET", "")
	third := startRun(t, "-demo")
	assert.Contains(t, third.stdout.String(), "set BFF_JWT_SECRET")
	code, _ := third.query(t, first.authz, `{ viewer { id } }`)
	assert.Equal(t, http.StatusUnauthorized, code, "a token of another secret is refused")
	assert.Equal(t, devstack.TeacherWithOrg, third.viewerID(t, third.authz))
}

// `bff probe URL` is the image's health check: success only on a 200.
func TestProbeCommand(t *testing.T) {
	demoEnv(t)
	r := startRun(t, "-demo")
	var out syncBuffer
	assert.NoError(t, run(context.Background(), []string{"probe", r.base + "/healthz"}, &out, &out))
	assert.ErrorContains(t, run(context.Background(), []string{"probe", r.base + "/nope"}, &out, &out), "404")
	assert.Error(t, run(context.Background(), []string{"probe"}, &out, &out), "a URL is required")
}
