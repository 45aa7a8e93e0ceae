package wstransport

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

// The test schema. gqlgen's testexecutor has a subscription too, but all
// its subscriptions share one unbuffered channel and none can end from the
// server side, so tests could not tell two subscriptions apart, complete
// one, or see its resolver context end.
const testSchema = `
	type Query { hello: String!  boom: String }
	type Mutation { noop: Boolean }
	type Subscription { events: String! }
`

// wait bounds every wait of the tests: generous, and only reached when a
// test fails.
const wait = 5 * time.Second

// feed is the event source of the test schema's subscription: every
// subscription started is announced on added, and the test pushes its
// events, ends it, and watches its resolver context.
type feed struct {
	added chan *sub
}

type sub struct {
	ctx    context.Context // the resolver's context
	events chan string
	end    chan struct{}
}

func newSchema() (graphql.ExecutableSchema, *feed) {
	schema := gqlparser.MustLoadSchema(&ast.Source{Input: testSchema})
	f := &feed{added: make(chan *sub, 64)}
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
			s := &sub{ctx: ctx, events: make(chan string), end: make(chan struct{})}
			f.added <- s
			return func(context.Context) *graphql.Response {
				select {
				case <-ctx.Done():
					return nil
				case <-s.end:
					return nil
				case v := <-s.events:
					data, _ := json.Marshal(map[string]string{"events": v})
					return &graphql.Response{Data: data}
				}
			}
		},
	}
	return es, f
}

// next returns the next subscription started.
func (f *feed) next(t *testing.T) *sub {
	t.Helper()
	select {
	case s := <-f.added:
		return s
	case <-time.After(wait):
		t.Fatal("no subscription started")
		return nil
	}
}

// none checks that no other subscription was started.
func (f *feed) none(t *testing.T) {
	t.Helper()
	if n := len(f.added); n != 0 {
		t.Fatalf("%d more subscriptions started", n)
	}
}

func (s *sub) push(t *testing.T, v string) {
	t.Helper()
	select {
	case s.events <- v:
	case <-time.After(wait):
		t.Fatalf("subscription took no event %q", v)
	}
}

// cancelled waits until the resolver's context has ended.
func (s *sub) cancelled(t *testing.T) {
	t.Helper()
	select {
	case <-s.ctx.Done():
	case <-time.After(wait):
		t.Fatal("the resolver's context did not end")
	}
}
