package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/essaylab/teacher-bff/internal/bench"
	"github.com/essaylab/teacher-bff/internal/devstack"
)

// fanoutResult is one run of the subscription fan-out.
type fanoutResult struct {
	Subscribers    int     `json:"subscribers"`
	Teachers       int     `json:"teachers"`
	SubsPerTeacher int     `json:"subscribers_per_teacher"`
	HotTeachers    int     `json:"teachers_receiving_events"`
	EssaysPerBatch int     `json:"essays_per_batch"`
	LatencyMS      float64 `json:"upstream_latency_ms"`
	RateTarget     float64 `json:"target_rate_per_s"`
	ConnectSeconds float64 `json:"connect_s"`

	Publish        bench.PublishResult `json:"publish"`
	FramesExpected int                 `json:"frames_expected"`
	FramesReceived int                 `json:"frames_received"`
	FramesMissing  int                 `json:"frames_missing"`
	FrameRate      float64             `json:"frames_per_s"`
	Delivery       bench.Summary       `json:"delivery_latency"`
	ClientErrors   int                 `json:"client_errors"`
	ErrorSamples   []string            `json:"error_samples,omitempty"`

	// Hub is what the BFF's /metrics said after the run (dropped: during
	// the publishing only).
	HubSubscriptions float64            `json:"bff_subscriptions_active"`
	HubTeachers      float64            `json:"bff_subscription_teachers"`
	HubReceived      float64            `json:"bff_events_received"`
	HubDropped       map[string]float64 `json:"bff_events_dropped"`

	BaselineRSSMB   float64 `json:"bff_baseline_rss_mb"`
	IdleRSSMB       float64 `json:"bff_idle_rss_mb"`
	KBPerSubscriber float64 `json:"bff_kb_per_idle_subscriber"`
	// What the BFF's Go runtime said with the subscribers idle, per
	// subscriber (go_goroutines, go_memstats_*): where the memory goes.
	GoroutinesPerSub float64 `json:"bff_goroutines_per_subscriber"`
	HeapKBPerSub     float64 `json:"bff_heap_inuse_kb_per_subscriber"`
	StackKBPerSub    float64 `json:"bff_stack_inuse_kb_per_subscriber"`
	PeakRSSMB        float64 `json:"bff_peak_rss_mb"`
	CPUSeconds       float64 `json:"bff_cpu_s_publishing"`
	CPUCores         float64 `json:"bff_cpu_cores_busy"`
	CPUPerFrameUS    float64 `json:"bff_cpu_per_frame_us"`

	UpstreamCalls         map[string]int     `json:"upstream_calls"`
	UpstreamCallsPerEvent map[string]float64 `json:"upstream_calls_per_event"`
}

// runFanout holds -subscribers WebSocket subscriptions of BatchUpdates open
// on one BFF and publishes events through Redis at -rate.
func (b *bffbench) runFanout(ctx context.Context, res *result) error {
	return b.fanout(ctx, res, b.cfg.subscribers, b.cfg.subsPerTeacher)
}

// runWideFanout is the suite's last run: 10,000 subscribers, ten per
// teacher, so each event is ten frames.
func (b *bffbench) runWideFanout(ctx context.Context, res *result) error {
	return b.fanout(ctx, res, []int{10_000}, b.cfg.wideSubsPerTeacher)
}

func (b *bffbench) fanout(ctx context.Context, res *result, subscribers []int, perTeacher int) error {
	opts, err := redis.ParseURL(b.cfg.redisURL)
	if err != nil {
		return fmt.Errorf("-redis: %w", err)
	}
	rdb := redis.NewClient(opts)
	defer rdb.Close()
	if err := rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redis at %s: %w", b.cfg.redisURL, err)
	}
	st, err := startStack()
	if err != nil {
		return err
	}
	defer st.Close()
	maxTeachers := 0
	for _, n := range subscribers {
		// The tool holds n client sockets and the BFF n server sockets,
		// each process with upstream connections besides.
		if limit := fileLimit(); n+1000 > limit {
			return fmt.Errorf("%d subscribers need %d open files per process, the limit is %d "+
				"(its hard limit can be raised by root with CAP_SYS_RESOURCE only: ulimit -Hn)", n, n+1000, limit)
		}
		maxTeachers = max(maxTeachers, (n+perTeacher-1)/perTeacher)
	}
	teachers, err := bench.SeedFanoutTeachers(st.Store, "fan-"+b.nonce, maxTeachers, b.cfg.essays)
	if err != nil {
		return err
	}
	tokens := make([]string, len(teachers))
	for i, t := range teachers {
		if tokens[i], err = b.token(t.ID); err != nil {
			return err
		}
	}
	setLatency(st, b.cfg.fanLatency, 0)
	for _, n := range subscribers {
		r, err := b.fanoutRun(ctx, st, rdb, teachers, tokens, n, perTeacher)
		if err == nil {
			err = ctx.Err() // interrupted: the run's figures are partial
		}
		if err != nil {
			return err
		}
		res.Fanout = append(res.Fanout, r)
		if n == 10_000 && b.cfg.rate == 500 && !slices.ContainsFunc(res.Targets, func(t targetCheck) bool { return strings.HasPrefix(t.Target, "10,000") }) {
			res.Targets = append(res.Targets, targetCheck{
				Target: "10,000 subscribers: p99 delivery < 250ms at 500 events/s",
				Measured: fmt.Sprintf("p99 %.1fms (p50 %.1fms) at %.0f events/s, %d frames/s, %d of %d frames missing",
					r.Delivery.P99, r.Delivery.P50, r.Publish.Rate, int(r.FrameRate), r.FramesMissing, r.FramesExpected),
				Met: r.Delivery.P99 < 250 && r.Publish.Rate >= 475 && r.ClientErrors == 0,
			}, targetCheck{
				Target:   "10,000 subscribers: ≤ 30 KB of BFF memory per idle subscriber",
				Measured: fmt.Sprintf("%.1f KB (RSS %.0f MB → %.0f MB)", r.KBPerSubscriber, r.BaselineRSSMB, r.IdleRSSMB),
				Met:      r.KBPerSubscriber <= 30,
			})
		}
	}
	return nil
}

