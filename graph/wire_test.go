package graph_test

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"regexp"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/essaylab/teacher-bff/graph"
	"github.com/essaylab/teacher-bff/graph/model"
)

// gqlwire.Encode sends the executor's data without parsing them again, so
// every value the executor writes must be valid JSON by construction. The
// field sets and lists are gqlgen's; the leaves are the scalar marshallers
// below and the generated enums. A new scalar, or a marshaller of ours, must
// be checked here before it can reach a response.
func TestScalarMarshallers(t *testing.T) {
	schema := graph.NewSchema(graph.Deps{}).Schema()
	var scalars, enums []string
	for name, def := range schema.Types {
		switch def.Kind {
		case ast.Scalar:
			scalars = append(scalars, name)
		case ast.Enum:
			if !def.BuiltIn {
				enums = append(enums, name)
			}
		}
	}
	sort.Strings(scalars)
	sort.Strings(enums)
	assert.Equal(t, []string{"Boolean", "DateTime", "Float", "ID", "Int", "String"}, scalars,
		"a new scalar: check that its marshaller writes valid JSON for every value, here")
	assert.Equal(t, []string{"AttentionReason", "BatchStatus", "BatchStatusDetail", "ProcessingPhase"}, enums,
		"a new enum: add its values below")

	// The marshallers of gqlgen the generated executor calls (lists and
	// scalars), and no other.
	src, err := os.ReadFile("generated.go")
	require.NoError(t, err)
	var used []string
	for _, m := range regexp.MustCompile(`graphql\.(Marshal[A-Za-z]+)\(`).FindAllStringSubmatch(string(src), -1) {
		if !slices.Contains(used, m[1]) {
			used = append(used, m[1])
		}
	}
	sort.Strings(used)
	assert.Equal(t, []string{"MarshalBoolean", "MarshalFloatContext", "MarshalID", "MarshalInt",
		"MarshalSliceConcurrently", "MarshalString", "MarshalTime"}, used,
		"a new marshaller in the executor: check that it writes valid JSON for every value, here")

	text := "quote \" backslash \\ newline \n tab \t nul \x00 unit \x1f <b>&</b> \u2028\u2029 é 😀"
	cases := map[string]graphql.Marshaler{
		"String":             graphql.MarshalString(text),
		"String, empty":      graphql.MarshalString(""),
		"ID":                 graphql.MarshalID(text),
		"Int, min":           graphql.MarshalInt(math.MinInt),
		"Int, max":           graphql.MarshalInt(math.MaxInt),
		"Boolean":            graphql.MarshalBoolean(true),
		"DateTime":           graphql.MarshalTime(time.Date(2025, 12, 10, 9, 15, 0, 123456789, time.FixedZone("", 5*3600+1800))),
		"DateTime, zero":     graphql.MarshalTime(time.Time{}),
		"DateTime, year 1e4": graphql.MarshalTime(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)),
	}
	for _, v := range model.AllAttentionReason {
		cases["AttentionReason "+v.String()] = v
	}
	for _, v := range model.AllBatchStatus {
		cases["BatchStatus "+v.String()] = v
	}
	for _, v := range model.AllBatchStatusDetail {
		cases["BatchStatusDetail "+v.String()] = v
	}
	for _, v := range model.AllProcessingPhase {
		cases["ProcessingPhase "+v.String()] = v
	}
	for name, m := range cases {
		var b bytes.Buffer
		m.MarshalGQL(&b)
		assert.True(t, json.Valid(b.Bytes()), "%s writes %s", name, b.Bytes())
	}
	for _, f := range []float64{0, math.Copysign(0, -1), 1e-300, 5e-324, math.MaxFloat64, -1.5e21, 0.1} {
		var b bytes.Buffer
		require.NoError(t, graphql.MarshalFloatContext(f).MarshalGQLContext(t.Context(), &b))
		assert.True(t, json.Valid(b.Bytes()), "Float %v writes %s", f, b.Bytes())
	}
	// Not a JSON number: gqlgen refuses them, and the field is null with an
	// error.
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		var b bytes.Buffer
		assert.Error(t, graphql.MarshalFloatContext(f).MarshalGQLContext(t.Context(), &b), "Float %v", f)
	}
}
