package server

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

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
