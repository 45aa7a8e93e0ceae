package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/essaylab/teacher-bff/graph"
	"github.com/essaylab/teacher-bff/internal/auth"
	"github.com/essaylab/teacher-bff/internal/bench"
	"github.com/essaylab/teacher-bff/internal/devstack"
	"github.com/essaylab/teacher-bff/internal/operations"
)

// bffbench holds what every scenario shares: the contract operations, the
// binaries to start, the JWT secret and the result being built.
type bffbench struct {
	cfg     options
	log     io.Writer
	root    string
	tmp     string
	bffBin  string
	self    string
	secret  string
	authn   *auth.Authenticator
	docs    map[string]string
	nonce   string
	started time.Time
}

func newBench(ctx context.Context, cfg options, log io.Writer) (*bffbench, error) {
	root, err := bench.RepoRoot()
	if err != nil {
		return nil, err
	}
	list, err := operations.Load(graph.NewSchema(graph.Deps{}).Schema(), filepath.Join(root, "testdata", "operations"))
	if err != nil {
		return nil, err
	}
	b := &bffbench{cfg: cfg, log: log, root: root, docs: map[string]string{}, started: time.Now()}
	for _, op := range list {
		b.docs[op.Name] = op.Document
	}
	if b.self, err = os.Executable(); err != nil {
		return nil, err
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	b.secret = hex.EncodeToString(key)
	b.nonce = hex.EncodeToString(key[:3])
	if b.authn, err = auth.New(auth.Config{Secret: []byte(b.secret), OrgClaim: "org_id"}); err != nil {
		return nil, err
	}
	if b.tmp, err = os.MkdirTemp("", "bffbench-"); err != nil {
		return nil, err
	}
	b.bffBin = cfg.bffBin
	if cfg.bffImpl == "cmd" && b.bffBin == "" {
		b.logf("building cmd/bff …")
		if b.bffBin, err = bench.BuildBFF(ctx, root, b.tmp); err != nil {
			b.close()
			return nil, err
		}
	}
	if cfg.profileDir != "" {
		if err := os.MkdirAll(cfg.profileDir, 0o755); err != nil {
			b.close()
			return nil, err
		}
	}
	return b, nil
}

func (b *bffbench) close() {
	if b.tmp != "" {
		_ = os.RemoveAll(b.tmp)
	}
}

// logf prints a progress line (none with -quiet).
func (b *bffbench) logf(format string, args ...any) {
	if !b.cfg.quiet {
		b.notef(format, args...)
	}
}

// notef prints what -quiet does not silence: failures and the verdicts.
func (b *bffbench) notef(format string, args ...any) {
	fmt.Fprintf(b.log, format+"\n", args...)
}

func (b *bffbench) token(teacherID string) (string, error) {
	return b.authn.Issue(auth.Teacher{ID: teacherID}, 2*time.Hour)
}

// startStack starts the reference upstreams on loopback.
func startStack() (*devstack.Stack, error) {
	return devstack.Start(devstack.Options{Seed: 1})
}

func setLatency(st *devstack.Stack, base, jitter time.Duration) {
	for _, s := range st.Services() {
		s.SetLatency(base, jitter)
	}
}

func resetCounts(st *devstack.Stack) {
	for _, s := range st.Services() {
		s.ResetCounts()
	}
}

// counts is every endpoint's calls as "service/endpoint", health checks left
// out.
func counts(st *devstack.Stack) map[string]int {
	out := map[string]int{}
	for _, s := range st.Services() {
		for ep, n := range s.Counts() {
			if ep != devstack.EndpointHealthz && n > 0 {
				out[s.Name()+"/"+ep] = n
			}
		}
	}
	return out
}

// startServer starts one measured server: cmd/bff, or this tool's serve
// mode for the variants cmd/bff has no switch for.
func (b *bffbench) startServer(ctx context.Context, target, run string, st *devstack.Stack, redisURL string) (*bench.Process, error) {
	listen, err := bench.FreeAddr()
	if err != nil {
		return nil, err
	}
	metrics, err := bench.FreeAddr()
	if err != nil {
		return nil, err
	}
	o := bench.ProcessOptions{
		Name:       target,
		Addr:       listen,
		MetricsURL: "http://" + metrics + "/metrics",
		Env: bench.BFFEnv{Stack: st, Listen: listen, MetricsAddr: metrics, JWTSecret: b.secret,
			RedisURL: redisURL}.Vars(),
	}
	mode := ""
	switch target {
	case targetBFF:
		if b.cfg.bffImpl == "cmd" {
			o.Path = b.bffBin
			break
		}
		mode = "graphql"
	case targetNoBatch:
		mode = "graphql-nobatch"
	case targetREST:
		mode, o.MetricsURL = "rest", ""
	default:
		return nil, fmt.Errorf("no server for target %q", target)
	}
	if mode != "" {
		o.Path = b.self
		o.Args = []string{"serve", "-mode", mode}
		if b.cfg.profileDir != "" {
			base := filepath.Join(b.cfg.profileDir, run)
			o.Args = append(o.Args, "-cpuprofile", base+".cpu.pprof", "-heapprofile", base+".heap.pprof")
		}
	}
	return bench.StartProcess(ctx, o)
}

type machine struct {
	NProc      int    `json:"nproc"`
	CPUModel   string `json:"cpu_model"`
	GoVersion  string `json:"go_version"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	MemTotal   string `json:"mem_total"`
}

func machineInfo() machine {
	m := machine{NProc: runtime.NumCPU(), GoVersion: runtime.Version(), GOMAXPROCS: runtime.GOMAXPROCS(0)}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPUModel = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && k == "MemTotal" {
				m.MemTotal = strings.TrimSpace(v)
				break
			}
		}
	}
	return m
}
