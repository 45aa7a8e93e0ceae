package gctune_test

import (
	"errors"
	"fmt"
	"runtime/debug"
	"testing"

	"github.com/KimMachineGun/automemlimit/memlimit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/gctune"
)

// restore puts the collector back as it was when the test started.
func restore(t *testing.T) {
	t.Helper()
	gc := debug.SetGCPercent(100)
	debug.SetGCPercent(gc)
	limit := debug.SetMemoryLimit(-1)
	t.Cleanup(func() {
		debug.SetGCPercent(gc)
		debug.SetMemoryLimit(limit)
	})
}

func env(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := vars[k]
		return v, ok
	}
}

func fixed(bytes uint64) memlimit.Provider { return func() (uint64, error) { return bytes, nil } }

func TestApply(t *testing.T) {
	const gib = 1 << 30
	cases := []struct {
		name      string
		env       map[string]string
		runtimeGC int // what the Go runtime took from GOGC at start
		limit     memlimit.Provider
		wantGC    int
		wantGCSrc string
		wantLimit int64
		wantSrc   string
		wantErr   bool
	}{
		{"defaults in a container", nil, 100, fixed(gib),
			gctune.DefaultGCPercent, "default", gib * 9 / 10, "container", false},
		{"GOGC set: left as the runtime read it", map[string]string{"GOGC": "150"}, 150, fixed(gib),
			150, "GOGC", gib * 9 / 10, "container", false},
		{"GOGC=off is honoured too", map[string]string{"GOGC": "off"}, -1, fixed(gib),
			-1, "GOGC", gib * 9 / 10, "container", false},
		{"no container limit", nil, 100, func() (uint64, error) { return 0, memlimit.ErrNoLimit },
			gctune.DefaultGCPercent, "default", gctune.NoLimit, "none", false},
		{"GOMEMLIMIT set: the container's is not read", map[string]string{"GOMEMLIMIT": "300MiB"}, 100,
			func() (uint64, error) { panic("read the container's limit") },
			gctune.DefaultGCPercent, "default", 300 << 20, "GOMEMLIMIT", false},
		{"AUTOMEMLIMIT=off", map[string]string{"AUTOMEMLIMIT": "off"}, 100,
			func() (uint64, error) { panic("read the container's limit") },
			gctune.DefaultGCPercent, "default", gctune.NoLimit, "AUTOMEMLIMIT=off", false},
		{"an unreadable cgroup leaves the limit as it was", nil, 100,
			func() (uint64, error) { return 0, errors.New("no cgroup") },
			gctune.DefaultGCPercent, "default", gctune.NoLimit, "none", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			restore(t)
			debug.SetGCPercent(c.runtimeGC)
			debug.SetMemoryLimit(gctune.NoLimit)
			if v, ok := c.env["GOMEMLIMIT"]; ok {
				var n int64
				_, err := fmt.Sscanf(v, "%dMiB", &n)
				require.NoError(t, err)
				debug.SetMemoryLimit(n << 20) // as the runtime does at start
			}

			s, err := gctune.Apply(gctune.Options{LookupEnv: env(c.env), Limit: c.limit})
			if c.wantErr {
				assert.Error(t, err)
			} else {
				assert.NoError(t, err)
			}
			assert.Equal(t, c.wantGC, s.GCPercent)
			assert.Equal(t, c.wantGCSrc, s.GCPercentFrom)
			assert.Equal(t, c.wantLimit, s.MemoryLimit)
			assert.Equal(t, c.wantSrc, s.MemoryLimitFrom)
			// What is reported is what is in force.
			assert.Equal(t, c.wantGC, debug.SetGCPercent(c.wantGC))
			assert.Equal(t, c.wantLimit, debug.SetMemoryLimit(-1))
		})
	}
}

// AUTOMEMLIMIT changes the share of the container's limit.
func TestApplyAutomemlimitRatio(t *testing.T) {
	restore(t)
	t.Setenv("AUTOMEMLIMIT", "0.5")
	s, err := gctune.Apply(gctune.Options{LookupEnv: env(nil), Limit: fixed(1 << 30)})
	require.NoError(t, err)
	assert.Equal(t, int64(1<<29), s.MemoryLimit)
	assert.Equal(t, int64(1<<29), debug.SetMemoryLimit(-1))
}
