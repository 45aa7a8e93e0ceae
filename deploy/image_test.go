package deploy_test

import (
	"bufio"
	"bytes"
	"context"
	"debug/elf"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/auth"
	"github.com/essaylab/teacher-bff/internal/config"
	"github.com/essaylab/teacher-bff/internal/devstack"
)

// nonroot is distroless's nonroot user and group, the image's USER.
const nonroot = 65532

// The Dockerfile's image: a distroless (or scratch) base, a non-root user,
// the listen and metrics ports of the BFF's defaults, an exec-form
// entrypoint of the binary the build stage makes.
func TestDockerfileImages(t *testing.T) {
	stages := readDockerfile(t)
	args, env := goBuild(t, stages)
	assert.Equal(t, "0", env["CGO_ENABLED"], "a static binary")
	assert.Contains(t, args, "-trimpath", "no build machine paths in the binary")
	assert.Contains(t, args, "./cmd/bff")
	assert.Contains(t, args, "./cmd/devstack")
	out := outputDir(t, args)

	for name, want := range map[string]struct {
		binary string
		ports  []string
	}{
		"bff":      {"bff", []string{port(t, "BFF_LISTEN_ADDR"), port(t, "BFF_METRICS_ADDR")}},
		"devstack": {"devstack", []string{"4201", "4202", "4203"}},
	} {
		s := stages[name]
		require.NotNil(t, s, "stage %s", name)
		assert.True(t, s.base == "scratch" || strings.HasPrefix(s.base, "gcr.io/distroless/static-debian12:nonroot"),
			"%s: minimal base, got %s", name, s.base)
		assert.Equal(t, fmt.Sprintf("%d:%d", nonroot, nonroot), s.user, "%s runs as a non-root user", name)
		assert.Equal(t, want.ports, s.expose, "%s exposes its ports", name)
		assert.Equal(t, []string{"/" + want.binary}, s.entrypoint, name)
		assert.Contains(t, s.copies, []string{"--from=build", out + want.binary, "/" + want.binary}, name)
	}
	// Unnamed stages are not allowed: the default target must be the BFF.
	assert.Nil(t, stages[""], "every stage is named")
}

