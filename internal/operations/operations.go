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
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// Operation is one named operation with the fragments it uses, as the
// complete document a client sends.
type Operation struct {
	Name string
	// Type is "query", "mutation" or "subscription".
	Type string
	// Document is the operation followed by the fragments it uses, sorted
	// by name, printed by Print: the files' documents without their
	// comments, what curl or a client that adds nothing sends.
	Document string
	// ClientDocument is Document with __typename added to every selection
	// set below the operation's own, the way Apollo Client's cache and
	// urql's document cache add it before sending (and Apollo's manifest
	// generator before hashing): what those clients send by default.
	ClientDocument string
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
		one := standalone(doc, op)
		out = append(out, Operation{
			Name:           op.Name,
			Type:           string(op.Operation),
			Document:       Print(one),
			ClientDocument: Print(withTypename(one)),
		})
	}
	return out, nil
}

// standalone is op with exactly the fragments it uses, sorted by name (the
// order of Apollo's sortTopLevelDefinitions: the operation, then its
// fragments).
func standalone(doc *ast.QueryDocument, op *ast.OperationDefinition) *ast.QueryDocument {
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
	sort.SliceStable(one.Fragments, func(i, j int) bool { return one.Fragments[i].Name < one.Fragments[j].Name })
	return one
}

// withTypename returns a copy of doc with a __typename field appended to
// every selection set but the operations' own, unless the set already
// selects __typename or another introspection field: Apollo Client's
// addTypenameToDocument (@apollo/client/utilities), which urql's
// formatDocument matches for these documents.
func withTypename(doc *ast.QueryDocument) *ast.QueryDocument {
	out := &ast.QueryDocument{}
	for _, op := range doc.Operations {
		c := *op
		c.SelectionSet = typenameBelow(op.SelectionSet)
		out.Operations = append(out.Operations, &c)
	}
	for _, f := range doc.Fragments {
		c := *f
		c.SelectionSet = typenameIn(f.SelectionSet)
		out.Fragments = append(out.Fragments, &c)
	}
	return out
}

// typenameBelow copies set, adding __typename to the sets it contains.
func typenameBelow(set ast.SelectionSet) ast.SelectionSet {
	out := make(ast.SelectionSet, 0, len(set)+1)
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			c := *s
			switch {
			case len(s.SelectionSet) == 0:
			case exported(s):
				c.SelectionSet = typenameBelow(s.SelectionSet)
			default:
				c.SelectionSet = typenameIn(s.SelectionSet)
			}
			out = append(out, &c)
		case *ast.InlineFragment:
			c := *s
			c.SelectionSet = typenameIn(s.SelectionSet)
			out = append(out, &c)
		default:
			out = append(out, sel)
		}
	}
	return out
}

// typenameIn copies set with __typename added to it and below it.
func typenameIn(set ast.SelectionSet) ast.SelectionSet {
	out := typenameBelow(set)
	for _, sel := range set {
		if f, ok := sel.(*ast.Field); ok && strings.HasPrefix(f.Name, "__") {
			return out
		}
	}
	return append(out, &ast.Field{Name: "__typename", Alias: "__typename"})
}

// exported reports Apollo's @export exception: an exported selection is an
// input value and gets no __typename.
func exported(f *ast.Field) bool {
	return f.Directives.ForName("export") != nil
}
