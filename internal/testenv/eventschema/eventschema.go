// Package eventschema is a small GraphQL schema whose subscription the test
// drives, for the transports' tests (WebSocket, SSE, HTTP).
package eventschema

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// Schema is the test schema. gqlgen's testexecutor has a subscription too, but all
// its subscriptions share one unbuffered channel and none can end from the
// server side, so tests could not tell two subscriptions apart, complete
// one, or see its resolver context end.
const Schema = `
	type Query { hello: String!  boom: String }
	type Mutation { noop: Boolean }
	type Subscription { events: String! }
`

// Wait bounds every wait of the tests: generous, and only reached when a
// test fails.
const Wait = 5 * time.Second

// Feed is the event source of the test schema's subscription: every
// subscription started is announced on added, and the test pushes its
// events, ends it, and watches its resolver context.
type Feed struct {
	added chan *Sub
}

// Sub is one subscription started.
type Sub struct {
	Ctx context.Context // the resolver's context
	// Events takes the subscription's events (Push sends one, bounded).
	Events chan string
	// End ends the subscription from the server's side when closed.
	End chan struct{}
}

// New returns the executable schema and the feed of its subscriptions.
// A query containing "boom" panics in the resolver.
func New() (graphql.ExecutableSchema, *Feed) {
	schema := gqlparser.MustLoadSchema(&ast.Source{Input: Schema})
	f := &Feed{added: make(chan *Sub, 64)}
	es := &graphql.ExecutableSchemaMock{
		SchemaFunc: func() *ast.Schema { return schema },
		ComplexityFunc: func(context.Context, string, string, int, map[string]any) (int, bool) {
			return 0, false
		},
		ExecFunc: func(ctx context.Context) graphql.ResponseHandler {
			op := graphql.GetOperationContext(ctx)
			switch op.Operation.Operation {
			case ast.Query:
				if strings.Contains(op.RawQuery, "boom") {
					panic("boom")
				}
				return graphql.OneShot(&graphql.Response{Data: []byte(`{"hello":"world"}`)})
			case ast.Mutation:
				return graphql.OneShot(&graphql.Response{Data: []byte(`{"noop":true}`)})
			}
			s := &Sub{Ctx: ctx, Events: make(chan string), End: make(chan struct{})}
			f.added <- s
			return func(context.Context) *graphql.Response {
				select {
				case <-ctx.Done():
					return nil
				case <-s.End:
					return nil
				case v := <-s.Events:
					data, _ := json.Marshal(map[string]string{"events": v})
					return &graphql.Response{Data: data}
				}
			}
		},
	}
	return es, f
}

// Next returns the next subscription started.
func (f *Feed) Next(t testing.TB) *Sub {
	t.Helper()
	select {
	case s := <-f.added:
		return s
	case <-time.After(Wait):
		t.Fatal("no subscription started")
		return nil
	}
}

// None checks that no other subscription was started.
func (f *Feed) None(t testing.TB) {
	t.Helper()
	if n := len(f.added); n != 0 {
		t.Fatalf("%d more subscriptions started", n)
	}
}

// Push sends the subscription's next event.
func (s *Sub) Push(t testing.TB, v string) {
	t.Helper()
	select {
	case s.Events <- v:
	case <-time.After(Wait):
		t.Fatalf("subscription took no event %q", v)
	}
}

// Cancelled waits until the resolver's context has ended.
func (s *Sub) Cancelled(t testing.TB) {
	t.Helper()
	select {
	case <-s.Ctx.Done():
	case <-time.After(Wait):
		t.Fatal("the resolver's context did not end")
	}
}
