package bench

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/essaylab/teacher-bff/internal/devstack"
)

// Process is a server the tool started and measures: the BFF (cmd/bff) or
// one of the tool's own serve modes.
type Process struct {
	Name       string
	Addr       string // its API listener, host:port
	MetricsURL string // its /metrics, "" when it has none

	cmd  *exec.Cmd
	out  *tail
	done chan struct{}
	err  error // of Wait, once done is closed
}

// ProcessOptions starts a Process.
type ProcessOptions struct {
	Name string
	Path string
	Args []string
	// Env is added to the tool's environment (less any BFF_* variable of
	// its own, which would otherwise leak into the measured server).
	Env        []string
	Addr       string // where it will listen; /healthz there must answer 200
	MetricsURL string
}

// StartProcess starts the server and waits until /healthz answers (30s at
// most). The server dies with the tool (SIGKILL on the tool's death).
func StartProcess(ctx context.Context, o ProcessOptions) (*Process, error) {
	cmd := exec.Command(o.Path, o.Args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "BFF_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, o.Env...)
	p := &Process{Name: o.Name, Addr: o.Addr, MetricsURL: o.MetricsURL, cmd: cmd, out: &tail{max: 16 << 10}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.out, p.out
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", o.Name, err)
	}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	if err := p.waitHealthy(ctx, 30*time.Second); err != nil {
		_ = p.Stop(5 * time.Second)
		return nil, fmt.Errorf("%s did not become healthy: %w\n%s", o.Name, err, p.Output())
	}
	return p, nil
}

func (p *Process) waitHealthy(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	client := &http.Client{Timeout: time.Second}
	for {
		select {
		case <-p.done:
			return fmt.Errorf("exited: %v", p.err)
		case <-ctx.Done():
			return ctx.Err()
		default:
		}
		resp, err := client.Get("http://" + p.Addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no answer within %v (last: %v)", limit, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Pid is the server's process id.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Stat reads the server's CPU time and memory.
func (p *Process) Stat() (ProcStat, error) { return ReadProc(p.Pid()) }

// Signal sends sig to the server.
func (p *Process) Signal(sig os.Signal) error { return p.cmd.Process.Signal(sig) }

// Output is the tail of what the server wrote to stdout and stderr.
func (p *Process) Output() string { return p.out.String() }

// Stop sends SIGTERM and waits up to grace for the server to exit, then
// kills it. It is safe to call more than once.
func (p *Process) Stop(grace time.Duration) error {
	select {
	case <-p.done:
		return nil
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		var ee *exec.ExitError
		if errors.As(p.err, &ee) {
			return fmt.Errorf("%s exited: %w\n%s", p.Name, p.err, p.Output())
		}
		return nil
	case <-time.After(grace):
		_ = p.cmd.Process.Kill()
		<-p.done
		return fmt.Errorf("%s did not stop within %v: killed", p.Name, grace)
	}
}

// tail keeps the last max bytes written to it.
type tail struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tail) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(b), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// FreeAddr returns a loopback address with a port free right now.
func FreeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// BFFEnv is the environment of a BFF (cmd/bff, or the tool's serve modes,
// which read the same variables) over a reference stack.
type BFFEnv struct {
	Stack       *devstack.Stack
	Listen      string
	MetricsAddr string
	JWTSecret   string
	RedisURL    string // "" for the in-process bus
	LogLevel    string // default warn: the access log is not what is measured
}

// Vars returns the BFF_* variables.
func (e BFFEnv) Vars() []string {
	level := e.LogLevel
	if level == "" {
		level = "warn"
	}
	return []string{
		"BFF_LISTEN_ADDR=" + e.Listen,
		"BFF_METRICS_ADDR=" + e.MetricsAddr,
		"BFF_RAS_URL=" + e.Stack.RAS.URL,
		"BFF_CMS_URL=" + e.Stack.CMS.URL,
		"BFF_ENTITLEMENTS_URL=" + e.Stack.Entitlements.URL,
		"BFF_INTERNAL_API_KEY=" + devstack.DefaultAPIKey,
		"BFF_JWT_SECRET=" + e.JWTSecret,
		"BFF_REDIS_URL=" + e.RedisURL,
		// No per-teacher limit: virtual teachers send far more than 600/min.
		"BFF_RATE_LIMIT=0",
		"BFF_ENV=production",
		"BFF_DRAIN_DELAY=0s",
		"BFF_SHUTDOWN_TIMEOUT=10s",
		"BFF_LOG_LEVEL=" + level,
	}
}

// RepoRoot finds the module root (the directory of go.mod) from the working
// directory up.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil &&
			strings.Contains(string(b), "module github.com/essaylab/teacher-bff") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside the teacher-bff module (run from the repository)")
		}
		dir = parent
	}
}

// BuildBFF builds cmd/bff into dir and returns the binary's path.
func BuildBFF(ctx context.Context, root, dir string) (string, error) {
	out := filepath.Join(dir, "bff")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, "./cmd/bff")
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/bff: %w\n%s", err, b)
	}
	return out, nil
}
