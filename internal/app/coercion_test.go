package app_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/devstack"
	"github.com/essaylab/teacher-bff/internal/testenv"
)

// Int is held to the spec (§3.5.1) on a running server: a string, a
// fraction or a value outside 32 bits is a request error naming the value
// sent, as a variable or as a literal; no upstream is called.
func TestIntIsHeldToTheSpec(t *testing.T) {
	env := testenv.Start(t)
	token := env.Token(t, devstack.TeacherWithOrg)
	const page = `query($l: Int, $o: Int) { viewer { batches(limit: $l, offset: $o) { limit offset } } }`
	tests := []struct {
		name    string
		query   string
		vars    map[string]any
		message string
	}{
		{"string for an Int", page, map[string]any{"l": "5"}, `Variable "$l" got invalid value "5"; Int cannot represent non-integer value: "5"`},
		{"fraction", page, map[string]any{"l": 1.5}, `Variable "$l" got invalid value 1.5; Int cannot represent non-integer value: 1.5`},
		{"2^31", page, map[string]any{"o": int64(1) << 31}, `Variable "$o" got invalid value 2147483648; Int cannot represent non 32-bit signed integer value: 2147483648`},
		{"2^63-1", page, map[string]any{"o": int64(1<<63 - 1)}, `Variable "$o" got invalid value 9223372036854775807; Int cannot represent non 32-bit signed integer value: 9223372036854775807`},
		{"literal 2^31", `{ viewer { batches(offset: 2147483648) { offset } } }`, nil, "Int cannot represent non 32-bit signed integer value: 2147483648"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env.ResetCounts()
			resp := env.Do(t, testenv.Request{Query: tt.query, Variables: tt.vars, Token: token}, nil)
			assert.Equal(t, http.StatusBadRequest, resp.Status)
			assert.Empty(t, resp.Data, "a request error has no data")
			require.Len(t, resp.Errors, 1)
			assert.Equal(t, tt.message, resp.Errors[0].Message)
			assert.Equal(t, "GRAPHQL_VALIDATION_FAILED", resp.Code())
			assert.Empty(t, env.Stack.RAS.Counts(), "no upstream call")
		})
	}

	var out struct {
		Viewer struct {
			Batches struct{ Limit, Offset int } `json:"batches"`
		} `json:"viewer"`
	}
	resp := env.Do(t, testenv.Request{Query: page, Variables: map[string]any{"l": 5, "o": 2147483647}, Token: token}, &out)
	require.Empty(t, resp.Errors)
	assert.Equal(t, 5, out.Viewer.Batches.Limit)
	assert.Equal(t, 2147483647, out.Viewer.Batches.Offset)
}
