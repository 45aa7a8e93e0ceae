// Package coercion holds variable values to the GraphQL spec's input
// coercion of Int (GraphQL spec §3.5.1), where gqlparser is lax: it takes
// the string "5" for an Int, takes any 64-bit integer, and refuses 1.5 as
// "cannot use value 0 as Int".
//
// Per the spec, an Int input is a whole number from -2^31 to 2^31-1; a
// string, a fraction or anything outside that range is a request error
// naming the value sent, raised before the operation runs. Literals in the
// document are held to the same rule by gqlparser's validation
// (ValuesOfCorrectType) but for their range: IntLiteralRule adds that.
package coercion

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator/core"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"github.com/essaylab/teacher-bff/internal/gqlerr"
)

// Variables is the gqlgen extension that coerces the Int values among a
// request's variables, lists and input objects included:
//
//	srv.Use(coercion.New(limits.ParserTokenLimit))
//
// It runs before gqlgen's own coercion of variables, replacing each Int it
// accepts by an int64 (which gqlgen takes as it is) and refusing the
// request otherwise.
type Variables struct {
	schema *ast.Schema
	// docs keeps the parsed documents of recent requests: only their
	// variable definitions are read here.
	docs *lru.Cache[string, *ast.QueryDocument]
	// tokenLimit bounds the parse, as the server's parser token limit does.
	tokenLimit int
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = (*Variables)(nil)

// New returns the extension; tokenLimit is the server's parser token limit
// (0: none).
func New(tokenLimit int) *Variables {
	docs, _ := lru.New[string, *ast.QueryDocument](1000) // errors only for a size ≤ 0
	return &Variables{docs: docs, tokenLimit: tokenLimit}
}

// ExtensionName implements graphql.HandlerExtension.
func (v *Variables) ExtensionName() string { return "IntCoercion" }

// Validate implements graphql.HandlerExtension; it keeps the schema, whose
// input objects may hold Int fields.
func (v *Variables) Validate(schema graphql.ExecutableSchema) error {
	v.schema = schema.Schema()
	return nil
}

// MutateOperationParameters coerces params.Variables in place. A document
// that does not parse, or has no operation of that name, is left for gqlgen
// to refuse with its own error.
func (v *Variables) MutateOperationParameters(_ context.Context, params *graphql.RawParams) *gqlerror.Error {
	if len(params.Variables) == 0 || params.Query == "" {
		return nil
	}
	doc, ok := v.docs.Get(params.Query)
	if !ok {
		var err error
		if doc, err = parser.ParseQueryWithTokenLimit(&ast.Source{Input: params.Query}, v.tokenLimit); err != nil {
			return nil
		}
		v.docs.Add(params.Query, doc)
	}
	op := doc.Operations.ForName(params.OperationName)
	if op == nil {
		return nil
	}
	for _, def := range op.VariableDefinitions {
		val, ok := params.Variables[def.Variable]
		if !ok || val == nil {
			continue
		}
		c := coercer{schema: v.schema, variable: def.Variable}
		out, err := c.coerce(def.Type, val, ast.Path{ast.PathName("variable"), ast.PathName(def.Variable)}, 0)
		if err != nil {
			errcode.Set(err, string(gqlerr.CodeValidationFailed))
			return err
		}
		params.Variables[def.Variable] = out
	}
	return nil
}

// maxNesting bounds the recursion through lists and input objects: JSON
// nests at most as deep as the body is long, and no input of this schema
// nests more than a few levels.
const maxNesting = 64

type coercer struct {
	schema   *ast.Schema
	variable string
}

// coerce returns val with its Ints coerced, or the error for the first one
// that is not an Int. Values of other types are gqlgen's to coerce.
func (c coercer) coerce(typ *ast.Type, val any, path ast.Path, depth int) (any, *gqlerror.Error) {
	if val == nil || depth > maxNesting {
		return val, nil
	}
	if typ.Elem != nil {
		list, ok := val.([]any)
		if !ok {
			// A single value stands for a list of one (§3.11 input
			// coercion); its item type applies.
			return c.coerce(typ.Elem, val, path, depth+1)
		}
		for i, item := range list {
			out, err := c.coerce(typ.Elem, item, append(path, ast.PathIndex(i)), depth+1)
			if err != nil {
				return nil, err
			}
			list[i] = out
		}
		return list, nil
	}
	if typ.NamedType == "Int" {
		n, ok := Int(val)
		if !ok {
			return nil, gqlerror.ErrorPathf(path, "Variable \"$%s\" got invalid value %s; %s",
				c.variable, show(val), intProblem(val))
		}
		return n, nil
	}
	def := c.schemaType(typ.NamedType)
	obj, ok := val.(map[string]any)
	if def == nil || def.Kind != ast.InputObject || !ok {
		return val, nil
	}
	for _, f := range def.Fields {
		fv, present := obj[f.Name]
		if !present {
			continue
		}
		out, err := c.coerce(f.Type, fv, append(path, ast.PathName(f.Name)), depth+1)
		if err != nil {
			return nil, err
		}
		obj[f.Name] = out
	}
	return obj, nil
}

func (c coercer) schemaType(name string) *ast.Definition {
	if c.schema == nil {
		return nil
	}
	return c.schema.Types[name]
}

// Int coerces a variable value to a GraphQL Int: a whole number within
// 32 bits, as gqlgen's transports decode JSON (json.Number) or as Go
// callers pass it (int kinds, float64). Anything else is not an Int.
func Int(val any) (int64, bool) {
	var n int64
	switch x := val.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			n = i
		} else if f, err := x.Float64(); err == nil && isWhole(f) {
			n = int64(f)
		} else {
			return 0, false
		}
	case int:
		n = int64(x)
	case int32:
		n = int64(x)
	case int64:
		n = x
	case float64:
		if !isWhole(x) {
			return 0, false
		}
		n = int64(x)
	default:
		return 0, false
	}
	if n < math.MinInt32 || n > math.MaxInt32 {
		return 0, false
	}
	return n, true
}

