package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/graph"
	"github.com/essaylab/teacher-bff/internal/operations"
	"github.com/essaylab/teacher-bff/internal/persisted"
)

var contractDir = filepath.Join("..", "..", "testdata", "operations")

// `bff persisted-manifest` writes a manifest of each format that trusted
// mode loads with every contract operation; to stdout by default.
func TestPersistedManifestCommand(t *testing.T) {
	for _, format := range []string{"apollo", "codegen"} {
		t.Run(format, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "manifest.json")
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), []string{"persisted-manifest", "-dir", contractDir, "-format", format, "-o", path}, &stdout, &stderr)
			require.NoError(t, err, stderr.String())
			assert.Empty(t, stdout.String())

			schema := graph.NewSchema(graph.Deps{}).Schema()
			trusted, err := persisted.LoadTrusted(schema, path)
			require.NoError(t, err)
			ops, err := operations.Load(schema, contractDir)
			require.NoError(t, err)
			assert.Len(t, trusted.IDs(), len(ops))

			written, err := os.ReadFile(path)
			require.NoError(t, err)
			stdout.Reset()
			require.NoError(t, run(context.Background(), []string{"persisted-manifest", "-dir", contractDir, "-format", format}, &stdout, &stderr))
			assert.Equal(t, string(written), stdout.String())
		})
	}
}

func TestPersistedManifestCommandErrors(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown format", []string{"-dir", contractDir, "-format", "relay"}, `format "relay"`},
		{"no such folder", []string{"-dir", filepath.Join(t.TempDir(), "none")}, "no .graphql files"},
		{"stray argument", []string{"-dir", contractDir, "extra"}, `unexpected argument "extra"`},
		{"unknown flag", []string{"-x"}, "not defined"},
		{"unwritable output", []string{"-dir", contractDir, "-o", filepath.Join(t.TempDir(), "no", "such", "m.json")}, "no such file"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), append([]string{"persisted-manifest"}, tt.args...), &stdout, &stderr)
			require.Error(t, err)
			assert.Contains(t, err.Error()+stderr.String(), tt.want)
			assert.Empty(t, stdout.String())
		})
	}
}
