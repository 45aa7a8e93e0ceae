package graph_test

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/graph"
	"github.com/essaylab/teacher-bff/internal/operations"
)

// The frontend's operations are the schema's contract: each must validate
// as written, fragments included.
func TestContractOperationsValidate(t *testing.T) {
	schema := graph.NewSchema(graph.Deps{}).Schema()
	ops, err := operations.Load(schema, filepath.Join("..", "testdata", "operations"))
	require.NoError(t, err)

	var names []string
	for _, op := range ops {
		names = append(names, op.Name)
	}
	sort.Strings(names)
	assert.Equal(t, []string{"BatchDetail", "BatchPage", "BatchUpdates", "DashboardChanges", "DashboardSections",
		"NeedsAttention", "TabCounts", "TeacherDashboard"}, names)
}

// Where the frontend's originals sit beside the repository, the copies in
// testdata must not have drifted from them.
func TestContractCopiesMatchOriginals(t *testing.T) {
	originals := filepath.Join("..", "..", "shared", "contract", "operations")
	if _, err := os.Stat(originals); err != nil {
		t.Skip("the frontend's originals are not beside this checkout")
	}
	files, err := filepath.Glob(filepath.Join(originals, "*.graphql"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		want, err := os.ReadFile(f)
		require.NoError(t, err)
		got, err := os.ReadFile(filepath.Join("..", "testdata", "operations", filepath.Base(f)))
		require.NoError(t, err, "testdata lacks a copy of %s", filepath.Base(f))
		assert.Equal(t, string(want), string(got), "testdata copy of %s has drifted", filepath.Base(f))
	}
}

// Every type, field, argument and enum value of the schema says what it is:
// the schema is the frontend's documentation (GraphiQL, generated types).
func TestSchemaIsDescribed(t *testing.T) {
	schema := graph.NewSchema(graph.Deps{}).Schema()
	var missing []string
	for name, def := range schema.Types {
		if def.BuiltIn || strings.HasPrefix(name, "__") {
			continue
		}
		if strings.TrimSpace(def.Description) == "" {
			missing = append(missing, name)
		}
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			if strings.TrimSpace(f.Description) == "" {
				missing = append(missing, name+"."+f.Name)
			}
			for _, a := range f.Arguments {
				if strings.TrimSpace(a.Description) == "" {
					missing = append(missing, name+"."+f.Name+"("+a.Name+")")
				}
			}
		}
		for _, v := range def.EnumValues {
			if strings.TrimSpace(v.Description) == "" {
				missing = append(missing, name+"."+v.Name)
			}
		}
	}
	sort.Strings(missing)
	assert.Empty(t, missing, "undescribed schema elements")
}
