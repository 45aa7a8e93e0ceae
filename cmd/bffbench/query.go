package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"sync/atomic"
	"time"

	"github.com/essaylab/teacher-bff/internal/bench"
	"github.com/essaylab/teacher-bff/internal/cms"
	"github.com/essaylab/teacher-bff/internal/devstack"
	"github.com/essaylab/teacher-bff/internal/entitlements"
	"github.com/essaylab/teacher-bff/internal/ras"
	"github.com/essaylab/teacher-bff/internal/upstream"
)

// queryEnv is the reference stack seeded with one big dashboard per virtual
// teacher, and their tokens.
type queryEnv struct {
	stack    *devstack.Stack
	teachers []bench.Teacher
	tokens   []string
}

func (b *bffbench) newQueryEnv() (*queryEnv, error) {
	st, err := startStack()
	if err != nil {
		return nil, err
	}
	ts, err := bench.SeedDashboardTeachers(st.Store, "bench-"+b.nonce, b.cfg.dataTeachers)
	if err != nil {
		_ = st.Close()
		return nil, err
	}
	e := &queryEnv{stack: st, teachers: ts}
	for _, t := range ts {
		tok, err := b.token(t.ID)
		if err != nil {
			_ = st.Close()
			return nil, err
		}
		e.tokens = append(e.tokens, tok)
	}
	return e, nil
}

func (e *queryEnv) close() { _ = e.stack.Close() }

type runSpec struct {
	name            string
	target, op      string
	latency, jitter time.Duration
	think           time.Duration
}

type runResult struct {
	Name         string  `json:"name"`
	Target       string  `json:"target"`
	Operation    string  `json:"operation"`
	Teachers     int     `json:"teachers"`
	DataTeachers int     `json:"data_teachers"`
	ThinkMS      float64 `json:"think_ms"`
	LatencyMS    float64 `json:"upstream_latency_ms"`
	JitterMS     float64 `json:"upstream_jitter_ms"`
	bench.LoadResult
	UpstreamCalls map[string]int     `json:"upstream_calls"`
	CallsPerOp    map[string]float64 `json:"upstream_calls_per_op"`
	// Server is the measured server process (absent for direct).
	Server *serverStats `json:"server,omitempty"`
	// ToolCPUPerOpUS is this tool's own CPU per operation: the load
	// generator and the reference upstreams, which share the machine.
	ToolCPUPerOpUS float64 `json:"tool_cpu_per_op_us"`
	// Probes are single cold DashboardSections requests, one per teacher,
	// each with its own upstream counts (before the load, on a fresh BFF).
	Probes []probe `json:"cold_probes,omitempty"`
	// OtherCPUCores is the CPU other processes of the machine used during
	// the run (cores busy on average): noise on a shared machine.
	OtherCPUCores float64 `json:"other_processes_cpu_cores"`
}

type serverStats struct {
	CPUSeconds float64 `json:"cpu_s"`
	CPUPerOpUS float64 `json:"cpu_per_op_us"`
	Cores      float64 `json:"cpu_cores_busy"`
	PeakRSSMB  float64 `json:"peak_rss_mb"`
}

// callsPerOp sums calls per operation over all endpoints.
func (r runResult) callsPerOpTotal() float64 {
	var n float64
	for _, v := range r.CallsPerOp {
		n += v
	}
	return n
}

