package server

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/essaylab/teacher-bff/internal/gqlerr"
)

// introspectionOff refuses introspection queries where introspection is
// not served (production), before they run, as a client error with its own
// code. Without it, gqlgen answers __schema and __type with a resolver
// error ("introspection disabled") that is reported, logged and counted as
// an internal one, so every codegen run against production pages someone.
// __typename is not introspection of the schema and stays allowed.
type introspectionOff struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = introspectionOff{}

func (introspectionOff) ExtensionName() string                   { return "IntrospectionOff" }
func (introspectionOff) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext refuses a validated operation that selects
// __schema or __type at its root (the only place validation lets them be),
// fragments included.
func (introspectionOff) MutateOperationContext(ctx context.Context, opCtx *graphql.OperationContext) *gqlerror.Error {
	if selectsSchema(opCtx.Doc, opCtx.Operation.SelectionSet, map[string]bool{}) {
		return gqlerr.New(ctx, gqlerr.CodeIntrospectionDisabled, "introspection is not served by this server")
	}
	return nil
}

// selectsSchema reports whether set selects __schema or __type, through
// inline fragments and fragment spreads (each spread looked at once).
func selectsSchema(doc *ast.QueryDocument, set ast.SelectionSet, seen map[string]bool) bool {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == "__schema" || s.Name == "__type" {
				return true
			}
		case *ast.InlineFragment:
			if selectsSchema(doc, s.SelectionSet, seen) {
				return true
			}
		case *ast.FragmentSpread:
			if seen[s.Name] {
				continue
			}
			seen[s.Name] = true
			if f := doc.Fragments.ForName(s.Name); f != nil && selectsSchema(doc, f.SelectionSet, seen) {
				return true
			}
		}
	}
	return false
}
