package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Scenarios.
const (
	scenarioQuery    = "query"     // one operation against one target
	scenarioDash     = "dashboard" // query with -op TeacherDashboard
	scenarioBatching = "batching"  // batched vs unbatched loaders, each operation
	scenarioOverhead = "overhead"  // ideal path vs REST vs GraphQL at each latency
	scenarioFanout   = "fanout"    // WebSocket subscribers and events through Redis
	scenarioSuite    = "suite"     // overhead, batching and fanout
)

// Targets of the query scenarios.
const (
	targetBFF     = "bff"         // cmd/bff (batched loaders)
	targetNoBatch = "bff-nobatch" // the same wiring, loaders.Config{Disabled: true}
	targetREST    = "rest"        // the hand-written REST baseline
	targetDirect  = "direct"      // the aggregation in-process: the ideal critical path
)

// Operations.
const (
	opDashboard = "TeacherDashboard"
	opSections  = "DashboardSections"
	opDetail    = "BatchDetail"
)

// maxRun bounds a run's duration: the tool is for bounded runs.
const maxRun = 60 * time.Second

type options struct {
	scenario string
	op       string
	target   string
	duration time.Duration
	warmup   time.Duration
	teachers int
	// dataTeachers are the distinct teachers of the reference data.
	dataTeachers int
	think        time.Duration
	pacedThink   time.Duration
	latency      time.Duration
	jitter       time.Duration
	// batchJitter is the batching scenario's jitter: RAS pages of one
	// operation then return within 2×batchJitter of each other.
	batchJitter time.Duration
	latencies   []time.Duration
	ops         []string
	// repeat is how often the overhead scenario runs each comparison; it
	// reports the median and the spread.
	repeat int

	subscribers        []int
	subsPerTeacher     int
	wideSubsPerTeacher int
	hotTeachers        int
	rate               float64
	fanDuration        time.Duration
	essays             int
	fanLatency         time.Duration
	redisURL           string

	bffBin      string
	bffImpl     string // "cmd" or "self"
	profileDir  string
	out         string
	toolProfile string
	quiet       bool
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var c options
	fs := flag.NewFlagSet("bffbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.scenario, "scenario", scenarioDash, "query, dashboard, batching, overhead, fanout or suite")
	fs.StringVar(&c.op, "op", opDashboard, "query scenario: TeacherDashboard, DashboardSections or BatchDetail")
	fs.StringVar(&c.target, "target", targetBFF, "query scenario: bff, bff-nobatch, rest or direct (rest and direct: TeacherDashboard or DashboardSections)")
	fs.DurationVar(&c.duration, "duration", 10*time.Second, "measured time of each query run (at most 60s)")
	fs.DurationVar(&c.warmup, "warmup", 2*time.Second, "unrecorded time before each query run")
	fs.IntVar(&c.teachers, "teachers", 50, "concurrent virtual teachers")
	fs.IntVar(&c.dataTeachers, "data-teachers", 0, "distinct teachers in the reference data, each a copy of the big seeded dashboard (132 batches), used by the virtual teachers in turn; 0: one per virtual teacher (the BFF shares identical concurrent upstream calls, so teachers sharing data would flatter it)")
	fs.DurationVar(&c.think, "think", 0, "pause of each virtual teacher between requests (±50%); 0 is a closed loop at full speed")
	fs.DurationVar(&c.pacedThink, "paced-think", 200*time.Millisecond, "think time of the paced runs: the overhead scenario's latency comparison and the batching scenario (throughput comparisons are closed loops)")
	fs.DurationVar(&c.latency, "latency", 5*time.Millisecond, "added latency of every upstream call")
	fs.DurationVar(&c.jitter, "jitter", 0, "± uniform jitter of the upstream latency")
	fs.DurationVar(&c.batchJitter, "batching-jitter", 2*time.Millisecond, "batching scenario: ± jitter of the upstream latency (pages of one operation return within twice this of each other)")
	latencies := fs.String("latencies", "0,5ms,50ms", "overhead scenario: the upstream latencies compared")
	ops := fs.String("ops", strings.Join([]string{opDashboard, opSections, opDetail}, ","), "batching scenario: the operations compared")
	fs.IntVar(&c.repeat, "repeat", 3, "overhead scenario: runs of each comparison; the verdicts use the median, and a target is met only if every run meets it")

	subs := fs.String("subscribers", "1000,5000,10000", "fanout scenario: subscriber counts, one run each")
	fs.IntVar(&c.subsPerTeacher, "subs-per-teacher", 2, "fanout: subscribers sharing one teacher's channel (each event reaches that many)")
	fs.IntVar(&c.wideSubsPerTeacher, "wide-subs-per-teacher", 10, "suite: the subscribers per teacher of its last fan-out run (10,000 subscribers)")
	fs.IntVar(&c.hotTeachers, "hot-teachers", 0, "fanout: events go to this many teachers in turn (0: every subscribed teacher)")
	fs.Float64Var(&c.rate, "rate", 500, "fanout: events published per second")
	fs.DurationVar(&c.fanDuration, "fanout-duration", 10*time.Second, "fanout: publishing time of each run (at most 60s)")
	fs.DurationVar(&c.fanLatency, "fanout-latency", 0, "fanout: added latency of every upstream call (each event costs the BFF a RAS and a CMS lookup when not cached)")
	fs.IntVar(&c.essays, "essays", 4, "fanout: essays of each subscribed teacher's batch (RAS answer size)")
	fs.StringVar(&c.redisURL, "redis", "redis://127.0.0.1:6379/0", "fanout: the Redis server (loopback only)")

	fs.StringVar(&c.bffBin, "bff-bin", "", "a built cmd/bff (default: go build ./cmd/bff into a temporary directory)")
	fs.StringVar(&c.bffImpl, "bff-impl", "cmd", "cmd: the built cmd/bff; self: the same app.New wiring inside this tool's serve mode (can profile)")
	fs.StringVar(&c.profileDir, "profile-dir", "", "write a CPU profile of each BFF run (and a heap profile of idle subscribers) here; implies -bff-impl self")
	fs.StringVar(&c.toolProfile, "tool-cpuprofile", "", "write a CPU profile of this tool (load generator and reference upstreams) here")
	fs.StringVar(&c.out, "out", "", "also write the JSON result to this file")
	fs.BoolVar(&c.quiet, "quiet", false, "no progress lines")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}

	var errs []error
	if !slices.Contains([]string{scenarioQuery, scenarioDash, scenarioBatching, scenarioOverhead, scenarioFanout, scenarioSuite}, c.scenario) {
		errs = append(errs, fmt.Errorf("-scenario %q: unknown", c.scenario))
	}
	if c.scenario == scenarioDash {
		c.scenario, c.op = scenarioQuery, opDashboard
	}
	if !slices.Contains([]string{opDashboard, opSections, opDetail}, c.op) {
		errs = append(errs, fmt.Errorf("-op %q: unknown", c.op))
	}
	if !slices.Contains([]string{targetBFF, targetNoBatch, targetREST, targetDirect}, c.target) {
		errs = append(errs, fmt.Errorf("-target %q: unknown", c.target))
	}
	if (c.target == targetREST || c.target == targetDirect) && c.op == opDetail {
		errs = append(errs, fmt.Errorf("-target %s serves TeacherDashboard and DashboardSections only", c.target))
	}
	if c.repeat < 1 || c.repeat > 9 {
		errs = append(errs, errors.New("-repeat must be 1–9"))
	}
	for _, d := range []time.Duration{c.duration, c.fanDuration} {
		if d <= 0 || d > maxRun {
			errs = append(errs, fmt.Errorf("durations must be in (0, %v], got %v", maxRun, d))
		}
	}
	if c.warmup < 0 || c.warmup > maxRun {
		errs = append(errs, fmt.Errorf("-warmup must be in [0, %v]", maxRun))
	}
	if c.teachers < 1 || c.teachers > 2000 || c.dataTeachers < 0 || c.think < 0 || c.pacedThink < 0 {
		errs = append(errs, errors.New("-teachers must be 1–2000, -data-teachers ≥ 0, think times ≥ 0"))
	}
	if c.dataTeachers == 0 || c.dataTeachers > c.teachers {
		c.dataTeachers = c.teachers
	}
	if c.latency < 0 || c.jitter < 0 || c.jitter > c.latency || c.batchJitter < 0 {
		errs = append(errs, errors.New("-latency and -jitter must not be negative, and jitter at most latency"))
	}
	var err error
	if c.latencies, err = parseDurations(*latencies); err != nil {
		errs = append(errs, fmt.Errorf("-latencies: %w", err))
	}
	c.ops = strings.Split(*ops, ",")
	for _, op := range c.ops {
		if !slices.Contains([]string{opDashboard, opSections, opDetail}, op) {
			errs = append(errs, fmt.Errorf("-ops: %q is unknown", op))
		}
	}
	if c.subscribers, err = parseInts(*subs); err != nil {
		errs = append(errs, fmt.Errorf("-subscribers: %w", err))
	}
	for _, n := range c.subscribers {
		if n < 1 || n > 100_000 {
			errs = append(errs, errors.New("-subscribers: each count must be 1–100000"))
		}
	}
	if c.fanLatency < 0 || c.fanLatency > 10*time.Second {
		errs = append(errs, errors.New("-fanout-latency must be in [0, 10s]"))
	}
	if c.subsPerTeacher < 1 || c.wideSubsPerTeacher < 1 || c.hotTeachers < 0 || c.rate <= 0 || c.rate > 100_000 || c.essays < 0 || c.essays > 100 {
		errs = append(errs, errors.New("-subs-per-teacher ≥ 1, -hot-teachers ≥ 0, -rate in (0, 100000], -essays 0–100"))
	}
	if !strings.HasPrefix(c.redisURL, "redis://127.") && !strings.HasPrefix(c.redisURL, "redis://localhost") {
		errs = append(errs, errors.New("-redis must be on loopback (redis://127.x.x.x or redis://localhost)"))
	}
	if c.profileDir != "" {
		c.bffImpl = "self"
	}
	if c.bffImpl != "cmd" && c.bffImpl != "self" {
		errs = append(errs, errors.New("-bff-impl must be cmd or self"))
	}
	return c, errors.Join(errs...)
}

func parseDurations(s string) ([]time.Duration, error) {
	var out []time.Duration
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "0" {
			out = append(out, 0)
			continue
		}
		d, err := time.ParseDuration(f)
		if err != nil || d < 0 || d > 10*time.Second {
			return nil, fmt.Errorf("%q is not a duration in [0, 10s]", f)
		}
		out = append(out, d)
	}
	return out, nil
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", f)
		}
		out = append(out, n)
	}
	return out, nil
}
