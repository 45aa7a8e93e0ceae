package gqlhttp

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// tinySDL is the schema the tests serve. gqlgen's testexecutor answers
// {"name":"test"} whatever the query asks, so it cannot show field errors,
// results without data or the graphql-http audit's __typename and __type
// queries answered for real; tinySchema resolves what is asked.
const tinySDL = `
type Query {
  hello: String!
  "Always null, with a field error at its path."
  fail: String
  echo(n: Int!): Int!
  "Makes the whole result an error without data, as an operation middleware refusing the operation would."
  refuse: String
  "Makes the result's data invalid JSON."
  broken: String
}
type Mutation { bump(by: Int): Int! }
type Subscription { tick: Int! }
`

// tinySchema resolves the root fields of tinySDL, plus __typename and a
// __type that only knows names.
func tinySchema() graphql.ExecutableSchema {
	schema := gqlparser.MustLoadSchema(&ast.Source{Name: "tiny.graphqls", Input: tinySDL})
	return &graphql.ExecutableSchemaMock{
		SchemaFunc: func() *ast.Schema { return schema },
		ComplexityFunc: func(context.Context, string, string, int, map[string]any) (int, bool) {
			return 1, true
		},
		ExecFunc: func(ctx context.Context) graphql.ResponseHandler {
			rc := graphql.GetOperationContext(ctx)
			if rc.Operation.Operation == ast.Subscription {
				// Like a real subscription: nothing until an event, and
				// none comes. The transport must never get here.
				return func(ctx context.Context) *graphql.Response {
					<-ctx.Done()
					return nil
				}
			}
			done := false
			return func(ctx context.Context) *graphql.Response {
				if done {
					return nil
				}
				done = true
				return resolveRoot(ctx, schema, rc)
			}
		},
	}
}

func resolveRoot(ctx context.Context, schema *ast.Schema, rc *graphql.OperationContext) *graphql.Response {
	typename := "Query"
	if rc.Operation.Operation == ast.Mutation {
		typename = "Mutation"
	}
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, f := range graphql.CollectFields(rc, rc.Operation.SelectionSet, []string{typename}) {
		var v any
		switch f.Name {
		case "__typename":
			v = typename
		case "hello":
			v = "world"
		case "bump":
			v = 1
		case "echo":
			v = f.ArgumentMap(rc.Variables)["n"]
		case "__type":
			if name, _ := f.ArgumentMap(rc.Variables)["name"].(string); schema.Types[name] != nil {
				v = map[string]string{"name": name}
			}
		case "fail":
			graphql.AddError(ctx, &gqlerror.Error{Message: "fail always fails", Path: ast.Path{ast.PathName(f.Alias)}})
		case "refuse":
			return &graphql.Response{Errors: gqlerror.List{{
				Message:    "refused",
				Extensions: map[string]any{"code": "FORBIDDEN"},
			}}}
		case "broken":
			return &graphql.Response{Data: json.RawMessage(`{"broken":`)}
		}
		if i > 0 {
			buf.WriteByte(',')
		}
		key, _ := json.Marshal(f.Alias)
		val, _ := json.Marshal(v)
		buf.Write(key)
		buf.WriteByte(':')
		buf.Write(val)
	}
	buf.WriteByte('}')
	return &graphql.Response{Data: buf.Bytes()}
}

// newServer starts a real HTTP server hosting gqlgen's handler with only
// this transport, on es (tinySchema when nil).
func newServer(t testing.TB, opts Options, es graphql.ExecutableSchema, exts ...graphql.HandlerExtension) *httptest.Server {
	t.Helper()
	if es == nil {
		es = tinySchema()
	}
	h := handler.New(es)
	h.AddTransport(Transport{Options: opts})
	for _, ext := range exts {
		h.Use(ext)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}
