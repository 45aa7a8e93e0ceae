package testenv

import (
	"bufio"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/app"
	"github.com/essaylab/teacher-bff/internal/config"
	"github.com/essaylab/teacher-bff/internal/testenv/testkit"
)

// Logs collects a BFF's JSON log lines; safe to read while the BFF writes.
type Logs struct{ testkit.Buffer }

// Lines returns the lines so far, decoded.
func (l *Logs) Lines(t testing.TB) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(l.String()))
	for sc.Scan() {
		var m map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &m), sc.Text())
		out = append(out, m)
	}
	return out
}

// WithLogs sends the BFF's logs, from debug up, to l.
func WithLogs(l *Logs) Option {
	return func(_ *config.Config, o *app.Options) {
		o.Logger = slog.New(slog.NewJSONHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
}
