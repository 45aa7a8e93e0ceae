// Package gqlwire is the BFF's GraphQL wire layer, shared by every
// transport (GET and POST, Server-Sent Events, WebSocket, multipart/mixed):
// the negotiation of the response media type, the response as sent, and
// the one constructor of refusals (Refuse).
package gqlwire

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/essaylab/teacher-bff/internal/gqlerr"
)

// Response is graphql.Response as sent: data is left out when the executor
// produced none. graphql.Response would send "data": null, which the GraphQL
// spec reserves for an execution that failed at the root, not for a request
// error (GraphQL-over-HTTP, "Request error": the response MUST NOT contain
// data).
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

// Refusal is a request refused before it reached the executor: it is
// answered with Status and a single error of Code. Its message is written
// for the client and never quotes the request beyond a few characters.
type Refusal struct {
	Status  int
	Code    gqlerr.Code
	Message string
}

func (e *Refusal) Error() string { return e.Message }

// Refuse returns a refusal of code with the code's HTTP status.
func Refuse(code gqlerr.Code, format string, args ...any) *Refusal {
	return &Refusal{Status: code.Status(), Code: code, Message: fmt.Sprintf(format, args...)}
}

// WriteRefusal answers r with e: its status, one error with its code and
// the request's correlation id, no data key, as the JSON media type r
// accepts (application/json when it accepts neither: a 406 or a refused
// event stream still needs a body the client can read). Headers the
// refusal needs (Allow, WWW-Authenticate, Retry-After) are the caller's.
func WriteRefusal(w http.ResponseWriter, r *http.Request, e *Refusal) {
	if observe, ok := r.Context().Value(refusalObserverKey{}).(func(gqlerr.Code)); ok {
		observe(e.Code)
	}
	media, ok := Negotiate(r, JSONTypes...)
	if !ok {
		media = MediaJSON
	}
	status := e.Status
	if status == 0 {
		status = e.Code.Status()
	}
	Write(w, r, media, status, &graphql.Response{
		Errors: gqlerror.List{gqlerr.New(r.Context(), e.Code, e.Message)},
	})
}

type refusalObserverKey struct{}

// ObserveRefusals returns ctx with observe told the code of every refusal
// WriteRefusal answers a request of ctx with (metrics count them by code:
// they never reach the executor, which counts the others).
func ObserveRefusals(ctx context.Context, observe func(gqlerr.Code)) context.Context {
	return context.WithValue(ctx, refusalObserverKey{}, observe)
}

// Write sends resp as media (a JSON type) with status, uncached and varying
// by Accept. A response that cannot be encoded (say, invalid raw data from a
// resolver) becomes a 500 with a GraphQL error rather than a panic or a
// half-written body.
func Write(w http.ResponseWriter, r *http.Request, media string, status int, resp *graphql.Response) {
	body, err := Encode(resp)
	if err != nil {
		status = http.StatusInternalServerError
		e := gqlerr.New(r.Context(), gqlerr.CodeInternal, "the result could not be encoded")
		body, _ = json.Marshal(Response{Errors: gqlerror.List{e}})
	}
	h := w.Header()
	h.Set("Content-Type", media+"; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	if !varies(h) {
		h.Add("Vary", "Accept")
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func varies(h http.Header) bool {
	for _, v := range h.Values("Vary") {
		if v == "Accept" {
			return true
		}
	}
	return false
}
