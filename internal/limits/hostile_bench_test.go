package limits_test

import (
	"context"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/executor"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/essaylab/teacher-bff/graph"
	"github.com/essaylab/teacher-bff/internal/limits"
)

// hostileDocument is a generated document that attacks validation rather
// than execution: its cost is in the parts of the document the selected
// operation does not run, or in repeated selections that stay under every
// limit of one operation.
type hostileDocument struct {
	name, query, operationName string
}

// maxBodyBytes is the default body limit (BFF_MAX_BODY_BYTES): every
// generated document fits under it.
const maxBodyBytes = 1 << 20

// hostileDocuments are the kinds of document that made validation cost
// seconds, at the sizes they were found at, and their neighbours.
func hostileDocuments() []hostileDocument {
	var docs []hostileDocument
	add := func(name, operationName, query string) {
		if len(query) > maxBodyBytes {
			panic(fmt.Sprintf("%s: %d bytes is over the body limit", name, len(query)))
		}
		docs = append(docs, hostileDocument{name: name, query: query, operationName: operationName})
	}

	// 7,000 repeated fields (21 KB) in a fragment no operation uses.
	add("unused-fragment-7000-repeats", "",
		"{ viewer { id } } fragment F on Teacher { "+strings.Repeat("id ", 7000)+"}")
	// The same in an operation that is not the selected one.
	add("other-operation-7000-repeats", "A",
		"query A { viewer { id } } query B { viewer { "+strings.Repeat("id ", 7000)+"} }")
	// Nested repeated selections under every limit of one operation: 10
	// root fields, 20 repeats per selection set, depth 3, cost 4210.
	inner := "credits { " + strings.Repeat("userBalance ", 20) + "} "
	outer := "viewer { " + strings.Repeat(inner, 20) + "} "
	add("nested-repeats-under-limits", "", "{ "+strings.Repeat(outer, 10)+"}")
	// The same built from fragments: a few hundred bytes.
	add("nested-repeats-in-fragments", "",
		"{ "+strings.Repeat("viewer { ...T } ", 10)+"} "+
			"fragment T on Teacher { "+strings.Repeat("credits { ...C } ", 20)+"} "+
			"fragment C on Credits { "+strings.Repeat("userBalance ", 20)+"}")
	// Repeats within every other bound: only the pairs give them away.
	add("repeats-under-selections", "",
		"{ viewer { id } } fragment F on Teacher { "+strings.Repeat("id ", 60)+"}")
	// A chain of 1,800 fragments, each spreading the next (64 KB, under
	// the parser's token limit).
	var chain strings.Builder
	chain.WriteString("{ viewer { ...F0 } } ")
	for i := range 1800 {
		fmt.Fprintf(&chain, "fragment F%d on Teacher { ...F%d } ", i, i+1)
	}
	chain.WriteString("fragment F1800 on Teacher { id }")
	add("fragment-chain-1800", "", chain.String())
	// Fragments spreading the next one twice: 2^40 fields written out.
	var fan strings.Builder
	fan.WriteString("{ viewer { ...G0 } } ")
	for i := range 40 {
		fmt.Fprintf(&fan, "fragment G%d on Teacher { ...G%d ...G%d } ", i, i+1, i+1)
	}
	fan.WriteString("fragment G40 on Teacher { id }")
	add("fragment-fan-out-40", "", fan.String())
	// Many operations, each small and valid.
	var ops strings.Builder
	for i := range 1500 {
		fmt.Fprintf(&ops, "query Q%d { viewer { id } } ", i)
	}
	add("operations-1500", "Q0", ops.String())
	// Repeated directives and arguments in an unused fragment.
	add("unused-fragment-directives", "",
		"{ viewer { id } } fragment F on Teacher { id"+strings.Repeat(" @skip(if: false)", 2000)+" }")
	add("unused-fragment-arguments", "",
		`{ viewer { id } } fragment F on Teacher { batches(`+strings.Repeat("limit: 1, ", 4000)+`) { totalCount } }`)
	// Many variables, declared and unused.
	var vars strings.Builder
	vars.WriteString("query Q(")
	for i := range 3000 {
		fmt.Fprintf(&vars, "$v%d: Int ", i)
	}
	vars.WriteString(") { viewer { id } }")
	add("variables-3000", "", vars.String())
	return docs
}

// newExecutor is the GraphQL layer of the server over the real schema, as
// internal/server builds it, without HTTP: CreateOperationContext parses,
// checks the limits and validates, which is all a refused document costs.
func newExecutor() *executor.Executor {
	exec := executor.New(graph.NewSchema(graph.Deps{}))
	exec.SetParserTokenLimit(limits.ParserTokenLimit)
	exec.Use(extension.Introspection{})
	exec.Use(limits.New(limits.Config{}))
	return exec
}

// answer runs d through exec up to the point where it is refused or would
// run, and returns the errors it was refused with.
func answer(exec *executor.Executor, d hostileDocument) gqlerror.List {
	ctx := graphql.StartOperationTrace(context.Background())
	_, errs := exec.CreateOperationContext(ctx, &graphql.RawParams{Query: d.query, OperationName: d.operationName})
	return errs
}

// timed is how long answering d takes.
func timed(exec *executor.Executor, d hostileDocument) time.Duration {
	start := time.Now()
	answer(exec, d)
	return time.Since(start)
}

// cpuTime is the CPU the process has used, user and system: what a
// document costs the server, garbage collection included.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkHostileDocument reports the CPU one hostile document costs to
// answer or refuse (cpu-ms/op: process CPU, GC included, per document). The
// target is under 50 ms for every kind:
//
//	go test ./internal/limits -run '^$' -bench HostileDocument -benchtime 20x -count 3
func BenchmarkHostileDocument(b *testing.B) {
	exec := newExecutor()
	for _, d := range hostileDocuments() {
		b.Run(d.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(d.query)))
			refused := 0
			start := cpuTime()
			for b.Loop() {
				if len(answer(exec, d)) > 0 {
					refused++
				}
			}
			b.ReportMetric(float64(cpuTime()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
			b.ReportMetric(float64(refused)/float64(b.N), "refused/op")
		})
	}
}
