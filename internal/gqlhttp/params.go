package gqlhttp

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
	"github.com/essaylab/teacher-bff/internal/gqlwire"
)

// requestError is a request that is not a well-formed GraphQL-over-HTTP
// request: it never reaches the executor.
type requestError = gqlwire.Refusal

func badRequest(format string, args ...any) *requestError {
	return gqlwire.Refuse(gqlerr.CodeBadRequest, format, args...)
}

// readPOST decodes a POST body into params. The body is read through
// http.MaxBytesReader, so an oversized body costs at most max+1 bytes of
// memory before it is refused.
func readPOST(w http.ResponseWriter, r *http.Request, max int64, params *graphql.RawParams) *requestError {
	if r.ContentLength > max {
		return tooLarge(max)
	}
	if r.Body == nil {
		return badRequest("the request body is empty")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return tooLarge(max)
		}
		return badRequest("the request body could not be read")
	}
	body = bytes.TrimSpace(body)
	switch {
	case len(body) == 0:
		return badRequest("the request body is empty")
	case body[0] == '[':
		return badRequest("batched operations are not supported: send one JSON object per request")
	case body[0] != '{':
		return badRequest("the request body must be a JSON object")
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return badRequest("the request body is not valid JSON: %s", jsonProblem(err))
	}
	return fill(params, false, func(name string) (json.RawMessage, bool) {
		v, ok := fields[name]
		return v, ok
	})
}

func tooLarge(max int64) *requestError {
	return gqlwire.Refuse(gqlerr.CodePayloadTooLarge, "the request body is larger than %d bytes", max)
}

// readGET decodes the URL's query component into params. query and
// operationName are plain strings, variables and extensions JSON text.
func readGET(r *http.Request, params *graphql.RawParams) *requestError {
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
func fill(params *graphql.RawParams, hasQuery bool, lookup func(name string) (json.RawMessage, bool)) *requestError {
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
	var err *requestError
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
func object(lookup func(string) (json.RawMessage, bool), name string) (map[string]any, *requestError) {
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
