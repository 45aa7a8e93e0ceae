package gqlwire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/99designs/gqlgen/graphql"

	"github.com/essaylab/teacher-bff/internal/gqlerr"
)

// DefaultMaxBodyBytes is the request body limit when none is configured.
const DefaultMaxBodyBytes = 1 << 20

// ReadRequest reads the GraphQL request of r, for every HTTP transport (JSON,
// SSE, multipart): a POST's body, of Content-Type application/json in UTF-8
// (else 415) and at most maxBody bytes (else 413; 0 means
// DefaultMaxBodyBytes), or a GET's URL query component, of at most maxBody
// bytes too (else 414: one bound for a request however it is sent; RFC 9110
// §15.5.15). The parameters are
// those of GraphQL-over-HTTP's "GraphQL-over-HTTP request": query (a
// string), operationName (a string), variables and extensions (JSON
// objects); absent or null means not given. A malformed request is refused
// with BAD_REQUEST; no other method is read.
//
// The parameters' types are checked here, not the document: a query that is
// a string makes a well-formed request even when it is empty or does not
// parse, and the executor reports that as a GraphQL request error.
func ReadRequest(w http.ResponseWriter, r *http.Request, maxBody int64) (*graphql.RawParams, *Refusal) {
	start := graphql.Now()
	params := &graphql.RawParams{Headers: r.Header}
	var bad *Refusal
	if maxBody <= 0 {
		maxBody = DefaultMaxBodyBytes
	}
	switch r.Method {
	case http.MethodPost:
		if !JSONContentType(r.Header.Get("Content-Type")) {
			return nil, Refuse(gqlerr.CodeUnsupportedMediaType, "the request body must be application/json in UTF-8")
		}
		bad = readPOST(w, r, maxBody, params)
	case http.MethodGet:
		if int64(len(r.URL.RawQuery)) > maxBody {
			return nil, Refuse(gqlerr.CodeURITooLong, "the URL's query is longer than %d bytes: send the operation with POST", maxBody)
		}
		bad = readGET(r, params)
	default:
		bad = Refuse(gqlerr.CodeMethodNotAllowed, "use GET or POST")
	}
	if bad != nil {
		return nil, bad
	}
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	return params, nil
}

// DecodeRequest decodes a GraphQL request sent as a JSON object: a POST body
// or the payload of a WebSocket subscribe (start) message. It applies the
// rules of ReadRequest.
func DecodeRequest(raw []byte) (*graphql.RawParams, *Refusal) {
	params := &graphql.RawParams{}
	if bad := decodeObjectRequest(raw, params); bad != nil {
		return nil, bad
	}
	return params, nil
}

func badRequest(format string, args ...any) *Refusal {
	return Refuse(gqlerr.CodeBadRequest, format, args...)
}

// readPOST decodes a POST body into params. The body is read through
// http.MaxBytesReader, so an oversized body costs at most max+1 bytes of
// memory before it is refused.
func readPOST(w http.ResponseWriter, r *http.Request, max int64, params *graphql.RawParams) *Refusal {
	if r.ContentLength > max {
		return tooLarge(max)
	}
	if r.Body == nil {
		return badRequest("the request is empty: send a JSON object with a query")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return tooLarge(max)
		}
		return badRequest("the request body could not be read")
	}
	return decodeObjectRequest(body, params)
}

// decodeObjectRequest decodes a request sent as one JSON object.
func decodeObjectRequest(body []byte, params *graphql.RawParams) *Refusal {
	body = bytes.TrimSpace(body)
	switch {
	case len(body) == 0:
		return badRequest("the request is empty: send a JSON object with a query")
	case body[0] == '[':
		return badRequest("batched operations are not supported: send one JSON object per request")
	case body[0] != '{':
		return badRequest("the request must be a JSON object")
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return badRequest("the request is not valid JSON: %s", jsonProblem(err))
	}
	return fill(params, false, func(name string) (json.RawMessage, bool) {
		v, ok := fields[name]
		return v, ok
	})
}

func tooLarge(max int64) *Refusal {
	return Refuse(gqlerr.CodePayloadTooLarge, "the request body is larger than %d bytes", max)
}

// readGET decodes the URL's query component into params. query and
// operationName are plain strings, variables and extensions JSON text.
func readGET(r *http.Request, params *graphql.RawParams) *Refusal {
	values, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return badRequest("the URL query could not be decoded")
	}
	for _, name := range []string{"query", "operationName", "variables", "extensions"} {
		if len(values[name]) > 1 {
			return badRequest("the %s parameter is given more than once", name)
		}
	}
	_, hasQuery := values["query"]
	params.Query = values.Get("query")
	params.OperationName = values.Get("operationName")
	return fill(params, hasQuery, func(name string) (json.RawMessage, bool) {
		if name == "query" || name == "operationName" {
			return nil, false // taken as text above
		}
		// An empty value is the same as an absent one.
		v := values.Get(name)
		return json.RawMessage(v), v != ""
	})
}

// fill sets params from the four request parameters as lookup finds them
// (JSON text; absent or null means not given). It enforces the parameter
// types of the spec's "GraphQL-over-HTTP request". hasQuery says the query
// was already taken from elsewhere (GET's URL).
//
// Only the parameters' types are checked here: a query that is a string
// makes a well-formed request even when it is empty or does not parse,
// and the executor reports that as a GraphQL request error.
func fill(params *graphql.RawParams, hasQuery bool, lookup func(name string) (json.RawMessage, bool)) *Refusal {
	if raw, ok := lookup("query"); ok && !isNull(raw) {
		if err := json.Unmarshal(raw, &params.Query); err != nil {
			return badRequest("the query parameter must be a string")
		}
		hasQuery = true
	}
	if raw, ok := lookup("operationName"); ok && !isNull(raw) {
		if err := json.Unmarshal(raw, &params.OperationName); err != nil {
			return badRequest("the operationName parameter must be a string")
		}
	}
	var err *Refusal
	if params.Variables, err = object(lookup, "variables"); err != nil {
		return err
	}
	if params.Extensions, err = object(lookup, "extensions"); err != nil {
		return err
	}
	// A persisted-query hash stands in for the document: gqlgen's APQ
	// extension fills in params.Query (or reports the hash unknown).
	if !hasQuery && params.Extensions["persistedQuery"] == nil {
		return badRequest("the query parameter is required")
	}
	return nil
}

// object decodes the named parameter as a JSON object (nil when absent).
// Numbers stay json.Number, as in gqlgen's own transports, so that Int
// variables are not rounded through float64.
func object(lookup func(string) (json.RawMessage, bool), name string) (map[string]any, *Refusal) {
	raw, ok := lookup(name)
	if !ok || isNull(raw) {
		return nil, nil
	}
	fail := badRequest("the %s parameter must be a JSON object", name)
	// json.Valid refuses trailing data, which a Decoder would leave unread.
	if raw = bytes.TrimSpace(raw); len(raw) == 0 || raw[0] != '{' || !json.Valid(raw) {
		return nil, fail
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out map[string]any
	if err := dec.Decode(&out); err != nil {
		return nil, fail
	}
	return out, nil
}

func isNull(raw json.RawMessage) bool {
	return string(bytes.TrimSpace(raw)) == "null"
}

// jsonProblem describes a JSON syntax error by position, not by content.
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return fmt.Sprintf("syntax error at byte %d", syn.Offset)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "unexpected end of input"
	}
	return "malformed JSON"
}
