// Package gctune sets the Go garbage collector for a server process: a
// higher GOGC than Go's default of 100, and a GOMEMLIMIT taken from the
// container's memory limit, each only when the environment does not set it.
//
// Why: the BFF's live heap is small (a few MB) while every request allocates
// hundreds of KB, so with GOGC=100 the collector runs every few requests and
// its marking (and the assists it charges to the requests) was about a third
// of the CPU per request (docs/BENCHMARKS.md). A higher GOGC lets the heap
// grow further between collections; the memory limit makes the collector
// work harder, whatever GOGC says, before the process nears the container's
// limit, so the higher GOGC cannot get the process killed for memory.
package gctune

import (
	"errors"
	"fmt"
	"math"
	"os"
	"runtime/debug"

	"github.com/KimMachineGun/automemlimit/memlimit"
)

// DefaultGCPercent is the GOGC the BFF runs with when the environment does
// not set GOGC: the heap may grow to 5× what is live before a collection.
const DefaultGCPercent = 400

// MemoryLimitRatio is the share of the container's memory limit (cgroup v2
// memory.max, or v1 memory.limit_in_bytes) given to the Go runtime as its
// soft limit, leaving the rest for what the runtime does not count (thread
// stacks outside the heap, cgo). AUTOMEMLIMIT overrides it (a ratio in
// (0, 1], or "off").
const MemoryLimitRatio = 0.9

// NoLimit is the memory limit in force when none is set (Go's default).
const NoLimit = math.MaxInt64

// Settings are the collector settings in force after Apply.
type Settings struct {
	// GCPercent is GOGC: a collection starts when the heap has grown by this
	// percentage of what was live after the last one.
	GCPercent int
	// GCPercentFrom says where GCPercent comes from: "GOGC" (the
	// environment) or "default" (DefaultGCPercent).
	GCPercentFrom string
	// MemoryLimit is GOMEMLIMIT in bytes; NoLimit when there is none.
	MemoryLimit int64
	// MemoryLimitFrom says where MemoryLimit comes from: "GOMEMLIMIT" (the
	// environment), "AUTOMEMLIMIT=off", "container" or "none" (no container
	// limit found).
	MemoryLimitFrom string
}

// Options are for tests; the zero value reads the process's environment
// and cgroup.
type Options struct {
	// LookupEnv reads GOGC and GOMEMLIMIT; default os.LookupEnv.
	LookupEnv func(string) (string, bool)
	// Limit returns the container's memory limit in bytes, or an error
	// wrapping memlimit.ErrNoLimit; default memlimit.FromCgroup.
	Limit memlimit.Provider
}

// Apply sets GOGC to DefaultGCPercent unless the environment sets GOGC (the
// Go runtime has then applied it already), and GOMEMLIMIT to
// MemoryLimitRatio of the container's memory limit unless the environment
// sets GOMEMLIMIT. An error (an unreadable cgroup, a bad AUTOMEMLIMIT)
// leaves the memory limit as it was and is returned with the settings in
// force; the caller may log it and carry on.
func Apply(o Options) (Settings, error) {
	if o.LookupEnv == nil {
		o.LookupEnv = os.LookupEnv
	}
	if o.Limit == nil {
		o.Limit = memlimit.FromCgroup
	}
	var s Settings
	if _, ok := o.LookupEnv("GOGC"); ok {
		s.GCPercent, s.GCPercentFrom = currentGCPercent(), "GOGC"
	} else {
		debug.SetGCPercent(DefaultGCPercent)
		s.GCPercent, s.GCPercentFrom = DefaultGCPercent, "default"
	}

	if _, ok := o.LookupEnv("GOMEMLIMIT"); ok {
		s.MemoryLimit, s.MemoryLimitFrom = debug.SetMemoryLimit(-1), "GOMEMLIMIT"
		return s, nil
	}
	if v, _ := o.LookupEnv("AUTOMEMLIMIT"); v == "off" {
		s.MemoryLimit, s.MemoryLimitFrom = debug.SetMemoryLimit(-1), "AUTOMEMLIMIT=off"
		return s, nil
	}
	unlimited := false
	provider := func() (uint64, error) {
		v, err := o.Limit()
		unlimited = errors.Is(err, memlimit.ErrNoLimit)
		return v, err
	}
	limit, err := memlimit.Set(memlimit.WithProvider(provider), memlimit.WithRatio(MemoryLimitRatio))
	s.MemoryLimit, s.MemoryLimitFrom = limit, "container"
	if err != nil || unlimited {
		s.MemoryLimitFrom = "none"
	}
	if err != nil {
		return s, fmt.Errorf("gctune: memory limit: %w", err)
	}
	return s, nil
}

// currentGCPercent reads GOGC without changing it (SetGCPercent returns the
// previous value; setting it back restores it).
func currentGCPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}
