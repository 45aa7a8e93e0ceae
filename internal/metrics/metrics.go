// Package metrics is the BFF's Prometheus instrumentation: one registry, and
// a method for each thing the code observes, so call sites stay one line and
// label values stay bounded.
package metrics

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/essaylab/teacher-bff/internal/events"
	"github.com/essaylab/teacher-bff/internal/health"
	"github.com/essaylab/teacher-bff/internal/upstream"
)

// maxOperationNames bounds the operation label: clients choose operation
// names, so past this many distinct ones the rest count as "other".
const maxOperationNames = 200

// Metrics holds every collector. A nil *Metrics observes nothing, so code
// under test needs none.
type Metrics struct {
	reg *prometheus.Registry

	requests         *prometheus.CounterVec
	httpRequests     *prometheus.CounterVec
	requestDuration  *prometheus.HistogramVec
	errors           *prometheus.CounterVec
	upstreamCalls    *prometheus.CounterVec
	upstreamDuration *prometheus.HistogramVec
	batchSize        *prometheus.HistogramVec
	cacheLookups     *prometheus.CounterVec
	circuit          *prometheus.GaugeVec

	mu    sync.Mutex
	names map[string]bool
}

// New returns metrics registered on a fresh registry, with the Go runtime
// and process collectors.
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry(), names: map[string]bool{}}
	f := func(c prometheus.Collector) { m.reg.MustRegister(c) }
	f(collectors.NewGoCollector())
	f(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "bff_graphql_operations_total", Help: "GraphQL operations (and subscription events) answered, by operation name and type.",
	}, []string{"operation", "type"})
	m.httpRequests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "bff_http_requests_total", Help: "HTTP requests answered, by status code (WebSocket upgrades as 101).",
	}, []string{"status"})
	m.requestDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "bff_graphql_operation_duration_seconds", Help: "Time to answer a GraphQL operation or subscription event.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
	}, []string{"operation", "type"})
	m.errors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "bff_graphql_errors_total", Help: "GraphQL errors sent to clients, by extensions.code.",
	}, []string{"code"})
	m.upstreamCalls = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "bff_upstream_requests_total", Help: "Calls to upstream services, by service, endpoint and outcome (ok or the error kind).",
	}, []string{"service", "endpoint", "outcome"})
	m.upstreamDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "bff_upstream_request_duration_seconds", Help: "Latency of upstream calls.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
	}, []string{"service", "endpoint"})
	m.batchSize = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "bff_loader_batch_size", Help: "Keys per loader batch.",
		Buckets: []float64{1, 2, 5, 10, 20, 50, 100, 200, 500},
	}, []string{"loader"})
	m.cacheLookups = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "bff_cache_lookups_total", Help: "Cache lookups by cache and result (hit or miss).",
	}, []string{"cache", "result"})
	m.circuit = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "bff_upstream_circuit_state", Help: "Circuit breaker state per upstream: 0 closed, 1 half-open, 2 open.",
	}, []string{"service"})
	for _, c := range []prometheus.Collector{m.requests, m.httpRequests, m.requestDuration, m.errors, m.upstreamCalls,
		m.upstreamDuration, m.batchSize, m.cacheLookups, m.circuit} {
		f(c)
	}
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Registry is where the collectors live (tests gather from it).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// operationLabel bounds the operation label's values.
func (m *Metrics) operationLabel(name string) string {
	if name == "" {
		return "anonymous"
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.names[name] {
		return name
	}
	if len(m.names) >= maxOperationNames {
		return "other"
	}
	m.names[name] = true
	return name
}

// Operation records one answered operation (or subscription event).
func (m *Metrics) Operation(name, typ string, d time.Duration, codes []string) {
	if m == nil {
		return
	}
	op := m.operationLabel(name)
	m.requests.WithLabelValues(op, typ).Inc()
	m.requestDuration.WithLabelValues(op, typ).Observe(d.Seconds())
	for _, c := range codes {
		m.errors.WithLabelValues(c).Inc()
	}
}

// Error records an error answered outside an operation: a request refused
// before GraphQL ran (401, CSRF, 413, 429, …), by its code.
func (m *Metrics) Error(code string) {
	if m == nil {
		return
	}
	m.errors.WithLabelValues(code).Inc()
}

// HTTPRequest records one answered HTTP request by its status code.
func (m *Metrics) HTTPRequest(status int) {
	if m == nil {
		return
	}
	m.httpRequests.WithLabelValues(strconv.Itoa(status)).Inc()
}

// Upstream records one upstream call.
func (m *Metrics) Upstream(_ context.Context, service, endpoint string, d time.Duration, err error) {
	if m == nil {
		return
	}
	outcome := "ok"
	if err != nil {
		outcome = "error"
		var up *upstream.Error
		if errors.As(err, &up) {
			outcome = string(up.Kind)
			if up.Kind == upstream.KindStatus {
				outcome = "status_" + strconv.Itoa(up.StatusCode)
			}
		}
	}
	m.upstreamCalls.WithLabelValues(service, endpoint, outcome).Inc()
	m.upstreamDuration.WithLabelValues(service, endpoint).Observe(d.Seconds())
}

// Batch records the size of one loader batch.
func (m *Metrics) Batch(loader string, size int) {
	if m == nil {
		return
	}
	m.batchSize.WithLabelValues(loader).Observe(float64(size))
}

// CacheLookup records a cache hit or miss.
func (m *Metrics) CacheLookup(cache string, hit bool) {
	if m == nil {
		return
	}
	result := "miss"
	if hit {
		result = "hit"
	}
	m.cacheLookups.WithLabelValues(cache, result).Inc()
}

// Circuit records a breaker's state ("closed", "half-open", "open").
func (m *Metrics) Circuit(service, state string) {
	if m == nil {
		return
	}
	v := map[string]float64{"closed": 0, "half-open": 1, "open": 2}[state]
	m.circuit.WithLabelValues(service).Set(v)
}

// Hub exports the event hub's counters, read at scrape time.
func (m *Metrics) Hub(stats func() events.Stats) {
	if m == nil {
		return
	}
	gauge := func(name, help string, v func(events.Stats) float64) {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help},
			func() float64 { return v(stats()) }))
	}
	counter := func(name, help string, v func(events.Stats) float64) {
		m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help},
			func() float64 { return v(stats()) }))
	}
	gauge("bff_subscriptions_active", "Open batchStatusChanged subscriptions on this replica.",
		func(s events.Stats) float64 { return float64(s.Subscribers) })
	gauge("bff_subscription_teachers", "Teachers whose event channel this replica watches.",
		func(s events.Stats) float64 { return float64(s.Teachers) })
	counter("bff_events_received_total", "Messages received on teachers' event channels.",
		func(s events.Stats) float64 { return float64(s.Received) })
	dropped := prometheus.NewDesc("bff_events_dropped_total", "Events not delivered, by reason.", []string{"reason"}, nil)
	m.reg.MustRegister(&dropCollector{desc: dropped, stats: stats})
}

