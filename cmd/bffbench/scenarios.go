package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// result is the JSON document the tool prints at the end.
type result struct {
	Tool       string                 `json:"tool"`
	Scenario   string                 `json:"scenario"`
	Command    string                 `json:"command"`
	Started    time.Time              `json:"started"`
	Finished   time.Time              `json:"finished"`
	Machine    machine                `json:"machine"`
	Runs       []runResult            `json:"runs,omitempty"`
	Batching   []batchingComparison   `json:"batching,omitempty"`
	Overhead   []overheadComparison   `json:"overhead,omitempty"`
	Throughput []throughputComparison `json:"throughput,omitempty"`
	// OverheadSummary and ThroughputSummary are the overhead scenario's
	// figures over its -repeat runs: median, least and greatest.
	OverheadSummary   []overheadSummary   `json:"overhead_summary,omitempty"`
	ThroughputSummary []throughputSummary `json:"throughput_summary,omitempty"`
	Fanout            []fanoutResult      `json:"fanout,omitempty"`
	Targets           []targetCheck       `json:"targets,omitempty"`
}

// batchingComparison is one operation with batched and unbatched loaders.
type batchingComparison struct {
	Operation           string             `json:"operation"`
	BatchedCallsPerOp   map[string]float64 `json:"batched_calls_per_op"`
	UnbatchedCallsPerOp map[string]float64 `json:"unbatched_calls_per_op"`
	BatchedCalls        float64            `json:"batched_calls_per_op_total"`
	UnbatchedCalls      float64            `json:"unbatched_calls_per_op_total"`
	CallRatio           float64            `json:"unbatched_over_batched_calls"`
	BatchedP50          float64            `json:"batched_p50_ms"`
	UnbatchedP50        float64            `json:"unbatched_p50_ms"`
	BatchedP99          float64            `json:"batched_p99_ms"`
	UnbatchedP99        float64            `json:"unbatched_p99_ms"`
	BatchedThroughput   float64            `json:"batched_throughput_per_s"`
	UnbatchedThroughput float64            `json:"unbatched_throughput_per_s"`
	BatchedCPUPerOpUS   float64            `json:"batched_bff_cpu_per_op_us"`
	UnbatchedCPUPerOpUS float64            `json:"unbatched_bff_cpu_per_op_us"`
}

// overheadComparison is TeacherDashboard at one upstream latency through
// the ideal path (in-process aggregation), the REST baseline and the BFF.
type overheadComparison struct {
	Repeat          int     `json:"repeat"`
	LatencyMS       float64 `json:"upstream_latency_ms"`
	NominalPathMS   float64 `json:"nominal_critical_path_ms"`
	DirectP50       float64 `json:"ideal_p50_ms"`
	RESTP50         float64 `json:"rest_p50_ms"`
	BFFP50          float64 `json:"bff_p50_ms"`
	BFFOverheadP50  float64 `json:"bff_overhead_p50_ms"`
	RESTOverheadP50 float64 `json:"rest_overhead_p50_ms"`
	BFFP99          float64 `json:"bff_p99_ms"`
	RESTP99         float64 `json:"rest_p99_ms"`
	ThinkMS         float64 `json:"think_ms"`
	BFFCPUPerOpUS   float64 `json:"bff_cpu_per_op_us"`
	RESTCPUPerOpUS  float64 `json:"rest_cpu_per_op_us"`
	CPUPerOpRatio   float64 `json:"bff_over_rest_cpu_per_op"`
}

// throughputComparison is one operation flat out through the REST baseline
// and the BFF, one after the other.
type throughputComparison struct {
	Repeat             int     `json:"repeat"`
	Operation          string  `json:"operation"`
	LatencyMS          float64 `json:"upstream_latency_ms"`
	Teachers           int     `json:"teachers"`
	RESTThroughput     float64 `json:"rest_throughput_per_s"`
	BFFThroughput      float64 `json:"bff_throughput_per_s"`
	Ratio              float64 `json:"bff_over_rest_throughput"`
	RESTP50            float64 `json:"rest_p50_ms"`
	BFFP50             float64 `json:"bff_p50_ms"`
	RESTCPUPerOpUS     float64 `json:"rest_cpu_per_op_us"`
	BFFCPUPerOpUS      float64 `json:"bff_cpu_per_op_us"`
	CPUPerOpRatio      float64 `json:"bff_over_rest_cpu_per_op"`
	RESTCores          float64 `json:"rest_cpu_cores_busy"`
	BFFCores           float64 `json:"bff_cpu_cores_busy"`
	RESTPeakRSSMB      float64 `json:"rest_peak_rss_mb"`
	BFFPeakRSSMB       float64 `json:"bff_peak_rss_mb"`
	RESTToolCPUPerOpUS float64 `json:"rest_run_tool_cpu_per_op_us"`
	BFFToolCPUPerOpUS  float64 `json:"bff_run_tool_cpu_per_op_us"`
	// OtherCPUCores is the busier of the two runs' other processes (cores).
	OtherCPUCores float64 `json:"other_processes_cpu_cores"`
}

