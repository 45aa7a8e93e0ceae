// Package gqlwire is the BFF's GraphQL wire layer, shared by every
// transport (GET and POST, Server-Sent Events, WebSocket, multipart/mixed):
// the negotiation of the response media type, the response as sent, and
// the one constructor of refusals (Refuse).
package gqlwire

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

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

// Encode marshals resp as sent: the members of Response, in its order
// (errors first, as the GraphQL spec suggests in §7.1 "Response Format"),
// each only when it has a value. For the compact, valid data the executor
// writes, the bytes are those json.Marshal(Response(*resp)) writes.
//
// The data are written as the executor produced them, HTML-escaped as
// encoding/json escapes (json.HTMLEscape: <, >, &, U+2028 and U+2029 as \u
// escapes), but not parsed again: encoding/json would validate and compact
// them, a pass over every byte of the result that was 4.5% of the server's
// CPU on a 90-row query (docs/BENCHMARKS.md). gqlgen writes compact, valid
// JSON by construction (its field sets, lists and built-in scalars, and the
// generated enums, which only hold their declared values); the schema has no
// scalar with a marshaller of ours (graph's TestScalarMarshallers). What
// Encode checks is the data's shape, an object or null (the spec's "Data"
// entry), so that a truncated result is refused. The other members go
// through encoding/json, whose error (say, an extension value it cannot
// encode) is returned.
func Encode(resp *graphql.Response) ([]byte, error) {
	e := envelope{}
	e.Grow(len(resp.Data) + 64)
	if err := e.result(resp, false); err != nil {
		return nil, err
	}
	return e.Bytes(), nil
}

// EncodeSubsequent marshals a later payload of incremental delivery (the
// @defer RFC as of 2022-08-24, graphql/graphql-wg rfcs/DeferStream.md,
// "Payload format"): {"incremental":[{…}],"hasNext":hasNext}, where the
// one item is resp's errors, data, label, path and extensions as Encode
// writes them, path always (the RFC requires it: a nil path is null, as
// encoding/json writes it). resp's own hasNext is not the item's: the
// caller says whether more follow. Errors are Encode's.
func EncodeSubsequent(resp *graphql.Response, hasNext bool) ([]byte, error) {
	item := *resp
	item.HasNext = nil
	e := envelope{}
	e.Grow(len(resp.Data) + 96)
	e.WriteString(`{"incremental":[`)
	if err := e.result(&item, true); err != nil {
		return nil, err
	}
	e.WriteString(`],"hasNext":`)
	e.WriteString(strconv.FormatBool(hasNext))
	e.WriteByte('}')
	return e.Bytes(), nil
}

// envelope is a response being written; inObject tells key whether a member
// precedes in the current object; err is the first member encoding/json
// could not encode.
type envelope struct {
	bytes.Buffer
	inObject bool
	err      error
}

// result writes resp as an object, the members of Response in its order,
// each only when it has a value (path always when withPath is set), the
// data copied HTML-escaped rather than parsed (Encode says why).
func (e *envelope) result(resp *graphql.Response, withPath bool) error {
	if len(resp.Data) > 0 && !objectOrNull(resp.Data) {
		return fmt.Errorf("gqlwire: the data are not a JSON object or null: %.40q", resp.Data)
	}
	e.WriteByte('{')
	e.inObject = false
	if len(resp.Errors) > 0 {
		e.member("errors", resp.Errors)
	}
	if len(resp.Data) > 0 {
		e.key("data")
		json.HTMLEscape(&e.Buffer, resp.Data)
	}
	if resp.Label != "" {
		e.member("label", resp.Label)
	}
	if withPath || len(resp.Path) > 0 {
		e.member("path", resp.Path)
	}
	if resp.HasNext != nil {
		e.key("hasNext")
		e.WriteString(strconv.FormatBool(*resp.HasNext))
	}
	if len(resp.Extensions) > 0 {
		e.member("extensions", resp.Extensions)
	}
	if e.err != nil {
		return e.err
	}
	e.WriteByte('}')
	return nil
}

// key writes "name": after a comma when a member precedes it (name is one
// of Response's keys, which need no escaping).
func (e *envelope) key(name string) {
	if e.inObject {
		e.WriteByte(',')
	}
	e.inObject = true
	e.WriteByte('"')
	e.WriteString(name)
	e.WriteString(`":`)
}

// member writes the member name with value v as encoding/json encodes it.
func (e *envelope) member(name string, v any) {
	if e.err != nil {
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		e.err = fmt.Errorf("gqlwire: encoding the response's %s: %w", name, err)
		return
	}
	e.key(name)
	e.Write(b)
}

// objectOrNull reports whether data, which the executor wrote compact, has
// the shape of a JSON object or null: its first and last bytes.
func objectOrNull(data []byte) bool {
	return (data[0] == '{' && data[len(data)-1] == '}') || string(data) == "null"
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
// by Accept. A response Encode refuses (data that are not an object or null,
// such as a truncated result; an extension value encoding/json cannot
// encode) becomes a 500 with a GraphQL error rather than a panic or a
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