// runQuery runs one closed-loop load of one operation against one target.
func (b *bffbench) runQuery(ctx context.Context, e *queryEnv, s runSpec) (runResult, error) {
	setLatency(e.stack, s.latency, s.jitter)
	res := runResult{Name: s.name, Target: s.target, Operation: s.op, Teachers: b.cfg.teachers,
		DataTeachers: len(e.teachers), ThinkMS: msOf(s.think), LatencyMS: msOf(s.latency), JitterMS: msOf(s.jitter)}

	var proc *bench.Process
	if s.target != targetDirect {
		var err error
		if proc, err = b.startServer(ctx, s.target, s.name, e.stack, ""); err != nil {
			return res, err
		}
		defer func() {
			if err := proc.Stop(15 * time.Second); err != nil {
				b.notef("%s: %v", s.name, err)
			}
		}()
	}
	op, err := b.operation(e, s, proc)
	if err != nil {
		return res, err
	}
	if s.op == opSections && (s.target == targetBFF || s.target == targetNoBatch) {
		var err error
		if res.Probes, err = b.probeSections(ctx, e, proc); err != nil {
			return res, fmt.Errorf("%s: %w", s.name, err)
		}
	}
	// One checked answer before the load, so a broken setup fails loudly
	// rather than as a run of fast errors.
	if err := op(ctx, 0); err != nil {
		return res, fmt.Errorf("%s: first request failed: %w", s.name, err)
	}

	var before, toolBefore bench.ProcStat
	var machineBefore time.Duration
	lr := bench.RunLoad(ctx, bench.LoadOptions{
		Workers: b.cfg.teachers, Warmup: b.cfg.warmup, Duration: b.cfg.duration, Think: s.think,
		MeasureStart: func() {
			resetCounts(e.stack)
			toolBefore, _ = bench.ReadProc(os.Getpid())
			machineBefore, _ = bench.MachineBusy()
			if proc != nil {
				before, _ = proc.Stat()
			}
		},
		Progress: func(p bench.Progress) { b.progress(s.name, p) },
	}, op)
	if err := ctx.Err(); err != nil {
		return res, err
	}
	res.LoadResult = lr
	res.UpstreamCalls = counts(e.stack)
	res.CallsPerOp = map[string]float64{}
	for k, v := range res.UpstreamCalls {
		if lr.Ops > 0 {
			res.CallsPerOp[k] = round3(float64(v) / float64(lr.Ops))
		}
	}
	machineAfter, _ := bench.MachineBusy()
	other := machineAfter - machineBefore
	if toolAfter, err := bench.ReadProc(os.Getpid()); err == nil && lr.Ops > 0 {
		other -= toolAfter.CPU - toolBefore.CPU
		res.ToolCPUPerOpUS = round3(float64((toolAfter.CPU - toolBefore.CPU).Microseconds()) / float64(lr.Ops))
	}
	if proc != nil {
		after, err := proc.Stat()
		if err == nil {
			cpu := after.CPU - before.CPU
			other -= cpu
			res.Server = &serverStats{
				CPUSeconds: round3(cpu.Seconds()),
				Cores:      round3(cpu.Seconds() / lr.Elapsed.Seconds()),
				PeakRSSMB:  round3(float64(after.PeakRSS) / (1 << 20)),
			}
			if lr.Ops > 0 {
				res.Server.CPUPerOpUS = round3(float64(cpu.Microseconds()) / float64(lr.Ops))
			}
		}
	}
	res.OtherCPUCores = round3(max(0, other.Seconds()/lr.Elapsed.Seconds()))
	b.logf("%s: %d ops, %.0f/s, p50 %.2fms p95 %.2fms p99 %.2fms, %d errors, %.2f upstream calls/op, other processes %.2f cores",
		s.name, lr.Ops, lr.Throughput, lr.Latency.P50, lr.Latency.P95, lr.Latency.P99, lr.Errors, res.callsPerOpTotal(), res.OtherCPUCores)
	if lr.Errors > 0 {
		b.notef("%s: %d errors, e.g. %v", s.name, lr.Errors, lr.ErrorSamples)
	}
	return res, nil
}

// probe is one DashboardSections request alone, with the upstream calls it
// made.
type probe struct {
	Teacher string         `json:"teacher"`
	Batches int            `json:"batches_on_pages"`
	Calls   map[string]int `json:"upstream_calls"`
}

