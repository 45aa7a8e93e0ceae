package coercion_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/executor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/graph"
	"github.com/essaylab/teacher-bff/internal/coercion"
)

func TestInt(t *testing.T) {
	tests := []struct {
		in   any
		want int64
		ok   bool
	}{
		{json.Number("5"), 5, true},
		{json.Number("-2147483648"), -2147483648, true},
		{json.Number("2147483647"), 2147483647, true},
		{json.Number("2147483648"), 0, false},
		{json.Number("-2147483649"), 0, false},
		{json.Number("9223372036854775807"), 0, false},
		{json.Number("99999999999999999999"), 0, false},
		{json.Number("1.5"), 0, false},
		{json.Number("1.0"), 1, true}, // a whole number, however written
		{json.Number("1e3"), 1000, true},
		{json.Number("1e300"), 0, false},
		{"5", 0, false},
		{true, 0, false},
		{int64(7), 7, true},
		{int64(1) << 31, 0, false},
		{3.0, 3, true},
		{3.5, 0, false},
		{[]any{json.Number("1")}, 0, false},
	}
	for _, tt := range tests {
		got, ok := coercion.Int(tt.in)
		assert.Equal(t, tt.ok, ok, "%#v", tt.in)
		assert.Equal(t, tt.want, got, "%#v", tt.in)
	}
}

const pageQuery = `query Page($limit: Int, $offset: Int) { viewer { batches(limit: $limit, offset: $offset) { totalCount } } }`

// The extension runs in gqlgen's executor over the real schema: a refused
// request never reaches a resolver (there are none here), an accepted one
// gets its Int as an int64.
func TestVariables(t *testing.T) {
	exec := executor.New(graph.NewSchema(graph.Deps{}))
	exec.Use(coercion.New(15000))
	tests := []struct {
		name    string
		vars    string
		message string // "" when accepted
		want    any
	}{
		{"an Int", `{"limit": 5}`, "", int64(5)},
		{"null", `{"limit": null}`, "", nil},
		{"a string is not an Int", `{"limit": "5"}`,
			`Variable "$limit" got invalid value "5"; Int cannot represent non-integer value: "5"`, nil},
		{"a fraction names the value", `{"limit": 1.5}`,
			`Variable "$limit" got invalid value 1.5; Int cannot represent non-integer value: 1.5`, nil},
		{"2^31 is out of range", `{"offset": 2147483648}`,
			`Variable "$offset" got invalid value 2147483648; Int cannot represent non 32-bit signed integer value: 2147483648`, nil},
		{"2^63-1 is out of range", `{"offset": 9223372036854775807}`,
			`Variable "$offset" got invalid value 9223372036854775807; Int cannot represent non 32-bit signed integer value: 9223372036854775807`, nil},
		{"a list is not an Int", `{"limit": [1]}`,
			`Variable "$limit" got invalid value [1]; Int cannot represent non-integer value: [1]`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dec := json.NewDecoder(stringReader(tt.vars))
			dec.UseNumber() // as gqlgen's transports decode
			var vars map[string]any
			require.NoError(t, dec.Decode(&vars))
			ctx := graphql.StartOperationTrace(context.Background())
			opCtx, errs := exec.CreateOperationContext(ctx, &graphql.RawParams{Query: pageQuery, Variables: vars})
			if tt.message == "" {
				require.Empty(t, errs)
				name := "limit"
				assert.Equal(t, tt.want, opCtx.Variables[name])
				return
			}
			require.Len(t, errs, 1)
			assert.Equal(t, tt.message, errs[0].Message)
			assert.Equal(t, "GRAPHQL_VALIDATION_FAILED", errs[0].Extensions["code"])
			assert.Contains(t, errs[0].Path.String(), "variable.")
		})
	}
}

// Literals are held to the same rule by validation.
func TestLiterals(t *testing.T) {
	exec := executor.New(graph.NewSchema(graph.Deps{}))
	exec.Use(coercion.New(15000))
	exec.SetDefaultRulesFn(coercion.Rules)
	for query, message := range map[string]string{
		`{ viewer { batches(offset: 2147483648) { totalCount } } }`:                     "Int cannot represent non 32-bit signed integer value: 2147483648",
		`{ viewer { batches(limit: 1.5) { totalCount } } }`:                             "Int cannot represent non-integer value: 1.5",
		`{ viewer { batches(limit: "5") { totalCount } } }`:                             `Int cannot represent non-integer value: "5"`,
		`query($o: Int = 2147483648) { viewer { batches(offset: $o) { totalCount } } }`: "Int cannot represent non 32-bit signed integer value: 2147483648",
	} {
		ctx := graphql.StartOperationTrace(context.Background())
		_, errs := exec.CreateOperationContext(ctx, &graphql.RawParams{Query: query})
		require.Len(t, errs, 1, query)
		assert.Contains(t, errs[0].Message, message, query)
	}
}

func stringReader(s string) *strings.Reader { return strings.NewReader(s) }
