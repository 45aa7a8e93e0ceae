package gqlhttp

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/gqlerr"
)

const (
	acceptGQL  = "application/graphql-response+json"
	acceptJSON = "application/json"
	typeGQL    = "application/graphql-response+json; charset=utf-8"
	typeJSON   = "application/json; charset=utf-8"
)

// call is one HTTP request to a test server.
type call struct {
	method      string
	query       url.Values // GET: the URL's query component
	rawQuery    string     // GET: used as is when set
	accept      string     // "-" for no Accept header
	contentType string     // POST; "-" for none
	body        string
	chunked     bool // POST without Content-Length
}

// result is what came back, with the GraphQL body decoded.
type result struct {
	status  int
	header  http.Header
	hasData bool
	data    string
	errors  []gqlError
}

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

func (r result) code() gqlerr.Code {
	if len(r.errors) == 0 {
		return ""
	}
	code, _ := r.errors[0].Extensions["code"].(string)
	return gqlerr.Code(code)
}

func do(t *testing.T, srv *httptest.Server, c call) result {
	t.Helper()
	method := c.method
	if method == "" {
		method = http.MethodPost
	}
	target := srv.URL
	switch {
	case c.rawQuery != "":
		target += "?" + c.rawQuery
	case c.query != nil:
		target += "?" + c.query.Encode()
	}
	var body io.Reader
	if method == http.MethodPost {
		body = strings.NewReader(c.body)
		if c.chunked {
			body = struct{ io.Reader }{body} // hides the length
		}
	}
	req, err := http.NewRequest(method, target, body)
	require.NoError(t, err)
	if c.accept != "-" {
		req.Header.Set("Accept", c.accept)
	}
	if method == http.MethodPost && c.contentType != "-" {
		ct := c.contentType
		if ct == "" {
			ct = "application/json"
		}
		req.Header.Set("Content-Type", ct)
	}
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)

	var top map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(raw, &top), "body is a JSON object: %s", raw)
	out := result{status: resp.StatusCode, header: resp.Header}
	data, hasData := top["data"]
	out.data, out.hasData = string(data), hasData
	if e, ok := top["errors"]; ok {
		require.NoError(t, json.Unmarshal(e, &out.errors), "errors: %s", e)
		require.NotEmpty(t, out.errors, "errors, when present, is non-empty")
	}
	require.True(t, out.hasData || len(out.errors) > 0, "a GraphQL response has data or errors: %s", raw)
	return out
}

func gqlPOST(query string) string {
	b, _ := json.Marshal(map[string]string{"query": query})
	return string(b)
}