// figure is one measure over repeated runs.
type figure struct {
	Median float64   `json:"median"`
	Min    float64   `json:"min"`
	Max    float64   `json:"max"`
	Runs   []float64 `json:"runs"`
}

func figureOf(runs []float64) figure {
	if len(runs) == 0 {
		return figure{}
	}
	sorted := slices.Sorted(slices.Values(runs))
	m := sorted[len(sorted)/2]
	if len(sorted)%2 == 0 {
		m = (sorted[len(sorted)/2-1] + m) / 2
	}
	return figure{Median: round3(m), Min: sorted[0], Max: sorted[len(sorted)-1], Runs: runs}
}

func (f figure) String() string {
	parts := make([]string, len(f.Runs))
	for i, r := range f.Runs {
		parts[i] = strconv.FormatFloat(r, 'f', 2, 64)
	}
	return fmt.Sprintf("%.2f (runs %s)", f.Median, strings.Join(parts, ", "))
}

// overheadSummary is the paced TeacherDashboard comparison at one latency
// over the repeated runs.
type overheadSummary struct {
	LatencyMS      float64 `json:"upstream_latency_ms"`
	BFFOverheadP50 figure  `json:"bff_overhead_p50_ms"`
	RESTOverhead   figure  `json:"rest_overhead_p50_ms"`
	CPUPerOpRatio  figure  `json:"bff_over_rest_cpu_per_op"`
	OtherCPUCores  figure  `json:"other_processes_cpu_cores"`
}

// throughputSummary is one operation flat out over the repeated runs.
type throughputSummary struct {
	Operation      string `json:"operation"`
	Ratio          figure `json:"bff_over_rest_throughput"`
	CPUPerOpRatio  figure `json:"bff_over_rest_cpu_per_op"`
	RESTCPUPerOpUS figure `json:"rest_cpu_per_op_us"`
	BFFCPUPerOpUS  figure `json:"bff_cpu_per_op_us"`
	RESTThroughput figure `json:"rest_throughput_per_s"`
	BFFThroughput  figure `json:"bff_throughput_per_s"`
	OtherCPUCores  figure `json:"other_processes_cpu_cores"`
}

type targetCheck struct {
	Target   string `json:"target"`
	Measured string `json:"measured"`
	Met      bool   `json:"met"`
}

func (b *bffbench) runScenario(ctx context.Context) (*result, error) {
	res := &result{Tool: "bffbench", Scenario: b.cfg.scenario, Command: strings.Join(os.Args, " "),
		Started: b.started, Machine: machineInfo()}
	var err error
	switch b.cfg.scenario {
	case scenarioQuery:
		err = b.runQueryScenario(ctx, res)
	case scenarioBatching:
		err = b.runBatching(ctx, res)
	case scenarioOverhead:
		err = b.runOverhead(ctx, res)
	case scenarioFanout:
		err = b.runFanout(ctx, res)
	case scenarioSuite:
		for _, f := range []func(context.Context, *result) error{b.runOverhead, b.runBatching, b.runFanout, b.runWideFanout} {
			if err = f(ctx, res); err != nil {
				break
			}
		}
	}
	res.Finished = time.Now()
	return res, err
}

func (b *bffbench) runQueryScenario(ctx context.Context, res *result) error {
	e, err := b.newQueryEnv()
	if err != nil {
		return err
	}
	defer e.close()
	name := fmt.Sprintf("%s %s %s", b.cfg.target, b.cfg.op, b.cfg.latency)
	r, err := b.runQuery(ctx, e, runSpec{name: name, target: b.cfg.target, op: b.cfg.op,
		latency: b.cfg.latency, jitter: b.cfg.jitter, think: b.cfg.think})
	if err != nil {
		return err
	}
	res.Runs = append(res.Runs, r)
	if b.cfg.op == opSections && b.cfg.target == targetBFF {
		res.Targets = append(res.Targets, sectionsTarget(r))
	}
	return nil
}

