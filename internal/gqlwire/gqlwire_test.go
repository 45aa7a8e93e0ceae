package gqlwire

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// marshalled is what gqlgen's marshaller m writes.
func marshalled(m graphql.Marshaler) string {
	var b bytes.Buffer
	m.MarshalGQL(&b)
	return b.String()
}

// rowData is the data of a result as gqlgen's executor writes it: an object
// of n rows whose values come from gqlgen's own scalar marshallers.
func rowData(n int, title string) json.RawMessage {
	var b bytes.Buffer
	b.WriteString(`{"viewer":{"id":"t1","batches":{"totalCount":`)
	b.WriteString(marshalled(graphql.MarshalInt(n)))
	b.WriteString(`,"nodes":[`)
	at := time.Date(2025, 12, 10, 9, 15, 0, 0, time.UTC)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":%s,"title":%s,"status":"PROCESSING","totalEssays":%s,"createdAt":%s,"completedAt":null,"class":{"id":"c1","name":%s}}`,
			marshalled(graphql.MarshalID(fmt.Sprintf("5b0d7c1e-0000-4000-8000-%012d", i))),
			marshalled(graphql.MarshalString(title)),
			marshalled(graphql.MarshalInt(30+i)),
			marshalled(graphql.MarshalTime(at.Add(-time.Duration(i)*time.Minute))),
			marshalled(graphql.MarshalString("Year 10 – English")))
	}
	b.WriteString(`]}}}`)
	return b.Bytes()
}

// encodingJSON is how responses were encoded before Encode wrote the
// envelope itself: the reference its bytes must equal.
func encodingJSON(t testing.TB, resp *graphql.Response) []byte {
	t.Helper()
	b, err := json.Marshal(Response(*resp))
	require.NoError(t, err)
	return b
}

func TestEncode(t *testing.T) {
	yes, no := true, false
	errs := gqlerror.List{{
		Message:    `field "<b>" & more`,
		Path:       ast.Path{ast.PathName("viewer"), ast.PathIndex(2)},
		Locations:  []gqlerror.Location{{Line: 1, Column: 3}},
		Extensions: map[string]any{"code": "INTERNAL", "correlationId": "c-1"},
	}}
	for _, tt := range []struct {
		name string
		resp graphql.Response
		want string // "": only compared with encoding/json's bytes
	}{
		{"request error: no data key", graphql.Response{Errors: errs[:1]},
			`{"errors":[{"message":"field \"\u003cb\u003e\" \u0026 more","path":["viewer",2],"locations":[{"line":1,"column":3}],"extensions":{"code":"INTERNAL","correlationId":"c-1"}}]}`},
		{"data", graphql.Response{Data: json.RawMessage(`{"viewer":{"id":"t1"}}`)}, `{"data":{"viewer":{"id":"t1"}}}`},
		{"errors before data", graphql.Response{Errors: gqlerror.List{{Message: "m"}}, Data: json.RawMessage(`{"a":null}`)},
			`{"errors":[{"message":"m"}],"data":{"a":null}}`},
		{"failed at the root: data null", graphql.Response{Errors: gqlerror.List{{Message: "m"}}, Data: json.RawMessage(`null`)},
			`{"errors":[{"message":"m"}],"data":null}`},
		{"HTML and line separators in data escaped as before",
			graphql.Response{Data: json.RawMessage(`{"t":` + marshalled(graphql.MarshalString("<script>&\u2028\u2029\"\\\n\x01é")) + `}`)},
			`{"data":{"t":"\u003cscript\u003e\u0026\u2028\u2029\"\\\n\u0001é"}}`},
		{"deferred payload", graphql.Response{Data: json.RawMessage(`{"credits":{"userBalance":3}}`), Label: "credits",
			Path: ast.Path{ast.PathName("viewer")}, HasNext: &no, Extensions: map[string]any{"b": 1, "a": []int{2}}},
			`{"data":{"credits":{"userBalance":3}},"label":"credits","path":["viewer"],"hasNext":false,"extensions":{"a":[2],"b":1}}`},
		{"hasNext true", graphql.Response{Data: json.RawMessage(`{}`), HasNext: &yes}, `{"data":{},"hasNext":true}`},
		{"empty members left out", graphql.Response{Errors: gqlerror.List{}, Data: json.RawMessage{}, Path: ast.Path{},
			Extensions: map[string]any{}}, `{}`},
		{"90 rows", graphql.Response{Data: rowData(90, "Essays <week 3> & more")}, ""},
		{"data with all members", graphql.Response{Errors: errs, Data: rowData(3, "x"), Label: "l",
			Path: ast.Path{ast.PathName("viewer"), ast.PathName("batches")}, HasNext: &yes, Extensions: map[string]any{"k": "<v>"}}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Encode(&tt.resp)
			require.NoError(t, err)
			assert.True(t, json.Valid(got), "%s", got)
			assert.Equal(t, string(encodingJSON(t, &tt.resp)), string(got))
			if tt.want != "" {
				assert.Equal(t, tt.want, string(got))
			}
		})
	}
}