// probeSections sends DashboardSections once for each data teacher and for
// the seeded teachers with smaller pages, one at a time, while the BFF has
// seen none of their batches (no cache can answer for it), and counts each
// request's upstream calls.
func (b *bffbench) probeSections(ctx context.Context, e *queryEnv, proc *bench.Process) ([]probe, error) {
	client := bench.NewHTTPClient(1)
	body, err := json.Marshal(map[string]any{"query": b.docs[opSections], "operationName": opSections})
	if err != nil {
		return nil, err
	}
	ids := []string{devstack.TeacherWithoutOrg, devstack.TeacherColleague}
	tokens := []string{}
	for _, id := range ids {
		tok, err := b.token(id)
		if err != nil {
			return nil, err
		}
		tokens = append(tokens, tok)
	}
	for i, t := range e.teachers {
		ids, tokens = append(ids, t.ID), append(tokens, e.tokens[i])
	}
	var out []probe
	for i, id := range ids {
		resetCounts(e.stack)
		answer, err := bench.GraphQLRequest(ctx, client, "http://"+proc.Addr+"/graphql", tokens[i], body)
		if err != nil {
			return nil, fmt.Errorf("probe for %s: %w", id, err)
		}
		var a struct {
			Data struct {
				Viewer map[string]json.RawMessage `json:"viewer"`
			} `json:"data"`
		}
		if err := json.Unmarshal(answer, &a); err != nil {
			return nil, fmt.Errorf("probe for %s: %w", id, err)
		}
		n := 0
		for _, section := range []string{"processing", "withFailures", "done"} {
			var p struct {
				Nodes []json.RawMessage `json:"nodes"`
			}
			_ = json.Unmarshal(a.Data.Viewer[section], &p)
			n += len(p.Nodes)
		}
		out = append(out, probe{Teacher: id, Batches: n, Calls: counts(e.stack)})
	}
	return out, nil
}

// operation returns the request virtual teacher w sends.
func (b *bffbench) operation(e *queryEnv, s runSpec, proc *bench.Process) (bench.Op, error) {
	client := bench.NewHTTPClient(b.cfg.teachers)
	n := len(e.teachers)
	switch s.target {
	case targetDirect:
		agg, err := newAggregator(e.stack)
		if err != nil {
			return nil, err
		}
		if s.op == opSections {
			return func(ctx context.Context, w int) error {
				d, err := agg.Sections(ctx, e.teachers[w%n].ID)
				if err == nil {
					if got := len(d.Viewer.Processing.Nodes) + len(d.Viewer.WithFailures.Nodes) + len(d.Viewer.Done.Nodes); got != 90 {
						err = fmt.Errorf("direct: %d batches, want 50+20+20", got)
					}
				}
				return err
			}, nil
		}
		return func(ctx context.Context, w int) error {
			d, err := agg.Dashboard(ctx, e.teachers[w%n].ID, 20, 0)
			if err == nil && len(d.Viewer.Batches.Nodes) != 20 {
				err = fmt.Errorf("direct: %d batches, want 20", len(d.Viewer.Batches.Nodes))
			}
			return err
		}, nil
	case targetREST:
		url := "http://" + proc.Addr + "/dashboard?limit=20"
		if s.op == opSections {
			url = "http://" + proc.Addr + "/sections"
		}
		var checked atomic.Bool
		return func(ctx context.Context, w int) error {
			body, err := bench.RESTRequest(ctx, client, url, e.tokens[w%n])
			if err == nil && !checked.Load() {
				err = checkAnswer(s.op, body)
				checked.Store(err == nil)
			}
			return err
		}, nil
	}

	url := "http://" + proc.Addr + "/graphql"
	doc, ok := b.docs[s.op]
	if !ok {
		return nil, fmt.Errorf("no contract operation %s", s.op)
	}
	// Request bodies per teacher (BatchDetail: one per batch of the
	// teacher's first page, asked in turn).
	bodies := make([][][]byte, n)
	for i, t := range e.teachers {
		vars := []map[string]any{nil}
		switch s.op {
		case opDashboard:
			vars = []map[string]any{{"limit": 20}}
		case opDetail:
			vars = nil
			for _, id := range t.Batches[:min(20, len(t.Batches))] {
				vars = append(vars, map[string]any{"id": id})
			}
		}
		for _, v := range vars {
			body, err := json.Marshal(map[string]any{"query": doc, "operationName": s.op, "variables": v})
			if err != nil {
				return nil, err
			}
			bodies[i] = append(bodies[i], body)
		}
	}
	turn := make([]int, b.cfg.teachers) // each worker's own
	var checked atomic.Bool
	return func(ctx context.Context, w int) error {
		bs := bodies[w%n]
		body := bs[(w/n+turn[w])%len(bs)]
		turn[w]++
		answer, err := bench.GraphQLRequest(ctx, client, url, e.tokens[w%n], body)
		if err == nil && !checked.Load() {
			err = checkAnswer(s.op, answer)
			checked.Store(err == nil)
		}
		return err
	}, nil
}