// runBatching runs each operation through cmd/bff and through the same
// wiring with batching switched off, at -latency with -batching-jitter.
func (b *bffbench) runBatching(ctx context.Context, res *result) error {
	e, err := b.newQueryEnv()
	if err != nil {
		return err
	}
	defer e.close()
	for _, op := range b.cfg.ops {
		var runs [2]runResult
		for i, target := range []string{targetBFF, targetNoBatch} {
			name := fmt.Sprintf("batching %s %s", op, target)
			if runs[i], err = b.runQuery(ctx, e, runSpec{name: name, target: target, op: op,
				latency: b.cfg.latency, jitter: min(b.cfg.batchJitter, b.cfg.latency), think: b.cfg.pacedThink}); err != nil {
				return err
			}
		}
		bat, unb := runs[0], runs[1]
		res.Runs = append(res.Runs, bat, unb)
		c := batchingComparison{
			Operation:         op,
			BatchedCallsPerOp: bat.CallsPerOp, UnbatchedCallsPerOp: unb.CallsPerOp,
			BatchedCalls: round3(bat.callsPerOpTotal()), UnbatchedCalls: round3(unb.callsPerOpTotal()),
			BatchedP50: bat.Latency.P50, UnbatchedP50: unb.Latency.P50,
			BatchedP99: bat.Latency.P99, UnbatchedP99: unb.Latency.P99,
			BatchedThroughput: round3(bat.Throughput), UnbatchedThroughput: round3(unb.Throughput),
		}
		if c.BatchedCalls > 0 {
			c.CallRatio = round3(c.UnbatchedCalls / c.BatchedCalls)
		}
		if bat.Server != nil && unb.Server != nil {
			c.BatchedCPUPerOpUS, c.UnbatchedCPUPerOpUS = bat.Server.CPUPerOpUS, unb.Server.CPUPerOpUS
		}
		res.Batching = append(res.Batching, c)
		if op == opSections {
			res.Targets = append(res.Targets, sectionsTarget(bat))
		}
	}
	return nil
}

// sectionsTarget: exactly 3 RAS calls, 1 class-info and 1 validation-status
// call for each cold DashboardSections request, whatever its page sizes.
func sectionsTarget(r runResult) targetCheck {
	met := len(r.Probes) > 0 && r.Errors == 0
	lo, hi := -1, 0
	exact := 0
	for _, p := range r.Probes {
		c := p.Calls
		ok := c["ras/list-batches"] == 3 && c["cms/class-info"] == 1 && c["cms/validation-status"] == 1 && len(c) == 3
		if ok {
			exact++
		} else {
			met = false
		}
		if lo < 0 || p.Batches < lo {
			lo = p.Batches
		}
		hi = max(hi, p.Batches)
	}
	return targetCheck{
		Target: "DashboardSections: exactly 3 RAS, 1 class-info, 1 validation-status call per operation",
		Measured: fmt.Sprintf("%d of %d cold requests exact (%d–%d batches on their pages, RAS %.0fms ± %.0fms); under load %v per operation",
			exact, len(r.Probes), lo, hi, r.LatencyMS, r.JitterMS, r.CallsPerOp),
		Met: met,
	}
}

// Targets of the overhead scenario.
const (
	maxOverheadMS     = 1.0 // median overhead over the ideal path, 5ms upstreams
	maxCPURatio       = 1.5 // server CPU per request, BFF ÷ REST baseline
	minThroughputRate = 0.7 // throughput flat out, BFF ÷ REST baseline
)

// runOverhead runs, -repeat times: TeacherDashboard through the ideal path,
// the REST baseline and the BFF at each upstream latency, paced
// (-paced-think) so that latency is not queueing; then TeacherDashboard and
// DashboardSections through the REST baseline and the BFF flat out at the
// lowest latency. It reports each run, the median and spread of each
// figure, and the targets: met only when every run meets them, so that a
// margin smaller than the run-to-run spread does not count.
func (b *bffbench) runOverhead(ctx context.Context, res *result) error {
	e, err := b.newQueryEnv()
	if err != nil {
		return err
	}
	defer e.close()
	for rep := 1; rep <= b.cfg.repeat; rep++ {
		if err := b.overheadOnce(ctx, e, res, rep); err != nil {
			return err
		}
	}
	b.summarizeOverhead(res)
	return nil
}

