package server

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// countPages returns how many pages of batches (Teacher.batches fields, and
// Query.batch fields as pages of one, after aliases, fragments and
// @skip/@include) the operation will resolve, so the loaders know when the
// last page is in and no more keys can come.
func countPages(ctx context.Context) int {
	if !graphql.HasOperationContext(ctx) {
		return 0
	}
	op := graphql.GetOperationContext(ctx)
	if op.Operation == nil || op.Operation.Operation != ast.Query {
		return 0
	}
	n := 0
	for _, root := range graphql.CollectFields(op, op.Operation.SelectionSet, []string{"Query"}) {
		if root.Name == "batch" {
			n++
			continue
		}
		if root.Name != "viewer" {
			continue
		}
		for _, f := range graphql.CollectFields(op, root.Selections, []string{"Teacher"}) {
			if f.Name == "batches" {
				n++
			}
		}
	}
	return n
}

// operationOf names the operation of ctx for metrics.
func operationOf(ctx context.Context) (name, typ string) {
	if !graphql.HasOperationContext(ctx) {
		return "", "unknown"
	}
	op := graphql.GetOperationContext(ctx)
	if op.Operation == nil {
		return op.OperationName, "unknown"
	}
	return op.Operation.Name, string(op.Operation.Operation)
}

// errorCodes lists the extensions.code of a response's errors.
func errorCodes(resp *graphql.Response) []string {
	codes := make([]string, 0, len(resp.Errors))
	for _, e := range resp.Errors {
		c, _ := e.Extensions["code"].(string)
		if c == "" {
			c = "NONE"
		}
		codes = append(codes, c)
	}
	return codes
}

func isSubscription(ctx context.Context) bool {
	if !graphql.HasOperationContext(ctx) {
		return false
	}
	op := graphql.GetOperationContext(ctx).Operation
	return op != nil && op.Operation == ast.Subscription
}
