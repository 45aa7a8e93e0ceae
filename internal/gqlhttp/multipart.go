package gqlhttp

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/essaylab/teacher-bff/internal/gqlerr"
	"github.com/essaylab/teacher-bff/internal/gqlwire"
)

// boundary separates the parts of a multipart/mixed answer.
const boundary = "graphql"

// multipartType is the Content-Type of a multipart/mixed answer: the
// incremental-delivery format of the @defer proposal as of 2022-08-24
// (graphql/graphql-wg rfcs/DeferStream.md at that date, the version Apollo
// Client 3.x and 4.x ask for with `Accept: multipart/mixed;deferSpec=20220824`
// and urql reads), over the multipart framing of graphql-over-http's
// rfcs/IncrementalDelivery.md.
const multipartType = `multipart/mixed; boundary="` + boundary + `"; deferSpec=20220824`

// serveMultipart runs the operation of rc and sends its results as the parts
// of a multipart/mixed answer, each flushed as it comes, the close delimiter
// with the end of the body:
//
//	\r\n--graphql\r\nContent-Type: application/json; charset=utf-8\r\n\r\n
//	{"data":{…},"hasNext":true}
//	\r\n--graphql\r\nContent-Type: application/json; charset=utf-8\r\n\r\n
//	{"incremental":[{"data":{…},"path":["viewer"],"label":"credits"}],"hasNext":false}
//	\r\n--graphql--\r\n
//
// The first part is the initial result (gqlwire.Encode); each later one
// carries one deferred fragment's data (or its errors) at its path, under
// incremental (gqlwire.EncodeSubsequent). An
// operation without @defer is one part with hasNext false. A client that goes
// away ends the operation (its resolvers' context is the request's).
func serveMultipart(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor, rc *graphql.OperationContext) {
	responses, ctx := exec.DispatchOperation(r.Context(), rc)
	first := responses(ctx)
	if first == nil {
		gqlwire.WriteRefusal(w, r, gqlwire.Refuse(gqlerr.CodeInternal, "the operation produced no result"))
		return
	}
	h := w.Header()
	h.Set("Content-Type", multipartType)
	h.Set("Cache-Control", "no-store")
	h.Add("Vary", "Accept")
	w.WriteHeader(http.StatusOK)
	flush := http.NewResponseController(w)

	part := func(body []byte, err error) bool {
		if err != nil {
			e := gqlerr.New(r.Context(), gqlerr.CodeInternal, "the result could not be encoded")
			body, _ = json.Marshal(gqlwire.Response{Errors: gqlerror.List{e}})
		}
		if _, err := fmt.Fprintf(w, "\r\n--%s\r\nContent-Type: application/json; charset=utf-8\r\n\r\n%s", boundary, body); err != nil {
			return false
		}
		return flush.Flush() == nil
	}
	more := first.HasNext != nil && *first.HasNext
	if first.HasNext == nil {
		first.HasNext = &more // false: a client reading parts knows it is the last
	}
	if !part(gqlwire.Encode(first)) {
		return
	}
	for more {
		resp := responses(ctx)
		if resp == nil {
			break
		}
		more = resp.HasNext != nil && *resp.HasNext
		if !part(gqlwire.EncodeSubsequent(resp, more)) {
			return
		}
	}
	// The close delimiter is not flushed: net/http sends it when the
	// handler returns, in one write with the end of the chunked body (or
	// in HTTP/2's last DATA frame, with END_STREAM). A client learns that
	// the last part is whole only from the delimiter after it; urql then
	// stops reading and aborts its fetch, and an abort that comes before
	// the end of the body fails the body's stream with an AbortError
	// nobody catches. Arriving together, the body has ended first.
	_, _ = fmt.Fprintf(w, "\r\n--%s--\r\n", boundary)
}

// deferred reports whether the operation of rc has a @defer that applies
// (its `if` is not false), in its selections or the fragments they spread.
func deferred(rc *graphql.OperationContext) bool {
	seen := map[string]bool{}
	var walk func(ast.SelectionSet) bool
	walk = func(set ast.SelectionSet) bool {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				if walk(s.SelectionSet) {
					return true
				}
			case *ast.InlineFragment:
				if defers(s.Directives, rc.Variables) || walk(s.SelectionSet) {
					return true
				}
			case *ast.FragmentSpread:
				if defers(s.Directives, rc.Variables) {
					return true
				}
				if seen[s.Name] {
					continue
				}
				seen[s.Name] = true
				if f := rc.Doc.Fragments.ForName(s.Name); f != nil && walk(f.SelectionSet) {
					return true
				}
			}
		}
		return false
	}
	return walk(rc.Operation.SelectionSet)
}

func defers(dirs ast.DirectiveList, vars map[string]any) bool {
	d := dirs.ForName("defer")
	if d == nil {
		return false
	}
	if arg := d.Arguments.ForName("if"); arg != nil {
		if v, err := arg.Value.Value(vars); err == nil && v == false {
			return false
		}
	}
	return true
}