// overheadOnce is one repetition of runOverhead.
func (b *bffbench) overheadOnce(ctx context.Context, e *queryEnv, res *result, rep int) error {
	var err error
	for _, lat := range b.cfg.latencies {
		var runs [3]runResult
		for i, target := range []string{targetDirect, targetREST, targetBFF} {
			name := fmt.Sprintf("overhead#%d %s %s", rep, lat, target)
			if runs[i], err = b.runQuery(ctx, e, runSpec{name: name, target: target, op: opDashboard,
				latency: lat, think: b.cfg.pacedThink}); err != nil {
				return err
			}
		}
		direct, rest, bff := runs[0], runs[1], runs[2]
		res.Runs = append(res.Runs, direct, rest, bff)
		c := overheadComparison{
			Repeat:    rep,
			LatencyMS: msOf(lat), NominalPathMS: 2 * msOf(lat), ThinkMS: msOf(b.cfg.pacedThink),
			DirectP50: direct.Latency.P50, RESTP50: rest.Latency.P50, BFFP50: bff.Latency.P50,
			BFFOverheadP50:  round3(bff.Latency.P50 - direct.Latency.P50),
			RESTOverheadP50: round3(rest.Latency.P50 - direct.Latency.P50),
			BFFP99:          bff.Latency.P99, RESTP99: rest.Latency.P99,
		}
		if bff.Server != nil && rest.Server != nil {
			c.BFFCPUPerOpUS, c.RESTCPUPerOpUS = bff.Server.CPUPerOpUS, rest.Server.CPUPerOpUS
			if rest.Server.CPUPerOpUS > 0 {
				c.CPUPerOpRatio = round3(bff.Server.CPUPerOpUS / rest.Server.CPUPerOpUS)
			}
		}
		res.Overhead = append(res.Overhead, c)
		b.logf("overhead#%d at %s: BFF p50 %.2fms, ideal %.2fms → +%.2fms; REST +%.2fms; BFF CPU/op %.2f× REST's",
			rep, lat, c.BFFP50, c.DirectP50, c.BFFOverheadP50, c.RESTOverheadP50, c.CPUPerOpRatio)
	}

	// Throughput: both servers flat out, each operation.
	lat := slices.Min(b.cfg.latencies)
	for _, op := range []string{opDashboard, opSections} {
		var runs [2]runResult
		for i, target := range []string{targetREST, targetBFF} {
			name := fmt.Sprintf("throughput#%d %s %s %s", rep, op, lat, target)
			if runs[i], err = b.runQuery(ctx, e, runSpec{name: name, target: target, op: op, latency: lat}); err != nil {
				return err
			}
		}
		rest, bff := runs[0], runs[1]
		res.Runs = append(res.Runs, rest, bff)
		t := throughputComparison{Repeat: rep, Operation: op, LatencyMS: msOf(lat), Teachers: b.cfg.teachers,
			RESTThroughput: round3(rest.Throughput), BFFThroughput: round3(bff.Throughput),
			RESTP50: rest.Latency.P50, BFFP50: bff.Latency.P50,
			RESTToolCPUPerOpUS: rest.ToolCPUPerOpUS, BFFToolCPUPerOpUS: bff.ToolCPUPerOpUS,
			OtherCPUCores: max(rest.OtherCPUCores, bff.OtherCPUCores),
		}
		if rest.Throughput > 0 {
			t.Ratio = round3(bff.Throughput / rest.Throughput)
		}
		if bff.Server != nil && rest.Server != nil {
			t.BFFCPUPerOpUS, t.RESTCPUPerOpUS = bff.Server.CPUPerOpUS, rest.Server.CPUPerOpUS
			t.BFFCores, t.RESTCores = bff.Server.Cores, rest.Server.Cores
			t.BFFPeakRSSMB, t.RESTPeakRSSMB = bff.Server.PeakRSSMB, rest.Server.PeakRSSMB
			if rest.Server.CPUPerOpUS > 0 {
				t.CPUPerOpRatio = round3(bff.Server.CPUPerOpUS / rest.Server.CPUPerOpUS)
			}
		}
		res.Throughput = append(res.Throughput, t)
		b.logf("throughput#%d %s: BFF %.0f/s vs REST %.0f/s (%.0f%%); server CPU/op %.0fµs vs %.0fµs (%.2f×); other processes %.2f cores",
			rep, op, t.BFFThroughput, t.RESTThroughput, 100*t.Ratio, t.BFFCPUPerOpUS, t.RESTCPUPerOpUS, t.CPUPerOpRatio, t.OtherCPUCores)
	}
	return nil
}