// checkAnswer decodes one answer fully and checks it holds what the
// operation asks for.
func checkAnswer(op string, body []byte) error {
	type page struct {
		Nodes []struct {
			ID string `json:"id"`
		} `json:"nodes"`
	}
	var a struct {
		Data struct {
			Viewer *struct {
				Batches      *page `json:"batches"`
				Processing   *page `json:"processing"`
				WithFailures *page `json:"withFailures"`
				Done         *page `json:"done"`
			} `json:"viewer"`
			Batch *struct {
				ID string `json:"id"`
			} `json:"batch"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &a); err != nil {
		return fmt.Errorf("answer is not JSON: %w", err)
	}
	v := a.Data.Viewer
	switch {
	case op == opDetail && a.Data.Batch == nil:
		return errors.New("BatchDetail: batch is null")
	case op == opDashboard && (v == nil || v.Batches == nil || len(v.Batches.Nodes) != 20):
		return fmt.Errorf("TeacherDashboard: want a page of 20 batches: %.300s", body)
	case op == opSections && (v == nil || v.Processing == nil || v.WithFailures == nil || v.Done == nil ||
		len(v.Processing.Nodes)+len(v.WithFailures.Nodes)+len(v.Done.Nodes) != 90):
		return fmt.Errorf("DashboardSections: want 50+20+20 batches: %.300s", body)
	}
	return nil
}

// newAggregator builds the hand-written aggregation on the BFF's clients,
// configured like the BFF's (API key, service id, 5s timeout).
func newAggregator(st *devstack.Stack) (*bench.Aggregator, error) {
	up := func(url string) upstream.Config {
		return upstream.Config{BaseURL: url, APIKey: devstack.DefaultAPIKey, ServiceID: "bff-teacher-service", Timeout: 5 * time.Second}
	}
	r, errR := ras.New(up(st.RAS.URL))
	c, errC := cms.New(up(st.CMS.URL))
	en, errE := entitlements.New(up(st.Entitlements.URL))
	if err := errors.Join(errR, errC, errE); err != nil {
		return nil, err
	}
	return &bench.Aggregator{RAS: r, CMS: c, Entitlements: en}, nil
}

func (b *bffbench) progress(name string, p bench.Progress) {
	if p.Warmup {
		b.logf("[%s] warming up", name)
		return
	}
	b.logf("[%s] %3.0fs  ops=%d  %.0f/s  p50=%.2fms p99=%.2fms  errors=%d",
		name, p.Elapsed.Seconds(), p.Ops, p.Rate, p.Last.P50, p.Last.P99, p.Errors)
}

func msOf(d time.Duration) float64 { return round3(float64(d) / float64(time.Millisecond)) }

func round3(f float64) float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	return math.Round(f*1000) / 1000
}
