package testenv

import (
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/graph"
	"github.com/essaylab/teacher-bff/internal/nodetest"
	"github.com/essaylab/teacher-bff/internal/operations"
)

var (
	opsOnce sync.Once
	ops     map[string]string
	opsErr  error
)

// Operation returns the contract operation `name` from testdata/operations
// as the complete document the frontend sends (with its fragments).
func Operation(t testing.TB, name string) string {
	t.Helper()
	opsOnce.Do(func() {
		var root string
		root, opsErr = RepoRoot()
		if opsErr != nil {
			return
		}
		var list []operations.Operation
		list, opsErr = operations.Load(graph.NewSchema(graph.Deps{}).Schema(), filepath.Join(root, "testdata", "operations"))
		ops = map[string]string{}
		for _, op := range list {
			ops[op.Name] = op.Document
		}
	})
	require.NoError(t, opsErr)
	doc, ok := ops[name]
	require.True(t, ok, "no contract operation %q", name)
	return doc
}

// RepoRoot is the directory of go.mod, found from the working directory.
var RepoRoot = nodetest.RepoRoot
