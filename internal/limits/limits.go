// Package limits refuses GraphQL operations that are too big to be worth
// serving: too deep, too costly, too many aliases, root fields, directives or
// repeated fields (the OWASP GraphQL cheat sheet's abuse limits; gqlgen
// itself has none of them but the parser's token limit).
//
// Every operation is measured by Measure and compared with a Config by
// Check. The Limiter extension runs that check twice: once on the raw query
// text before gqlgen parses and validates it, because validation itself is
// what some hostile documents attack (the overlapping-fields rule is
// quadratic in repeated selections: 7,000 `id`s cost it 3.5 s of CPU), and
// once more on the validated operation with coerced variables, before any
// resolver runs.
//
// Validation walks the whole document, not only the selected operation: so
// before it, the whole document is measured too (MeasureDocument: every
// operation and fragment, spreads written out up to a bound) and held to
// the document limits, which keep any document under the body limit to a
// few milliseconds of CPU (BenchmarkHostileDocument, FuzzHostileDocument).
package limits

import (
	"fmt"

	"github.com/essaylab/teacher-bff/internal/gqlerr"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// ParserTokenLimit is the token limit to give handler.Server's
// SetParserTokenLimit; the Limiter's own parse uses it too. It bounds every
// document, so it bounds the work of every check here. The contract
// operations have under 150 tokens and GraphiQL's introspection query about
// 300.
const ParserTokenLimit = 15000

// Config holds the limits. In every field, zero means the default and a
// negative value turns the limit off.
type Config struct {
	// MaxDepth bounds field nesting outside introspection; `{ viewer { id } }`
	// has depth 2. The deepest paths of this schema have 6 fields
	// (viewer.batches.edges.node.class.id: a Relay connection nests one
	// level more than a list).
	MaxDepth int
	// MaxIntrospectionDepth bounds field nesting inside __schema and __type.
	// It is separate from MaxDepth because GraphiQL's introspection query
	// nests 15 deep (its `ofType` chain alone is 9), while it is answered
	// from memory and never reaches a resolver.
	MaxIntrospectionDepth int
	// MaxIntrospectionLists bounds the nesting of introspection's list
	// fields (fields, inputFields, interfaces, possibleTypes): the
	// "circular introspection" attack nests them to multiply the response.
	// GraphiQL nests them 1 deep; graphql-js refuses 3.
	MaxIntrospectionLists int
	// MaxComplexity bounds the operation's cost; see Measures.Complexity.
	MaxComplexity int
	// MaxAliases bounds the aliased fields of the operation, counted once
	// per use of the fragment holding them.
	MaxAliases int
	// MaxDuplicateFields bounds how often one response key is selected in
	// one selection set, fragments included (`{ viewer { id id id } }` is 3).
	MaxDuplicateFields int
	// MaxDirectives bounds the directives of the whole operation.
	MaxDirectives int
	// MaxFieldDirectives bounds the directives on one field or fragment.
	MaxFieldDirectives int
	// MaxRootFields bounds the fields selected at the operation's root.
	MaxRootFields int

	// The limits of the whole document (see DocumentMeasures): they bound
	// what validating it costs, whichever operation is selected.

	// MaxFragments bounds the fragment definitions of a document.
	MaxFragments int
	// MaxDocumentSelections bounds the selections of the document's
	// operations and fragments, spreads written out.
	MaxDocumentSelections int
	// MaxFieldPairs bounds the pairs of same-keyed fields validation
	// compares.
	MaxFieldPairs int
}

// Defaults returns the default limits. The contract operations measure at
// most half of each.
func Defaults() Config {
	return Config{
		MaxDepth:              12,
		MaxIntrospectionDepth: 20,
		MaxIntrospectionLists: 2,
		MaxComplexity:         5000,
		MaxAliases:            30,
		MaxDuplicateFields:    20,
		MaxDirectives:         20,
		MaxFieldDirectives:    5,
		MaxRootFields:         10,
		// The frontend's operations measure at most 1 fragment, 82
		// selections and no field pairs (testdata/operations), GraphiQL's
		// introspection query 3, 489 and none. At these bounds validation
		// costs a few milliseconds at most (BenchmarkHostileDocument).
		MaxFragments:          100,
		MaxDocumentSelections: 2500,
		MaxFieldPairs:         1000,
	}
}

// WithDefaults returns c with every zero limit set to its default.
func (c Config) WithDefaults() Config {
	d := Defaults()
	for _, p := range []struct{ v, def *int }{
		{&c.MaxDepth, &d.MaxDepth},
		{&c.MaxIntrospectionDepth, &d.MaxIntrospectionDepth},
		{&c.MaxIntrospectionLists, &d.MaxIntrospectionLists},
		{&c.MaxComplexity, &d.MaxComplexity},
		{&c.MaxAliases, &d.MaxAliases},
		{&c.MaxDuplicateFields, &d.MaxDuplicateFields},
		{&c.MaxDirectives, &d.MaxDirectives},
		{&c.MaxFieldDirectives, &d.MaxFieldDirectives},
		{&c.MaxRootFields, &d.MaxRootFields},
		{&c.MaxFragments, &d.MaxFragments},
		{&c.MaxDocumentSelections, &d.MaxDocumentSelections},
		{&c.MaxFieldPairs, &d.MaxFieldPairs},
	} {
		if *p.v == 0 {
			*p.v = *p.def
		}
	}
	return c
}

// The names of the limits, as extensions.limit of a refusal.
const (
	LimitRootFields         = "rootFields"
	LimitAliases            = "aliases"
	LimitDuplicateFields    = "duplicateFields"
	LimitFieldDirectives    = "fieldDirectives"
	LimitDirectives         = "directives"
	LimitDepth              = "depth"
	LimitIntrospectionLists = "introspectionLists"
	LimitIntrospectionDepth = "introspectionDepth"
	LimitComplexity         = "complexity"
	LimitFragments          = "fragments"
	LimitSelections         = "documentSelections"
	LimitFieldPairs         = "fieldPairs"
)

// Check measures op and refuses it if it exceeds any of the default limits.
// doc need not be validated yet. vars are the request's variables (nil for
// none); they only matter for page sizes given as variables.
func Check(schema *ast.Schema, doc *ast.QueryDocument, op *ast.OperationDefinition, vars map[string]any) error {
	return Config{}.Check(schema, doc, op, vars)
}

// Check is the package's Check with c's limits.
func (c Config) Check(schema *ast.Schema, doc *ast.QueryDocument, op *ast.OperationDefinition, vars map[string]any) error {
	if err := c.WithDefaults().check(Measure(schema, doc, op, vars)); err != nil {
		return err
	}
	// Not the nil *gqlerror.Error: callers compare with nil.
	return nil
}

// CheckDocument measures the whole of doc (every operation and fragment)
// and refuses it if it exceeds any of c's document limits.
func (c Config) CheckDocument(doc *ast.QueryDocument) error {
	c = c.WithDefaults()
	if err := c.checkDocument(doc); err != nil {
		return err
	}
	return nil
}

func (c Config) checkDocument(doc *ast.QueryDocument) *gqlerror.Error {
	if c.MaxFragments >= 0 && len(doc.Fragments) > c.MaxFragments {
		// Refused before the walk, which would visit them all.
		return refusal(limitTerm{LimitFragments, "fragment count", len(doc.Fragments), c.MaxFragments})
	}
	bound := c.MaxDocumentSelections
	if bound < 0 {
		bound = ceiling
	}
	m := MeasureDocument(doc, bound)
	return firstOver([]limitTerm{
		{LimitSelections, "selection count of the document", m.Selections, c.MaxDocumentSelections},
		{LimitFieldPairs, "count of same-named field pairs", m.FieldPairs, c.MaxFieldPairs},
	})
}

// limitTerm is one measure and its limit.
type limitTerm struct {
	name, what string
	value, max int
}

// firstOver returns the refusal of the first term over its limit (a
// negative limit is off), nil when none is.
func firstOver(terms []limitTerm) *gqlerror.Error {
	for _, l := range terms {
		if l.max >= 0 && l.value > l.max {
			return refusal(l)
		}
	}
	return nil
}

func refusal(l limitTerm) *gqlerror.Error {
	return &gqlerror.Error{
		Message: fmt.Sprintf("%s %d exceeds the limit of %d", l.what, l.value, l.max),
		Extensions: map[string]any{
			"code":  string(gqlerr.CodeLimitExceeded),
			"limit": l.name,
			"value": l.value,
			"max":   l.max,
		},
	}
}

// check returns the first limit m exceeds, in the order of the table: the
// cheap structural limits first, so the message names the plainest cause.
// c must have its defaults applied.
func (c Config) check(m Measures) *gqlerror.Error {
	return firstOver([]limitTerm{
		{LimitRootFields, "root field count", m.RootFields, c.MaxRootFields},
		{LimitAliases, "alias count", m.Aliases, c.MaxAliases},
		{LimitDuplicateFields, "selection count of one field", m.DuplicateFields, c.MaxDuplicateFields},
		{LimitFieldDirectives, "directive count on one field", m.FieldDirectives, c.MaxFieldDirectives},
		{LimitDirectives, "directive count", m.Directives, c.MaxDirectives},
		{LimitDepth, "query depth", m.Depth, c.MaxDepth},
		{LimitIntrospectionLists, "introspection list nesting", m.IntrospectionLists, c.MaxIntrospectionLists},
		{LimitIntrospectionDepth, "introspection depth", m.IntrospectionDepth, c.MaxIntrospectionDepth},
		{LimitComplexity, "query complexity", m.Complexity, c.MaxComplexity},
	})
}
