package graph_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	gqlast "github.com/vektah/gqlparser/v2/ast"

	"github.com/essaylab/teacher-bff/graph"
)

// HeldBack names exactly the fields the generated executor schedules with
// out.ResolveConcurrently, the call that holds a deferred field back and
// leaves null in its place: read from generated.go's object marshallers
// (each names its object in its `case "__typename"`), for every field of
// every object type of the schema.
func TestHeldBackMatchesTheExecutor(t *testing.T) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "generated.go", nil, 0)
	require.NoError(t, err)

	executor := map[string]map[string]bool{} // object → field → ResolveConcurrently
	for _, decl := range file.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || fn.Body == nil {
			continue
		}
		object := ""
		fields := map[string]bool{}
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			cc, ok := n.(*ast.CaseClause)
			if !ok || len(cc.List) != 1 {
				return true
			}
			lit, ok := cc.List[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			name, _ := strconv.Unquote(lit.Value)
			if name == "__typename" {
				object = typenameOf(cc)
				return false
			}
			fields[name] = callsResolveConcurrently(cc)
			return false
		})
		if object != "" {
			executor[object] = fields
		}
	}

	schema := graph.NewSchema(graph.Deps{}).Schema()
	checked, heldBack := 0, 0
	for _, def := range schema.Types {
		// The subscription root streams its one field: no field set,
		// nothing deferred.
		if def.Kind != gqlast.Object || def == schema.Subscription {
			continue
		}
		fields, ok := executor[def.Name]
		require.True(t, ok, "generated.go marshals object %s", def.Name)
		for _, f := range def.Fields {
			if f.Name == "__typename" || f.Name == "__schema" || f.Name == "__type" {
				continue
			}
			concurrent, ok := fields[f.Name]
			require.True(t, ok, "generated.go marshals %s.%s", def.Name, f.Name)
			assert.Equal(t, concurrent, graph.HeldBack(def.Name, f.Name), "%s.%s", def.Name, f.Name)
			checked++
			if concurrent {
				heldBack++
			}
		}
	}
	// The schema's relation fields are resolvers (gqlgen.yml): Teacher's
	// credits among them, and never a plain field like its id.
	assert.True(t, graph.HeldBack("Teacher", "credits"))
	assert.False(t, graph.HeldBack("Teacher", "id"))
	assert.False(t, graph.HeldBack("Query", "viewer"), "root fields are never deferred")
	assert.Greater(t, heldBack, 0)
	assert.Greater(t, checked, heldBack)
}

// typenameOf reads X from `out.Values[i] = graphql.MarshalString("X")`.
func typenameOf(cc *ast.CaseClause) string {
	name := ""
	ast.Inspect(cc, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) != 1 {
			return true
		}
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "MarshalString" {
			if lit, ok := call.Args[0].(*ast.BasicLit); ok {
				name, _ = strconv.Unquote(lit.Value)
			}
		}
		return name == ""
	})
	return name
}

func callsResolveConcurrently(cc *ast.CaseClause) bool {
	found := false
	ast.Inspect(cc, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "ResolveConcurrently" {
				found = true
			}
		}
		return !found
	})
	return found
}
