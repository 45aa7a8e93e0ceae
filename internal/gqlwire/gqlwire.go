// Package gqlwire holds what the BFF's GraphQL transports (HTTP, WebSocket,
// SSE) share about the wire: the response as sent, and the errors a
// transport makes itself.
package gqlwire

import (
	"context"
	"encoding/json"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Response is graphql.Response as sent: data is left out when the executor
// produced none. graphql.Response would send "data": null, which the GraphQL
// spec reserves for an execution that failed at the root, not for a request
// error.
type Response struct {
	Errors     gqlerror.List   `json:"errors,omitempty"`
	Data       json.RawMessage `json:"data,omitempty"`
	Label      string          `json:"label,omitempty"`
	Path       ast.Path        `json:"path,omitempty"`
	HasNext    *bool           `json:"hasNext,omitempty"`
	Extensions map[string]any  `json:"extensions,omitempty"`
}

// Encode marshals resp as sent.
func Encode(resp *graphql.Response) ([]byte, error) {
	return json.Marshal(Response(*resp))
}

// ErrorFunc shapes the errors a transport makes itself (the BFF adds its
// correlation id).
type ErrorFunc func(ctx context.Context, code, message string) *gqlerror.Error

// Error builds a transport-made error through shape when there is one, and
// makes sure it carries code.
func Error(shape ErrorFunc, ctx context.Context, code, message string) *gqlerror.Error {
	var e *gqlerror.Error
	if shape != nil {
		e = shape(ctx, code, message)
	}
	if e == nil {
		e = &gqlerror.Error{Message: message}
	}
	if e.Extensions == nil {
		e.Extensions = map[string]any{}
	}
	if _, ok := e.Extensions["code"]; !ok {
		e.Extensions["code"] = code
	}
	return e
}
