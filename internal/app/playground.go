package app

import (
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/vektah/gqlparser/v2/ast"

	teacherbff "github.com/essaylab/teacher-bff"
	"github.com/essaylab/teacher-bff/internal/operations"
	"github.com/essaylab/teacher-bff/internal/playground"
)

// newPlayground builds GraphiQL opening on the contract operations, each in
// its own tab, with o's headers and variables filled in.
func newPlayground(schema *ast.Schema, o Options) (*playground.Handler, error) {
	ops, err := operations.LoadFS(schema, teacherbff.ContractOperations, "testdata/operations")
	if err != nil {
		return nil, fmt.Errorf("app: playground: %w", err)
	}
	tabs := make([]playground.Tab, 0, len(ops))
	for _, op := range ops {
		tab := playground.Tab{Name: op.Name, Query: op.Document}
		if vars, ok := o.PlaygroundVariables[op.Name]; ok {
			b, err := json.MarshalIndent(vars, "", "  ")
			if err != nil {
				return nil, fmt.Errorf("app: playground: variables of %s: %w", op.Name, err)
			}
			tab.Variables = string(b)
		}
		tabs = append(tabs, tab)
	}
	pg, err := playground.New(playground.Options{
		Title:    "Teacher BFF",
		Endpoint: "/graphql",
		Headers:  o.PlaygroundHeaders,
		Tabs:     tabs,
	})
	if err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}
	if !pg.Offline() {
		o.Logger.Warn("the playground loads GraphiQL from a CDN (it needs the internet): "+
			"the embedded build is absent; build it with: "+playground.BuildCommand,
			slog.String("build", playground.BuildCommand))
	}
	return pg, nil
}