// isWhole reports whether f is a whole number an int64 holds.
func isWhole(f float64) bool {
	return !math.IsInf(f, 0) && !math.IsNaN(f) && f == math.Trunc(f) && math.Abs(f) < 1<<63
}

// intProblem says why val is not an Int, in graphql-js's words.
func intProblem(val any) string {
	switch x := val.(type) {
	case json.Number:
		if f, err := x.Float64(); err == nil && isWhole(f) || isIntegerText(string(x)) {
			return "Int cannot represent non 32-bit signed integer value: " + string(x)
		}
		return "Int cannot represent non-integer value: " + string(x)
	case int, int32, int64:
		return fmt.Sprintf("Int cannot represent non 32-bit signed integer value: %d", x)
	case float64:
		if isWhole(x) {
			return fmt.Sprintf("Int cannot represent non 32-bit signed integer value: %v", x)
		}
		return fmt.Sprintf("Int cannot represent non-integer value: %v", x)
	default:
		return "Int cannot represent non-integer value: " + show(val)
	}
}

// isIntegerText reports whether s is written as a whole number (too large
// for an int64, so Float64 may have rounded it).
func isIntegerText(s string) bool {
	if s != "" && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// show writes val as JSON (as the client sent it), cut to a readable
// length.
func show(val any) string {
	b, err := json.Marshal(val)
	if err != nil {
		return fmt.Sprintf("%v", val)
	}
	const max = 64
	if len(b) > max {
		return string(b[:max]) + "…"
	}
	return string(b)
}

// IntLiteralRule is the validation rule holding Int literals to 32 bits:
// gqlparser's ValuesOfCorrectType takes any integer literal for an Int,
// 2147483648 included. Add it to the default rules:
//
//	srv.SetValidationRulesFn(coercion.Rules)
var IntLiteralRule = core.Rule{
	Name: "IntLiteralsFitIn32Bits",
	RuleFunc: func(observers *core.Events, addError core.AddErrFunc) {
		observers.OnValue(func(_ *core.Walker, v *ast.Value) {
			if v.Kind != ast.IntValue || v.ExpectedType == nil || v.ExpectedType.Elem != nil || v.ExpectedType.NamedType != "Int" {
				return
			}
			if _, err := strconv.ParseInt(v.Raw, 10, 32); err != nil {
				addError(core.Message("Int cannot represent non 32-bit signed integer value: %s", v.Raw), core.At(v.Position))
			}
		})
	},
}

// Rules returns gqlparser's default validation rules and IntLiteralRule, a
// fresh set per call (gqlgen adjusts the set it is given).
func Rules() *rules.Rules {
	r := rules.NewDefaultRules()
	r.AddRule(IntLiteralRule.Name, IntLiteralRule.RuleFunc)
	return r
}
