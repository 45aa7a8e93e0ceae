// Package health keeps the readiness of the BFF's dependencies. A prober
// checks them in the background, so /readyz answers from memory and a slow
// upstream never slows the probe or the requests around it.
package health

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Check reports whether one dependency is usable.
type Check struct {
	Name  string
	Probe func(ctx context.Context) error
}

// Status is the last result of one check.
type Status struct {
	Name    string    `json:"name"`
	Healthy bool      `json:"healthy"`
	Error   string    `json:"-"` // for logs: may name internal hosts
	Checked time.Time `json:"checked"`
}

// Prober runs checks every interval and keeps their results.
type Prober struct {
	checks   []Check
	interval time.Duration
	timeout  time.Duration

	mu       sync.RWMutex
	statuses []Status
	draining atomic.Bool
}

// NewProber returns a prober; nothing runs until Run. Until the first round
// has finished every check reports not healthy.
func NewProber(interval, timeout time.Duration, checks ...Check) *Prober {
	p := &Prober{checks: checks, interval: interval, timeout: timeout}
	p.statuses = make([]Status, len(checks))
	for i, c := range checks {
		p.statuses[i] = Status{Name: c.Name, Error: "not checked yet"}
	}
	return p
}

// Run probes until ctx is done.
func (p *Prober) Run(ctx context.Context) {
	t := time.NewTicker(p.interval)
	defer t.Stop()
	for {
		p.ProbeOnce(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// ProbeOnce runs every check once, in parallel, and records the results.
func (p *Prober) ProbeOnce(ctx context.Context) {
	out := make([]Status, len(p.checks))
	var wg sync.WaitGroup
	for i, c := range p.checks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cctx, cancel := context.WithTimeout(ctx, p.timeout)
			defer cancel()
			s := Status{Name: c.Name, Healthy: true, Checked: time.Now().UTC()}
			if err := c.Probe(cctx); err != nil {
				s.Healthy = false
				s.Error = safeReason(err)
			}
			out[i] = s
		}()
	}
	wg.Wait()
	p.mu.Lock()
	p.statuses = out
	p.mu.Unlock()
}

// SetDraining marks the process as shutting down: from then on it is not
// ready, whatever its dependencies say, so load balancers stop sending it
// new work.
func (p *Prober) SetDraining() { p.draining.Store(true) }

// Ready reports whether the BFF should receive traffic, with the status of
// each check.
func (p *Prober) Ready() (bool, []Status) {
	p.mu.RLock()
	out := append([]Status(nil), p.statuses...)
	p.mu.RUnlock()
	ready := !p.draining.Load()
	for _, s := range out {
		ready = ready && s.Healthy
	}
	return ready, out
}

// safeReason keeps the reason short; checks return errors without secrets,
// but a long upstream message has no place in a probe answer.
func safeReason(err error) string {
	const max = 200
	s := err.Error()
	if len(s) > max {
		s = s[:max]
	}
	return s
}