// What Encode refuses, so that Write answers 500: data of the wrong shape
// (a truncated result) and members encoding/json cannot encode.
func TestEncodeRefuses(t *testing.T) {
	for _, tt := range []struct {
		name string
		resp graphql.Response
		want string
	}{
		{"truncated data", graphql.Response{Data: json.RawMessage(`{"broken":`)}, "not a JSON object or null"},
		{"one brace", graphql.Response{Data: json.RawMessage(`{`)}, "not a JSON object or null"},
		{"a list", graphql.Response{Data: json.RawMessage(`[1]`)}, "not a JSON object or null"},
		{"a string", graphql.Response{Data: json.RawMessage(`"a"`)}, "not a JSON object or null"},
		{"an extension value", graphql.Response{Data: json.RawMessage(`{}`), Extensions: map[string]any{"x": math.NaN()}}, "extensions"},
		{"an error's extension value", graphql.Response{Errors: gqlerror.List{{Message: "m", Extensions: map[string]any{"c": make(chan int)}}}}, "errors"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Encode(&tt.resp)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// A later payload of incremental delivery holds the deferred result as one
// item under incremental, with path always, and the caller's hasNext: the
// JSON encoding/json wrote for it before EncodeSubsequent (members in
// Encode's order), and Encode's refusals.
func TestEncodeSubsequent(t *testing.T) {
	type item struct {
		Data       json.RawMessage `json:"data,omitempty"`
		Errors     gqlerror.List   `json:"errors,omitempty"`
		Path       ast.Path        `json:"path"`
		Label      string          `json:"label,omitempty"`
		Extensions map[string]any  `json:"extensions,omitempty"`
	}
	type subsequent struct {
		Incremental []item `json:"incremental"`
		HasNext     bool   `json:"hasNext"`
	}
	yes := true
	for _, tt := range []struct {
		name    string
		resp    graphql.Response
		hasNext bool
		want    string
	}{
		{"fragment data at its path", graphql.Response{Data: json.RawMessage(`{"credits":{"userBalance":3}}`), Path: ast.Path{ast.PathName("viewer")}, Label: "credits"}, true,
			`{"incremental":[{"data":{"credits":{"userBalance":3}},"label":"credits","path":["viewer"]}],"hasNext":true}`},
		{"errors only, at the root: path null", graphql.Response{Errors: gqlerror.List{{Message: "<m>"}}}, false,
			`{"incremental":[{"errors":[{"message":"\u003cm\u003e"}],"path":null}],"hasNext":false}`},
		{"the result's own hasNext is not the item's", graphql.Response{Data: json.RawMessage(`{"a":"<b>"}`), Path: ast.Path{ast.PathName("v"), ast.PathIndex(1)}, HasNext: &yes, Extensions: map[string]any{"x": 1}}, false,
			`{"incremental":[{"data":{"a":"\u003cb\u003e"},"path":["v",1],"extensions":{"x":1}}],"hasNext":false}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := EncodeSubsequent(&tt.resp, tt.hasNext)
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(got))
			before, err := json.Marshal(subsequent{Incremental: []item{{
				Data: tt.resp.Data, Errors: tt.resp.Errors, Path: tt.resp.Path, Label: tt.resp.Label, Extensions: tt.resp.Extensions,
			}}, HasNext: tt.hasNext})
			require.NoError(t, err)
			assert.JSONEq(t, string(before), string(got))
		})
	}
	for _, tt := range []struct {
		name string
		resp graphql.Response
		want string
	}{
		{"truncated data", graphql.Response{Data: json.RawMessage(`{"broken":`)}, "not a JSON object or null"},
		{"an extension value", graphql.Response{Data: json.RawMessage(`{}`), Extensions: map[string]any{"x": math.NaN()}}, "extensions"},
	} {
		t.Run("refuses "+tt.name, func(t *testing.T) {
			_, err := EncodeSubsequent(&tt.resp, false)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// Whatever the text in the data and the other members, Encode writes the
// bytes encoding/json wrote for the compact, valid data the executor
// produces: values of gqlgen's own marshallers, or any JSON value (compact)
// under a key.
func FuzzEncode(f *testing.F) {
	f.Add("Essays <week 3> & more", []byte(`{"a":[1,2.5e-7,"x"]}`), 1.5, true)
	f.Add("\u2028\u2029\x00\x1f\"\\é\xff", []byte(`"\u003c\ud83d\ude00"`), math.Inf(1), false)
	f.Add("", []byte(`null`), math.Copysign(0, -1), true)
	f.Fuzz(func(t *testing.T, s string, value []byte, x float64, hasNext bool) {
		var data bytes.Buffer
		data.WriteString(`{"s":`)
		data.WriteString(marshalled(graphql.MarshalString(s)))
		data.WriteString(`,"f":`)
		var fb bytes.Buffer
		if err := graphql.MarshalFloatContext(x).MarshalGQLContext(t.Context(), &fb); err != nil {
			fb.WriteString("null") // gqlgen nulls the field, with a field error
		}
		data.Write(fb.Bytes())
		if json.Valid(value) {
			data.WriteString(`,"v":`)
			if err := json.Compact(&data, value); err != nil {
				t.Fatal(err)
			}
		}
		data.WriteString(`}`)
		resp := &graphql.Response{
			Errors:     gqlerror.List{{Message: s, Path: ast.Path{ast.PathName(s), ast.PathIndex(len(s))}, Extensions: map[string]any{"code": s}}},
			Data:       data.Bytes(),
			Label:      s,
			Path:       ast.Path{ast.PathName(s)},
			HasNext:    &hasNext,
			Extensions: map[string]any{s: s},
		}
		got, err := Encode(resp)
		if err != nil {
			t.Fatalf("%v for data %s", err, data.Bytes())
		}
		if !json.Valid(got) {
			t.Fatalf("invalid JSON: %s", got)
		}
		if want := encodingJSON(t, resp); !bytes.Equal(got, want) {
			t.Fatalf("got  %s\nwant %s", got, want)
		}
	})
}