// The binaries the Dockerfile builds, built the same way here (there is no
// container engine in CI), are static and serve as the image runs them: as
// user 65532 with nothing writable (a read-only working directory, HOME and
// TMPDIR), the BFF against the reference upstreams of cmd/devstack.
func TestImageBinariesRunAsNonRootReadOnly(t *testing.T) {
	if os.Geteuid() != 0 {
		if os.Getenv("CI") != "" {
			t.Fatal("switching to user 65532 needs root; CI runs as root")
		}
		t.Skip("switching to user 65532 needs root")
	}
	args, env := goBuild(t, readDockerfile(t))
	bin, err := os.MkdirTemp("", "bff-image-")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(bin) })
	require.NoError(t, os.Chmod(bin, 0o755))
	out := outputDir(t, args)
	args = slices.Clone(args)
	args[slices.Index(args, "-o")+1] = bin + "/"

	cmd := exec.Command("go", append([]string{"build"}, args...)...)
	cmd.Dir = repoRoot
	cmd.Env = os.Environ()
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	b, err := cmd.CombinedOutput()
	require.NoError(t, err, "go build %s (the Dockerfile's, -o %s): %s", strings.Join(args, " "), out, b)
	for _, name := range []string{"bff", "devstack"} {
		assertStatic(t, filepath.Join(bin, name))
	}

	readOnly := t.TempDir()
	require.NoError(t, os.Chmod(readOnly, 0o555))
	require.NoError(t, os.Chmod(filepath.Dir(readOnly), 0o755))

	devstackProc := startAsNonRoot(t, filepath.Join(bin, "devstack"), readOnly, nil,
		"-ras-addr", "127.0.0.1:0", "-cms-addr", "127.0.0.1:0", "-entitlements-addr", "127.0.0.1:0")
	up := devstackProc.waitLog(t, "devstack listening")

	const secret = "image-test-secret-0123456789abcdef"
	bff := startAsNonRoot(t, filepath.Join(bin, "bff"), readOnly, []string{
		"BFF_RAS_URL=" + up["ras"].(string),
		"BFF_CMS_URL=" + up["cms"].(string),
		"BFF_ENTITLEMENTS_URL=" + up["entitlements"].(string),
		"BFF_INTERNAL_API_KEY=" + devstack.DefaultAPIKey,
		"BFF_JWT_SECRET=" + secret,
		"BFF_LISTEN_ADDR=127.0.0.1:0",
		"BFF_METRICS_ADDR=127.0.0.1:0",
		"BFF_DRAIN_DELAY=0s",
	})
	listening := bff.waitLog(t, "listening")
	assert.Equal(t, config.Production, listening["env"], "a deploy is production unless it says otherwise")
	base := "http://" + listening["addr"].(string)

	get := func(url string) int {
		resp, err := http.Get(url)
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	assert.Equal(t, http.StatusOK, get(base+"/healthz"))
	require.Eventually(t, func() bool { return get(base+"/readyz") == http.StatusOK },
		15*time.Second, 50*time.Millisecond, "ready once the upstreams answered the probe")
	assert.Equal(t, http.StatusOK, get("http://"+listening["metrics_addr"].(string)+"/metrics"))

	a, err := auth.New(auth.Config{Secret: []byte(secret), OrgClaim: "org_id"})
	require.NoError(t, err)
	token, err := a.Issue(auth.Teacher{ID: devstack.TeacherWithOrg, OrgID: devstack.OrgID}, time.Hour)
	require.NoError(t, err)
	query := func(authz string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, base+"/graphql",
			strings.NewReader(`{"query":"{ viewer { id batches(limit: 1) { totalCount } } }"}`))
		req.Header.Set("Content-Type", "application/json")
		if authz != "" {
			req.Header.Set("Authorization", authz)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	code, body := query("Bearer " + token)
	require.Equal(t, http.StatusOK, code, body)
	assert.Contains(t, body, `"id":"teacher-1"`)
	assert.NotContains(t, body, `"errors"`)
	code, _ = query("")
	assert.Equal(t, http.StatusUnauthorized, code, "nothing without a teacher outside the demo")

	for _, p := range []*process{bff, devstackProc} {
		require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
		assert.NoError(t, p.wait(10*time.Second), "%s exits 0 on SIGTERM; stderr:\n%s", p.cmd.Path, p.stderr)
		assert.NotContains(t, p.stderr.String(), "read-only file system")
		assert.NotContains(t, p.stderr.String(), "permission denied")
	}
}

// outputDir is the -o directory of the build (with its trailing slash).
func outputDir(t *testing.T, args []string) string {
	t.Helper()
	i := slices.Index(args, "-o")
	require.True(t, i >= 0 && i+1 < len(args), "go build -o DIR/")
	require.True(t, strings.HasSuffix(args[i+1], "/"), "-o names a directory, one binary per command")
	return args[i+1]
}

// port is the port of a listen address setting's default.
func port(t *testing.T, setting string) string {
	t.Helper()
	_, p, err := net.SplitHostPort(defaultOf(t, setting))
	require.NoError(t, err)
	return p
}

// defaultOf is the default of a setting, from the BFF's settings list.
func defaultOf(t *testing.T, name string) string {
	t.Helper()
	for _, s := range config.Settings {
		if s.Name == name {
			return s.Default
		}
	}
	t.Fatalf("%s is not a setting of the BFF", name)
	return ""
}

// assertStatic checks that an ELF binary needs no dynamic loader and no
// shared library (distroless static and scratch have neither).
func assertStatic(t *testing.T, path string) {
	t.Helper()
	f, err := elf.Open(path)
	require.NoError(t, err)
	defer f.Close()
	for _, p := range f.Progs {
		assert.NotEqual(t, elf.PT_INTERP, p.Type, "%s needs no dynamic loader", path)
	}
	libs, err := f.ImportedLibraries()
	require.NoError(t, err)
	assert.Empty(t, libs, "%s links no shared library", path)
}

// process is a command started by startAsNonRoot, with its JSON log lines.
type process struct {
	cmd    *exec.Cmd
	stderr *bytes.Buffer // everything it logged, once it exited
	lines  chan map[string]any
	done   chan error
}

// startAsNonRoot runs path as user and group 65532 in dir, with HOME and
// TMPDIR at dir too and only the given environment.
func startAsNonRoot(t *testing.T, path, dir string, env []string, args ...string) *process {
	t.Helper()
	cmd := exec.Command(path, args...)
	cmd.Dir = dir
	cmd.Env = append([]string{"HOME=" + dir, "TMPDIR=" + dir}, env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nonroot, Gid: nonroot}}
	pipe, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	p := &process{cmd: cmd, stderr: &bytes.Buffer{}, lines: make(chan map[string]any, 64), done: make(chan error, 1)}
	go func() {
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			p.stderr.Write(sc.Bytes())
			p.stderr.WriteByte('\n')
			var m map[string]any
			if json.Unmarshal(sc.Bytes(), &m) == nil {
				select {
				case p.lines <- m:
				default:
				}
			}
		}
		close(p.lines)
		p.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = p.wait(5 * time.Second)
	})
	return p
}

// waitLog returns the first log line whose msg is msg.
func (p *process) waitLog(t *testing.T, msg string) map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for {
		select {
		case m, ok := <-p.lines:
			if !ok {
				t.Fatalf("%s exited before logging %q: %v\n%s", p.cmd.Path, msg, p.wait(time.Second), p.stderr)
			}
			if m["msg"] == msg {
				return m
			}
		case <-ctx.Done():
			t.Fatalf("%s did not log %q", p.cmd.Path, msg)
		}
	}
}

// wait returns the process's exit error once it has exited (and its stderr
// has been read), or an error after d.
func (p *process) wait(d time.Duration) error {
	select {
	case err := <-p.done:
		p.done <- err
		return err
	case <-time.After(d):
		return fmt.Errorf("%s still running after %s", p.cmd.Path, d)
	}
}