func (b *bffbench) fanoutRun(ctx context.Context, st *devstack.Stack, rdb *redis.Client, teachers []bench.Teacher, tokens []string, n, s int) (fanoutResult, error) {
	name := fmt.Sprintf("fanout %d×%d", n/s, s)
	nt := (n + s - 1) / s
	hot := nt
	if b.cfg.hotTeachers > 0 {
		hot = min(hot, b.cfg.hotTeachers)
	}
	r := fanoutResult{Subscribers: n, Teachers: nt, SubsPerTeacher: s, HotTeachers: hot,
		EssaysPerBatch: b.cfg.essays, LatencyMS: msOf(b.cfg.fanLatency), RateTarget: b.cfg.rate}

	proc, err := b.startServer(ctx, targetBFF, strings.ReplaceAll(name, " ", "-"), st, b.cfg.redisURL)
	if err != nil {
		return r, err
	}
	defer func() {
		if err := proc.Stop(20 * time.Second); err != nil {
			b.notef("%s: %v", name, err)
		}
	}()
	time.Sleep(time.Second) // let the BFF's start-up garbage settle
	base, err := proc.Stat()
	if err != nil {
		return r, err
	}
	runtime0, err := bench.Scrape(ctx, proc.MetricsURL)
	if err != nil {
		return r, err
	}
	r.BaselineRSSMB = mb(base.RSS)

	b.logf("[%s] connecting %d subscribers of %d teachers …", name, n, nt)
	maxSeq := int(b.cfg.rate*b.cfg.fanDuration.Seconds()) + 16
	start := time.Now()
	swarm, err := bench.OpenSwarm(ctx, bench.SwarmOptions{
		URL:        "ws://" + proc.Addr + "/graphql",
		Document:   b.docs["BatchUpdates"],
		Tokens:     tokens,
		Owner:      bench.Assign(n, s),
		LocalAddrs: (n + 9_999) / 10_000,
		Parallel:   64,
	}, maxSeq, func(done int) { b.logf("[%s] %d connected", name, done) })
	if err != nil {
		return r, fmt.Errorf("%s: %w\n%s", name, err, proc.Output())
	}
	defer swarm.Close()
	// The subscription is running once the hub counts it.
	if err := waitMetric(ctx, proc.MetricsURL, "bff_subscriptions_active", float64(n), 60*time.Second); err != nil {
		return r, fmt.Errorf("%s: %w", name, err)
	}
	r.ConnectSeconds = round3(time.Since(start).Seconds())
	b.logf("[%s] %d subscriptions active after %.1fs; idling 3s", name, n, r.ConnectSeconds)
	time.Sleep(3 * time.Second)
	idle, err := proc.Stat()
	if err != nil {
		return r, err
	}
	r.IdleRSSMB = mb(idle.RSS)
	r.KBPerSubscriber = round3(float64(idle.RSS-base.RSS) / 1024 / float64(n))
	if runtime1, err := bench.Scrape(ctx, proc.MetricsURL); err == nil {
		per := func(name string, unit float64) float64 {
			return round3((runtime1[name] - runtime0[name]) / unit / float64(n))
		}
		r.GoroutinesPerSub = per("go_goroutines", 1)
		r.HeapKBPerSub = per("go_memstats_heap_inuse_bytes", 1024)
		r.StackKBPerSub = per("go_memstats_stack_inuse_bytes", 1024)
	}
	if b.cfg.profileDir != "" {
		_ = proc.Signal(syscall.SIGUSR1) // serve mode writes a heap profile
		time.Sleep(time.Second)
	}

	before, _ := bench.Scrape(ctx, proc.MetricsURL)
	resetCounts(st)
	cpu0, _ := proc.Stat()
	stopProgress := make(chan struct{})
	progressDone := make(chan struct{})
	go func() {
		defer close(progressDone)
		t := time.NewTicker(time.Second)
		defer t.Stop()
		last := 0
		for i := 1; ; i++ {
			select {
			case <-stopProgress:
				return
			case <-t.C:
			}
			f := swarm.Frames()
			l := swarm.Latencies().SinceLast()
			b.logf("[%s] %2ds  frames=%d  %d/s  delivery p50=%.1fms p99=%.1fms", name, i, f, f-last, l.P50, l.P99)
			last = f
		}
	}()
	pubStart := time.Now()
	pub, err := swarm.Publish(ctx, bench.PublishOptions{Redis: rdb, Targets: teachers[:hot], Rate: b.cfg.rate, Duration: b.cfg.fanDuration})
	if err != nil {
		close(stopProgress)
		<-progressDone
		return r, err
	}
	r.Publish = pub
	owner := bench.Assign(n, s)
	subsOf := make([]int, nt)
	for _, o := range owner {
		subsOf[o]++
	}
	for k, events := range pub.PerTarget {
		r.FramesExpected += events * subsOf[k]
	}
	// Drain: until every frame came, or none came for a second (5s at most).
	deadline := time.Now().Add(5 * time.Second)
	for last, quiet := swarm.Frames(), 0; swarm.Frames() < r.FramesExpected && time.Now().Before(deadline) && quiet < 10; {
		time.Sleep(100 * time.Millisecond)
		if f := swarm.Frames(); f == last {
			quiet++
		} else {
			last, quiet = f, 0
		}
	}
	elapsed := time.Since(pubStart)
	close(stopProgress)
	<-progressDone
	cpu1, _ := proc.Stat()
	after, _ := bench.Scrape(ctx, proc.MetricsURL)

	r.FramesReceived = swarm.Frames()
	r.FramesMissing = r.FramesExpected - r.FramesReceived
	r.FrameRate = round3(float64(r.FramesReceived) / elapsed.Seconds())
	r.Delivery = swarm.Latencies().Summary()
	r.ClientErrors, r.ErrorSamples = swarm.Errors()
	r.HubSubscriptions = after["bff_subscriptions_active"]
	r.HubTeachers = after["bff_subscription_teachers"]
	r.HubReceived = after["bff_events_received_total"] - before["bff_events_received_total"]
	r.HubDropped = map[string]float64{}
	for k, v := range after {
		if reason, ok := strings.CutPrefix(k, `bff_events_dropped_total{reason="`); ok {
			r.HubDropped[strings.TrimSuffix(reason, `"}`)] = v - before[k]
		}
	}
	r.PeakRSSMB = mb(cpu1.PeakRSS)
	cpu := cpu1.CPU - cpu0.CPU
	r.CPUSeconds = round3(cpu.Seconds())
	r.CPUCores = round3(cpu.Seconds() / elapsed.Seconds())
	if r.FramesReceived > 0 {
		r.CPUPerFrameUS = round3(float64(cpu.Microseconds()) / float64(r.FramesReceived))
	}
	r.UpstreamCalls = counts(st)
	r.UpstreamCallsPerEvent = map[string]float64{}
	for k, v := range r.UpstreamCalls {
		if pub.Events > 0 {
			r.UpstreamCallsPerEvent[k] = round3(float64(v) / float64(pub.Events))
		}
	}
	b.logf("%s: %d events at %.0f/s → %d of %d frames, delivery p50 %.1fms p99 %.1fms, %.1f KB per idle subscriber, dropped %v",
		name, pub.Events, pub.Rate, r.FramesReceived, r.FramesExpected, r.Delivery.P50, r.Delivery.P99, r.KBPerSubscriber, r.HubDropped)
	if r.ClientErrors > 0 {
		b.notef("%s: %d unexpected messages, e.g. %v", name, r.ClientErrors, r.ErrorSamples)
	}
	return r, nil
}

// waitMetric polls /metrics until the sample reaches want.
func waitMetric(ctx context.Context, url, sample string, want float64, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	var got float64
	for time.Now().Before(deadline) {
		m, err := bench.Scrape(ctx, url)
		if err == nil {
			if got = m[sample]; got >= want {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	return fmt.Errorf("%s reached %.0f of %.0f within %v", sample, got, want, limit)
}

func mb(bytes int64) float64 { return round3(float64(bytes) / (1 << 20)) }