// summarizeOverhead adds the medians over the repeated runs and the
// targets' verdicts.
func (b *bffbench) summarizeOverhead(res *result) {
	for _, lat := range b.cfg.latencies {
		var over, restOver, ratio, other []float64
		for _, c := range res.Overhead {
			if c.LatencyMS == msOf(lat) {
				over, restOver, ratio = append(over, c.BFFOverheadP50), append(restOver, c.RESTOverheadP50), append(ratio, c.CPUPerOpRatio)
			}
		}
		for _, r := range res.Runs {
			if strings.HasPrefix(r.Name, "overhead#") && r.LatencyMS == msOf(lat) {
				other = append(other, r.OtherCPUCores)
			}
		}
		sum := overheadSummary{LatencyMS: msOf(lat), BFFOverheadP50: figureOf(over), RESTOverhead: figureOf(restOver),
			CPUPerOpRatio: figureOf(ratio), OtherCPUCores: figureOf(other)}
		res.OverheadSummary = append(res.OverheadSummary, sum)
		if lat == 5*time.Millisecond {
			res.Targets = append(res.Targets, targetCheck{
				Target: fmt.Sprintf("median overhead over the ideal critical path ≤ %gms with 5ms upstreams, %d teachers (TeacherDashboard)", maxOverheadMS, b.cfg.teachers),
				Measured: fmt.Sprintf("%s ms; each teacher pauses %v ±50%% between requests; other processes %.2f–%.2f cores",
					sum.BFFOverheadP50, b.cfg.pacedThink, sum.OtherCPUCores.Min, sum.OtherCPUCores.Max),
				// A negative overhead means the in-process ideal path was slower
				// than a server: the machine was saturated, and the run says
				// nothing about the BFF's overhead.
				Met: sum.BFFOverheadP50.Max <= maxOverheadMS && sum.BFFOverheadP50.Min >= 0,
			})
		}
	}
	for _, op := range []string{opDashboard, opSections} {
		var ratio, cpuRatio, restCPU, bffCPU, restTP, bffTP, other []float64
		for _, t := range res.Throughput {
			if t.Operation == op {
				ratio, cpuRatio = append(ratio, t.Ratio), append(cpuRatio, t.CPUPerOpRatio)
				restCPU, bffCPU = append(restCPU, t.RESTCPUPerOpUS), append(bffCPU, t.BFFCPUPerOpUS)
				restTP, bffTP = append(restTP, t.RESTThroughput), append(bffTP, t.BFFThroughput)
				other = append(other, t.OtherCPUCores)
			}
		}
		sum := throughputSummary{Operation: op, Ratio: figureOf(ratio), CPUPerOpRatio: figureOf(cpuRatio),
			RESTCPUPerOpUS: figureOf(restCPU), BFFCPUPerOpUS: figureOf(bffCPU),
			RESTThroughput: figureOf(restTP), BFFThroughput: figureOf(bffTP), OtherCPUCores: figureOf(other)}
		res.ThroughputSummary = append(res.ThroughputSummary, sum)
		b.notef("%s flat out, median of %d: server CPU per request %.0fµs vs the REST baseline's %.0fµs = %.2f×; throughput %.0f/s vs %.0f/s = %.0f%%",
			op, len(ratio), sum.BFFCPUPerOpUS.Median, sum.RESTCPUPerOpUS.Median, sum.CPUPerOpRatio.Median,
			sum.BFFThroughput.Median, sum.RESTThroughput.Median, 100*sum.Ratio.Median)
		res.Targets = append(res.Targets,
			targetCheck{
				Target:   fmt.Sprintf("%s: server CPU per request ≤ %g× the REST baseline's", op, maxCPURatio),
				Measured: fmt.Sprintf("%s× (%.0fµs vs %.0fµs, medians); other processes %.2f–%.2f cores", sum.CPUPerOpRatio, sum.BFFCPUPerOpUS.Median, sum.RESTCPUPerOpUS.Median, sum.OtherCPUCores.Min, sum.OtherCPUCores.Max),
				Met:      sum.CPUPerOpRatio.Max <= maxCPURatio,
			},
			targetCheck{
				Target:   fmt.Sprintf("%s: throughput flat out ≥ %.0f%% of the REST baseline's", op, 100*minThroughputRate),
				Measured: fmt.Sprintf("%s (%.0f/s vs %.0f/s, medians, %d teachers)", sum.Ratio, sum.BFFThroughput.Median, sum.RESTThroughput.Median, b.cfg.teachers),
				Met:      sum.Ratio.Min >= minThroughputRate,
			})
	}
}
