// Package operations loads GraphQL documents from a directory of .graphql
// files, the way the frontend keeps them: operations and fragments in
// separate files, fragments shared between operations.
package operations

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// Operation is one named operation with the fragments it uses, as the
// complete document a client sends.
type Operation struct {
	Name     string
	Document string
}

// Load reads every .graphql file in dir and returns each operation as a
// self-contained document, validated against schema.
func Load(schema *ast.Schema, dir string) ([]Operation, error) {
	return load(schema, os.DirFS(dir), ".", dir)
}

// LoadFS is Load for the directory dir of fsys (an embedded copy, say).
func LoadFS(schema *ast.Schema, fsys fs.FS, dir string) ([]Operation, error) {
	return load(schema, fsys, dir, dir)
}

// load reads dir in fsys; errors call it name.
func load(schema *ast.Schema, fsys fs.FS, dir, name string) ([]Operation, error) {
	files, err := fs.Glob(fsys, path.Join(dir, "*.graphql"))
	if err != nil {
		return nil, fmt.Errorf("operations: %w", err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("operations: no .graphql files in %s", name)
	}
	sort.Strings(files)
	var all strings.Builder
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, fmt.Errorf("operations: %w", err)
		}
		all.Write(b)
		all.WriteString("\n")
	}
	doc, perr := parser.ParseQuery(&ast.Source{Name: name, Input: all.String()})
	if perr != nil {
		return nil, fmt.Errorf("operations: parse %s: %w", name, perr)
	}
	if errs := validator.ValidateWithRules(schema, doc, nil); len(errs) > 0 {
		return nil, fmt.Errorf("operations: %s does not validate: %w", name, errs)
	}
	out := make([]Operation, 0, len(doc.Operations))
	for _, op := range doc.Operations {
		if op.Name == "" {
			return nil, fmt.Errorf("operations: an operation in %s has no name", name)
		}
		out = append(out, Operation{Name: op.Name, Document: standalone(doc, op)})
	}
	return out, nil
}

// standalone prints op with exactly the fragments it uses.
func standalone(doc *ast.QueryDocument, op *ast.OperationDefinition) string {
	used := map[string]bool{}
	var visit func(ast.SelectionSet)
	visit = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				visit(s.SelectionSet)
			case *ast.InlineFragment:
				visit(s.SelectionSet)
			case *ast.FragmentSpread:
				if !used[s.Name] {
					used[s.Name] = true
					if f := doc.Fragments.ForName(s.Name); f != nil {
						visit(f.SelectionSet)
					}
				}
			}
		}
	}
	visit(op.SelectionSet)
	one := &ast.QueryDocument{Operations: ast.OperationList{op}}
	for _, f := range doc.Fragments {
		if used[f.Name] {
			one.Fragments = append(one.Fragments, f)
		}
	}
	var b strings.Builder
	formatter.NewFormatter(&b).FormatQueryDocument(one)
	return b.String()
}
