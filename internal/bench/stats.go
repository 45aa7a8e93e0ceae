// Package bench is the shared code of the BFF's load tool (cmd/bffbench)
// and its Go benchmarks: latency statistics, the reference upstreams seeded
// for load, the REST baseline, the BFF as a measured subprocess, a
// closed-loop load driver and a WebSocket subscriber swarm.
package bench

import (
	"math"
	"slices"
	"sync"
	"time"
)

// Latencies collects durations from many goroutines. It keeps every sample:
// a run of the tool records at most a few hundred thousand.
type Latencies struct {
	mu      sync.Mutex
	samples []time.Duration
	mark    int // samples before it were returned by the last Since
}

// Add records one duration.
func (l *Latencies) Add(d time.Duration) {
	l.mu.Lock()
	l.samples = append(l.samples, d)
	l.mu.Unlock()
}

// Count is the number of samples so far.
func (l *Latencies) Count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.samples)
}

// Summary summarizes every sample so far.
func (l *Latencies) Summary() Summary {
	l.mu.Lock()
	s := slices.Clone(l.samples)
	l.mu.Unlock()
	return Summarize(s)
}

// SinceLast summarizes the samples added since the previous call, for
// progress lines.
func (l *Latencies) SinceLast() Summary {
	l.mu.Lock()
	s := slices.Clone(l.samples[l.mark:])
	l.mark = len(l.samples)
	l.mu.Unlock()
	return Summarize(s)
}

// Summary is the distribution of a set of durations, in milliseconds for
// the JSON result.
type Summary struct {
	Count int     `json:"count"`
	Mean  float64 `json:"mean_ms"`
	P50   float64 `json:"p50_ms"`
	P95   float64 `json:"p95_ms"`
	P99   float64 `json:"p99_ms"`
	Max   float64 `json:"max_ms"`
}

// Summarize sorts s in place and computes its percentiles (nearest rank).
func Summarize(s []time.Duration) Summary {
	if len(s) == 0 {
		return Summary{}
	}
	slices.Sort(s)
	var sum time.Duration
	for _, d := range s {
		sum += d
	}
	return Summary{
		Count: len(s),
		Mean:  ms(sum / time.Duration(len(s))),
		P50:   ms(percentile(s, 0.50)),
		P95:   ms(percentile(s, 0.95)),
		P99:   ms(percentile(s, 0.99)),
		Max:   ms(s[len(s)-1]),
	}
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func ms(d time.Duration) float64 {
	return math.Round(float64(d)/float64(time.Millisecond)*1000) / 1000
}
