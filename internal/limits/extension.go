package limits

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
)

// Limiter is the gqlgen extension enforcing a Config:
//
//	srv.SetParserTokenLimit(limits.ParserTokenLimit)
//	srv.Use(limits.New(cfg))
//
// Register it after the extensions that fill in the query text (trusted
// documents, automatic persisted queries), so its first check sees the text
// the server will parse. Registered before them it still refuses every
// operation over a limit, only after validation instead of before.
type Limiter struct {
	cfg    Config
	schema *ast.Schema
	// vetted remembers documents that passed both checks, so the first
	// check does not parse them again: gqlgen serves them from its query
	// cache without validating, and the second check still measures each
	// request with its own variables.
	vetted *lru.Cache[string, struct{}]
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
	graphql.OperationContextMutator
} = (*Limiter)(nil)

// New returns a Limiter for cfg; zero limits take their defaults.
func New(cfg Config) *Limiter {
	vetted, _ := lru.New[string, struct{}](1000) // errors only for a size ≤ 0
	return &Limiter{cfg: cfg.WithDefaults(), vetted: vetted}
}

// ExtensionName implements graphql.HandlerExtension.
func (l *Limiter) ExtensionName() string { return "OperationLimits" }

// Validate implements graphql.HandlerExtension; it keeps the schema, which
// tells list fields from others.
func (l *Limiter) Validate(schema graphql.ExecutableSchema) error {
	l.schema = schema.Schema()
	return nil
}

// MutateOperationParameters checks the whole document, then the operation,
// before gqlgen parses and validates it. That costs a second parse (about 20 µs for the contract
// operations) but keeps hostile documents away from validation, whose
// overlapping-fields rule is quadratic in repeated selections. A document
// that does not parse, or names no operation it holds, is left for gqlgen
// to refuse with its own error.
func (l *Limiter) MutateOperationParameters(_ context.Context, params *graphql.RawParams) *gqlerror.Error {
	if params.Query == "" || l.vetted.Contains(params.Query) {
		return nil
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: params.Query}, ParserTokenLimit)
	if err != nil {
		return nil
	}
	// The selected operation first, so a refusal names the plainest cause;
	// then the whole document, which validation walks whichever operation
	// runs.
	if op := doc.Operations.ForName(params.OperationName); op != nil {
		if err := l.cfg.check(Measure(l.schema, doc, op, params.Variables)); err != nil {
			return err
		}
	}
	return l.cfg.checkDocument(doc)
}

// MutateOperationContext checks the validated operation with its coerced
// variables, after parsing and before any resolver runs. It covers
// documents the first check did not see (a persisted query filled in after
// it) and costs one walk of the document.
func (l *Limiter) MutateOperationContext(_ context.Context, opCtx *graphql.OperationContext) *gqlerror.Error {
	if err := l.cfg.check(Measure(l.schema, opCtx.Doc, opCtx.Operation, opCtx.Variables)); err != nil {
		return err
	}
	if opCtx.RawQuery != "" {
		l.vetted.Add(opCtx.RawQuery, struct{}{})
	}
	return nil
}