// dropCollector reports the hub's drop counters under one metric.
type dropCollector struct {
	desc  *prometheus.Desc
	stats func() events.Stats
}

func (c *dropCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *dropCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.stats()
	for reason, v := range map[string]uint64{
		"ignored":   s.Ignored,
		"malformed": s.Malformed,
		"coalesced": s.Coalesced,
		"stale":     s.Stale,
		"overflow":  s.Overflow,
	} {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.CounterValue, float64(v), reason)
	}
}

// Readiness exports what /readyz answers, read at scrape time: bff_ready (1
// ready, 0 not: a dependency failed its last probe, or the process is
// draining) and bff_readiness_check_up{check} (1 when that dependency passed
// its last background probe). Operators alert on a replica that stays not
// ready, and the check label says which dependency is at fault.
func (m *Metrics) Readiness(ready func() (bool, []health.Status)) {
	if m == nil {
		return
	}
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "bff_ready", Help: "1 when /readyz answers 200, 0 when it answers 503 (a dependency is down, or the replica is draining).",
	}, func() float64 {
		ok, _ := ready()
		return boolValue(ok)
	}))
	m.reg.MustRegister(&readinessCollector{
		desc:  prometheus.NewDesc("bff_readiness_check_up", "1 when the dependency passed its last readiness probe (every 5s), by check.", []string{"check"}, nil),
		ready: ready,
	})
}

// EventSource exports bff_event_source_up: 1 while the event source
// (Redis pub/sub) is connected and subscribed to every watched channel,
// read at scrape time from healthy, which must answer from memory.
func (m *Metrics) EventSource(healthy func(context.Context) error) {
	if m == nil {
		return
	}
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "bff_event_source_up", Help: "1 while the batch event source (Redis pub/sub) is connected and subscribed, 0 during an outage.",
	}, func() float64 { return boolValue(healthy(context.Background()) == nil) }))
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// readinessCollector reports each readiness check under one metric.
type readinessCollector struct {
	desc  *prometheus.Desc
	ready func() (bool, []health.Status)
}

func (c *readinessCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *readinessCollector) Collect(ch chan<- prometheus.Metric) {
	_, statuses := c.ready()
	for _, s := range statuses {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, boolValue(s.Healthy), s.Name)
	}
}