func TestTransport(t *testing.T) {
	srv := newServer(t, Options{}, nil)
	tests := []struct {
		name       string
		call       call
		wantStatus int
		wantType   string
		wantCode   gqlerr.Code // first error's extensions.code; "" for no errors
		wantData   string      // "" for no data entry
		wantMsg    string      // in the first error's message
	}{
		// Accept negotiation.
		{name: "graphql-response+json", call: call{accept: acceptGQL, body: gqlPOST("{hello}")},
			wantStatus: 200, wantType: typeGQL, wantData: `{"hello":"world"}`},
		{name: "json", call: call{accept: acceptJSON, body: gqlPOST("{hello}")},
			wantStatus: 200, wantType: typeJSON, wantData: `{"hello":"world"}`},
		{name: "no Accept is a legacy client", call: call{accept: "-", body: gqlPOST("{hello}")},
			wantStatus: 200, wantType: typeJSON, wantData: `{"hello":"world"}`},
		{name: "*/* is a legacy client", call: call{accept: "*/*", body: gqlPOST("{hello}")},
			wantStatus: 200, wantType: typeJSON, wantData: `{"hello":"world"}`},
		{name: "application/* is a legacy client", call: call{accept: "application/*", body: gqlPOST("{hello}")},
			wantStatus: 200, wantType: typeJSON, wantData: `{"hello":"world"}`},
		{name: "recommended Accept", call: call{accept: "application/graphql-response+json, application/json;q=0.9", body: gqlPOST("{hello}")},
			wantStatus: 200, wantType: typeGQL, wantData: `{"hello":"world"}`},
		{name: "both named at equal q: the client's order", call: call{accept: "application/json, application/graphql-response+json", body: gqlPOST("{hello}")},
			wantStatus: 200, wantType: typeJSON, wantData: `{"hello":"world"}`},
		{name: "q-values honoured", call: call{accept: "application/graphql-response+json;q=0.5, application/json", body: gqlPOST("{hello}")},
			wantStatus: 200, wantType: typeJSON, wantData: `{"hello":"world"}`},
		{name: "named over wildcard", call: call{accept: "*/*;q=0.8, application/graphql-response+json;q=0.8", body: gqlPOST("{hello}")},
			wantStatus: 200, wantType: typeGQL, wantData: `{"hello":"world"}`},
		{name: "q=0 refuses a type", call: call{accept: "application/json;q=0, */*", body: gqlPOST("{hello}")},
			wantStatus: 200, wantType: typeGQL, wantData: `{"hello":"world"}`},
		{name: "charset utf-8", call: call{accept: "application/graphql-response+json; charset=UTF-8", body: gqlPOST("{hello}")},
			wantStatus: 200, wantType: typeGQL, wantData: `{"hello":"world"}`},
		{name: "other charset does not match", call: call{accept: "application/graphql-response+json; charset=iso-8859-1, application/json", body: gqlPOST("{hello}")},
			wantStatus: 200, wantType: typeJSON, wantData: `{"hello":"world"}`},
		{name: "neither type: 406", call: call{accept: "text/html", body: gqlPOST("{hello}")},
			wantStatus: 406, wantType: typeJSON, wantCode: gqlerr.CodeNotAcceptable},
		{name: "all refused: 406", call: call{accept: "application/graphql-response+json;q=0, application/json;q=0", body: gqlPOST("{hello}")},
			wantStatus: 406, wantType: typeJSON, wantCode: gqlerr.CodeNotAcceptable},
		{name: "unparsable Accept: 406", call: call{accept: "garbage", body: gqlPOST("{hello}")},
			wantStatus: 406, wantType: typeJSON, wantCode: gqlerr.CodeNotAcceptable},

		// POST Content-Type.
		{name: "no Content-Type: 415", call: call{accept: acceptGQL, contentType: "-", body: gqlPOST("{hello}")},
			wantStatus: 415, wantType: typeGQL, wantCode: gqlerr.CodeUnsupportedMediaType},
		{name: "text/plain: 415", call: call{accept: acceptGQL, contentType: "text/plain", body: gqlPOST("{hello}")},
			wantStatus: 415, wantType: typeGQL, wantCode: gqlerr.CodeUnsupportedMediaType},
		{name: "application/graphql: 415", call: call{accept: acceptJSON, contentType: "application/graphql", body: "{hello}"},
			wantStatus: 415, wantType: typeJSON, wantCode: gqlerr.CodeUnsupportedMediaType},
		{name: "charset=utf-8 allowed", call: call{accept: acceptGQL, contentType: "application/json; charset=utf-8", body: gqlPOST("{hello}")},
			wantStatus: 200, wantType: typeGQL, wantData: `{"hello":"world"}`},
		{name: "other charset: 415", call: call{accept: acceptGQL, contentType: "application/json; charset=latin1", body: gqlPOST("{hello}")},
			wantStatus: 415, wantType: typeGQL, wantCode: gqlerr.CodeUnsupportedMediaType},

		// POST body: malformed requests are 400 whatever the media type.
		{name: "empty body", call: call{accept: acceptGQL},
			wantStatus: 400, wantType: typeGQL, wantCode: gqlerr.CodeBadRequest, wantMsg: "empty"},
		{name: "batch refused", call: call{accept: acceptGQL, body: `[{"query":"{hello}"},{"query":"{hello}"}]`},
			wantStatus: 400, wantType: typeGQL, wantCode: gqlerr.CodeBadRequest, wantMsg: "batched operations are not supported"},
		{name: "batch refused (json)", call: call{accept: acceptJSON, body: ` [{"query":"{hello}"}]`},
			wantStatus: 400, wantType: typeJSON, wantCode: gqlerr.CodeBadRequest, wantMsg: "batched operations are not supported"},
		{name: "truncated JSON", call: call{accept: acceptGQL, body: `{"query":`},
			wantStatus: 400, wantType: typeGQL, wantCode: gqlerr.CodeBadRequest, wantMsg: "not valid JSON"},
		{name: "truncated JSON (json)", call: call{accept: acceptJSON, body: `{"query":`},
			wantStatus: 400, wantType: typeJSON, wantCode: gqlerr.CodeBadRequest},
		{name: "not JSON", call: call{accept: acceptGQL, body: `NONSENSE`},
			wantStatus: 400, wantType: typeGQL, wantCode: gqlerr.CodeBadRequest, wantMsg: "JSON object"},
		{name: "JSON string", call: call{accept: acceptGQL, body: `"{hello}"`},
			wantStatus: 400, wantType: typeGQL, wantCode: gqlerr.CodeBadRequest},
		{name: "trailing data", call: call{accept: acceptGQL, body: `{"query":"{hello}"} {}`},
			wantStatus: 400, wantType: typeGQL, wantCode: gqlerr.CodeBadRequest},
		{name: "query missing", call: call{accept: acceptGQL, body: `{"qeury":"{hello}"}`},
			wantStatus: 400, wantType: typeGQL, wantCode: gqlerr.CodeBadRequest, wantMsg: "query parameter is required"},
		{name: "query null", call: call{accept: acceptJSON, body: `{"query":null}`},
			wantStatus: 400, wantType: typeJSON, wantCode: gqlerr.CodeBadRequest, wantMsg: "query parameter is required"},
		{name: "query a number", call: call{accept: acceptGQL, body: `{"query":1}`},
			wantStatus: 400, wantType: typeGQL, wantCode: gqlerr.CodeBadRequest, wantMsg: "query parameter must be a string"},
		{name: "query an object", call: call{accept: acceptJSON, body: `{"query":{"a":1}}`},
			wantStatus: 400, wantType: typeJSON, wantCode: gqlerr.CodeBadRequest, wantMsg: "query parameter must be a string"},
		{name: "operationName a number", call: call{accept: acceptGQL, body: `{"query":"{hello}","operationName":3}`},
			wantStatus: 400, wantType: typeGQL, wantCode: gqlerr.CodeBadRequest, wantMsg: "operationName"},
		{name: "variables an array", call: call{accept: acceptGQL, body: `{"query":"{hello}","variables":[7]}`},
			wantStatus: 400, wantType: typeGQL, wantCode: gqlerr.CodeBadRequest, wantMsg: "variables parameter must be a JSON object"},
		{name: "variables a string", call: call{accept: acceptJSON, body: `{"query":"{hello}","variables":"{}"}`},
			wantStatus: 400, wantType: typeJSON, wantCode: gqlerr.CodeBadRequest, wantMsg: "variables"},
		{name: "extensions a number", call: call{accept: acceptGQL, body: `{"query":"{hello}","extensions":0}`},
			wantStatus: 400, wantType: typeGQL, wantCode: gqlerr.CodeBadRequest, wantMsg: "extensions"},
		{name: "nulls are absent", call: call{accept: acceptGQL, body: `{"query":"{hello}","operationName":null,"variables":null,"extensions":null}`},
			wantStatus: 200, wantType: typeGQL, wantData: `{"hello":"world"}`},
		{name: "unknown properties ignored", call: call{accept: acceptGQL, body: `{"query":"{hello}","extensions":{"x":1},"other":true}`},
			wantStatus: 200, wantType: typeGQL, wantData: `{"hello":"world"}`},

		// GraphQL request errors: 400 with graphql-response+json, 200 with json.
		{name: "parse failure", call: call{accept: acceptGQL, body: gqlPOST("{")},
			wantStatus: 400, wantType: typeGQL, wantCode: "GRAPHQL_PARSE_FAILED"},
		{name: "parse failure (json)", call: call{accept: acceptJSON, body: gqlPOST("{")},
			wantStatus: 200, wantType: typeJSON, wantCode: "GRAPHQL_PARSE_FAILED"},
		{name: "empty document", call: call{accept: acceptGQL, body: gqlPOST("")},
			wantStatus: 400, wantType: typeGQL, wantCode: "GRAPHQL_VALIDATION_FAILED"},
		{name: "validation failure", call: call{accept: acceptGQL, body: gqlPOST("{nope}")},
			wantStatus: 400, wantType: typeGQL, wantCode: "GRAPHQL_VALIDATION_FAILED"},
		{name: "validation failure (json)", call: call{accept: acceptJSON, body: gqlPOST("{nope}")},
			wantStatus: 200, wantType: typeJSON, wantCode: "GRAPHQL_VALIDATION_FAILED"},
		{name: "unknown operationName", call: call{accept: acceptGQL, body: `{"query":"query A{hello}","operationName":"B"}`},
			wantStatus: 400, wantType: typeGQL, wantCode: "GRAPHQL_VALIDATION_FAILED"},
		{name: "variable coercion failure", call: call{accept: acceptGQL, body: `{"query":"query($n:Int!){echo(n:$n)}","variables":{"n":null}}`},
			wantStatus: 400, wantType: typeGQL, wantCode: "GRAPHQL_VALIDATION_FAILED"},
		{name: "variable coercion failure (json)", call: call{accept: acceptJSON, body: `{"query":"query($n:Int!){echo(n:$n)}","variables":{"n":"x"}}`},
			wantStatus: 200, wantType: typeJSON, wantCode: "GRAPHQL_VALIDATION_FAILED"},

		// Execution results: 200, with or without field errors.
		{name: "variables", call: call{accept: acceptGQL, body: `{"query":"query($n:Int!){echo(n:$n)}","variables":{"n":42}}`},
			wantStatus: 200, wantType: typeGQL, wantData: `{"echo":42}`},
		{name: "operationName picks", call: call{accept: acceptGQL, body: `{"query":"query A{hello} query B{__typename}","operationName":"B"}`},
			wantStatus: 200, wantType: typeGQL, wantData: `{"__typename":"Query"}`},
		{name: "field error", call: call{accept: acceptGQL, body: gqlPOST("{hello fail}")},
			wantStatus: 200, wantType: typeGQL, wantData: `{"hello":"world","fail":null}`, wantMsg: "fail always fails"},
		{name: "no data after dispatch", call: call{accept: acceptGQL, body: gqlPOST("{refuse}")},
			wantStatus: 400, wantType: typeGQL, wantCode: "FORBIDDEN"},
		{name: "no data after dispatch (json)", call: call{accept: acceptJSON, body: gqlPOST("{refuse}")},
			wantStatus: 200, wantType: typeJSON, wantCode: "FORBIDDEN"},
		{name: "unencodable result", call: call{accept: acceptGQL, body: gqlPOST("{broken}")},
			wantStatus: 500, wantType: typeGQL, wantCode: gqlerr.CodeInternal},
		{name: "mutation over POST", call: call{accept: acceptGQL, body: gqlPOST("mutation{bump}")},
			wantStatus: 200, wantType: typeGQL, wantData: `{"bump":1}`},
		{name: "subscription, no event stream accepted: 406", call: call{accept: acceptGQL, body: gqlPOST("subscription{tick}")},
			wantStatus: 406, wantType: typeGQL, wantCode: gqlerr.CodeNotAcceptable, wantMsg: "text/event-stream"},
		{name: "subscription, no event stream accepted (json): 406", call: call{accept: acceptJSON, body: gqlPOST("subscription{tick}")},
			wantStatus: 406, wantType: typeJSON, wantCode: gqlerr.CodeNotAcceptable, wantMsg: "text/event-stream"},

		// GET.
		{name: "GET", call: call{method: "GET", accept: acceptGQL, query: url.Values{"query": {"{hello}"}}},
			wantStatus: 200, wantType: typeGQL, wantData: `{"hello":"world"}`},
		{name: "GET variables", call: call{method: "GET", accept: acceptJSON, query: url.Values{"query": {"query($n:Int!){echo(n:$n)}"}, "variables": {`{"n":7}`}}},
			wantStatus: 200, wantType: typeJSON, wantData: `{"echo":7}`},
		{name: "GET empty parameters are absent", call: call{method: "GET", accept: acceptGQL, query: url.Values{"query": {"{hello}"}, "variables": {""}, "extensions": {""}, "operationName": {""}}},
			wantStatus: 200, wantType: typeGQL, wantData: `{"hello":"world"}`},
		{name: "GET variables not JSON", call: call{method: "GET", accept: acceptGQL, query: url.Values{"query": {"{hello}"}, "variables": {"{n:7}"}}},
			wantStatus: 400, wantType: typeGQL, wantCode: gqlerr.CodeBadRequest, wantMsg: "variables"},
		{name: "GET variables an array", call: call{method: "GET", accept: acceptJSON, query: url.Values{"query": {"{hello}"}, "variables": {"[7]"}}},
			wantStatus: 400, wantType: typeJSON, wantCode: gqlerr.CodeBadRequest, wantMsg: "variables"},
		{name: "GET variables with trailing data", call: call{method: "GET", accept: acceptGQL, query: url.Values{"query": {"{hello}"}, "variables": {"{}}"}}},
			wantStatus: 400, wantType: typeGQL, wantCode: gqlerr.CodeBadRequest},
		{name: "GET extensions not an object", call: call{method: "GET", accept: acceptGQL, query: url.Values{"query": {"{hello}"}, "extensions": {"true"}}},
			wantStatus: 400, wantType: typeGQL, wantCode: gqlerr.CodeBadRequest, wantMsg: "extensions"},
		{name: "GET without query", call: call{method: "GET", accept: acceptGQL},
			wantStatus: 400, wantType: typeGQL, wantCode: gqlerr.CodeBadRequest, wantMsg: "query parameter is required"},
		{name: "GET repeated query", call: call{method: "GET", accept: acceptGQL, rawQuery: "query=%7Bhello%7D&query=%7Bhello%7D"},
			wantStatus: 400, wantType: typeGQL, wantCode: gqlerr.CodeBadRequest, wantMsg: "more than once"},
		{name: "GET bad escape", call: call{method: "GET", accept: acceptGQL, rawQuery: "query=%zz"},
			wantStatus: 400, wantType: typeGQL, wantCode: gqlerr.CodeBadRequest},
		{name: "GET parse failure", call: call{method: "GET", accept: acceptGQL, query: url.Values{"query": {"{"}}},
			wantStatus: 400, wantType: typeGQL, wantCode: "GRAPHQL_PARSE_FAILED"},
		{name: "GET validation failure (json)", call: call{method: "GET", accept: acceptJSON, query: url.Values{"query": {"{nope}"}}},
			wantStatus: 200, wantType: typeJSON, wantCode: "GRAPHQL_VALIDATION_FAILED"},
		{name: "GET query of a document with a mutation", call: call{method: "GET", accept: acceptGQL, query: url.Values{"query": {"query Q{hello} mutation M{bump}"}, "operationName": {"Q"}}},
			wantStatus: 200, wantType: typeGQL, wantData: `{"hello":"world"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := do(t, srv, tt.call)
			assert.Equal(t, tt.wantStatus, got.status)
			assert.Equal(t, tt.wantType, got.header.Get("Content-Type"))
			assert.Equal(t, "no-store", got.header.Get("Cache-Control"))
			assert.Contains(t, got.header.Values("Vary"), "Accept")
			assert.Equal(t, tt.wantCode, got.code())
			if tt.wantData == "" {
				assert.False(t, got.hasData, "no data entry, got %s", got.data)
			} else {
				assert.JSONEq(t, tt.wantData, got.data)
			}
			if tt.wantMsg != "" && assert.NotEmpty(t, got.errors) {
				assert.Contains(t, got.errors[0].Message, tt.wantMsg)
			}
			for _, e := range got.errors {
				if tt.name != "field error" { // a resolver's error: its code is the presenter's business
					assert.NotEmpty(t, e.Extensions["code"], "every error has extensions.code: %+v", e)
				}
			}
		})
	}
}

// A mutation over GET is 405 with Allow: POST, whatever the media type, and
// is never executed. (A subscription over GET is what a browser's
// EventSource sends: see internal/sse.)
func TestTransport_GETRefusesMutations(t *testing.T) {
	srv := newServer(t, Options{}, nil)
	for _, tt := range []struct {
		name   string
		accept string
		query  url.Values
	}{
		{"mutation", acceptGQL, url.Values{"query": {"mutation{bump}"}}},
		{"mutation (json)", acceptJSON, url.Values{"query": {"mutation{bump}"}}},
		{"mutation picked by operationName", acceptGQL, url.Values{"query": {"query Q{hello} mutation M{bump}"}, "operationName": {"M"}}},
		{"mutation with bad variables", acceptGQL, url.Values{"query": {"mutation($n:Int!){bump(by:$n)}"}, "variables": {`{"n":"x"}`}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := do(t, srv, call{method: "GET", accept: tt.accept, query: tt.query})
			assert.Equal(t, http.StatusMethodNotAllowed, got.status)
			assert.Equal(t, "POST", got.header.Get("Allow"))
			assert.Equal(t, gqlerr.CodeMethodNotAllowed, got.code())
			assert.False(t, got.hasData)
		})
	}
}
