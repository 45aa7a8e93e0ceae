package graph_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/executor"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/essaylab/teacher-bff/graph"
	"github.com/essaylab/teacher-bff/internal/auth"
	"github.com/essaylab/teacher-bff/internal/bench"
	"github.com/essaylab/teacher-bff/internal/cms"
	"github.com/essaylab/teacher-bff/internal/devstack"
	"github.com/essaylab/teacher-bff/internal/entitlements"
	"github.com/essaylab/teacher-bff/internal/loaders"
	"github.com/essaylab/teacher-bff/internal/operations"
	"github.com/essaylab/teacher-bff/internal/ras"
	"github.com/essaylab/teacher-bff/internal/testenv"
	"github.com/essaylab/teacher-bff/internal/upstream"
)

// BenchmarkExecute runs each contract query through gqlgen's executor (no
// HTTP server in front) over the reference upstreams on loopback, without
// added latency, with the loaders batched and switched off:
//
//	go test ./graph -run '^$' -bench Execute -count 6 | tee new.txt
//	go run golang.org/x/perf/cmd/benchstat@latest new.txt
//
// The upstream calls per operation are reported as ras-calls/op,
// cms-calls/op and entitlements-calls/op. The CMS client is the plain one:
// the class-info cache app.New puts in front of it is left out, so every
// operation shows the calls its batching makes.
func BenchmarkExecute(b *testing.B) {
	stack, err := devstack.Start(devstack.Options{Now: time.Date(2025, 12, 10, 10, 0, 0, 0, time.UTC), Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = stack.Close() })
	up := func(url string) upstream.Config {
		return upstream.Config{BaseURL: url, APIKey: devstack.DefaultAPIKey, ServiceID: "bff-bench", Timeout: 5 * time.Second}
	}
	rasClient, err1 := ras.New(up(stack.RAS.URL))
	cmsClient, err2 := cms.New(up(stack.CMS.URL))
	entClient, err3 := entitlements.New(up(stack.Entitlements.URL))
	for _, err := range []error{err1, err2, err3} {
		if err != nil {
			b.Fatal(err)
		}
	}
	b.Cleanup(func() { rasClient.Close(); cmsClient.Close(); entClient.Close() })

	schema := graph.NewSchema(graph.Deps{RAS: rasClient, Credits: entClient})
	list, err := operations.Load(schema.Schema(), filepath.Join("..", "testdata", "operations"))
	if err != nil {
		b.Fatal(err)
	}
	docs := map[string]string{}
	for _, op := range list {
		docs[op.Name] = op.Document
	}
	detail := ""
	for _, id := range stack.Store.BatchIDs(devstack.TeacherWithOrg) {
		if bt, _ := stack.Store.Batch(id); len(bt.Essays) > 20 {
			detail = id
			break
		}
	}

	cases := []struct {
		op    string
		pages int // what the server counts for the operation's loaders
		vars  map[string]any
	}{
		{"TeacherDashboard", 1, map[string]any{"limit": 20}},
		{"DashboardSections", 3, nil},
		{"BatchDetail", 0, map[string]any{"id": detail}},
	}
	for _, c := range cases {
		for _, disabled := range []bool{false, true} {
			name := fmt.Sprintf("op=%s/loaders=batched", c.op)
			if disabled {
				name = fmt.Sprintf("op=%s/loaders=off", c.op)
			}
			b.Run(name, func(b *testing.B) {
				factory := loaders.NewFactory(cmsClient, rasClient, entClient, loaders.Config{Disabled: disabled})
				exec := executor.New(schema)
				exec.SetQueryCache(lru.New[*ast.QueryDocument](100))
				exec.AroundResponses(func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
					return next(loaders.With(ctx, factory.New(c.pages)))
				})
				ctx := auth.WithTeacher(context.Background(), auth.Teacher{ID: devstack.TeacherWithOrg})
				run := func() {
					octx := graphql.StartOperationTrace(ctx)
					oc, errs := exec.CreateOperationContext(octx, &graphql.RawParams{
						Query: docs[c.op], OperationName: c.op, Variables: c.vars,
					})
					if errs != nil {
						b.Fatal(errs)
					}
					handle, rctx := exec.DispatchOperation(octx, oc)
					if resp := handle(rctx); len(resp.Errors) > 0 {
						b.Fatal(resp.Errors)
					}
				}
				run() // connections and the query cache warm
				for _, s := range stack.Services() {
					s.ResetCounts()
				}
				b.ReportAllocs()
				b.ResetTimer()
				cpu := bench.CPUTime()
				for b.Loop() {
					run()
				}
				b.StopTimer()
				b.ReportMetric(float64((bench.CPUTime()-cpu).Microseconds())/float64(b.N), "cpu-µs/op")
				testenv.ReportCalls(b, stack)
			})
		}
	}
}
