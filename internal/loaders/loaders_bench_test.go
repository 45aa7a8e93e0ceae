package loaders_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/essaylab/teacher-bff/internal/cms"
	"github.com/essaylab/teacher-bff/internal/entitlements"
	"github.com/essaylab/teacher-bff/internal/loaders"
	"github.com/essaylab/teacher-bff/internal/ras"
)

// memorySources answer from memory at once and count their calls, so the
// benchmarks measure the loaders' own work: collecting keys, the page gate,
// chunking, mapping answers back by key.
type memorySources struct {
	classes, validations, batches, balances atomic.Int64
}

func (m *memorySources) ClassInfo(_ context.Context, ids []string) (map[string]*cms.ClassInfo, error) {
	m.classes.Add(1)
	out := make(map[string]*cms.ClassInfo, len(ids))
	for _, id := range ids {
		out[id] = &cms.ClassInfo{ClassID: "c-" + id, ClassName: "SA22B"}
	}
	return out, nil
}

func (m *memorySources) ValidationStatus(_ context.Context, ids []string) (map[string]*cms.ValidationStatus, error) {
	m.validations.Add(1)
	out := make(map[string]*cms.ValidationStatus, len(ids))
	for _, id := range ids {
		out[id] = &cms.ValidationStatus{BatchID: id, TotalAssociations: 24, ConfirmedAssociations: 20}
	}
	return out, nil
}

func (m *memorySources) GetBatch(_ context.Context, id string) (*ras.Batch, error) {
	m.batches.Add(1)
	return &ras.Batch{ID: id}, nil
}

func (m *memorySources) Balance(context.Context, string) (entitlements.Balance, error) {
	m.balances.Add(1)
	return entitlements.Balance{UserBalance: 847}, nil
}

// BenchmarkPages is DashboardSections' shape without GraphQL: three pages
// (50, 20 and 20 batches) report to the gate concurrently, then every batch
// asks for its class and its validation in a goroutine of its own, as
// gqlgen's resolvers do. Reported: cms-calls/op (2 when batched: one per
// lookup).
//
//	go test ./internal/loaders -run '^$' -bench Pages -count 6
func BenchmarkPages(b *testing.B) {
	pages := [][]string{ids("p", 50), ids("f", 20), ids("d", 20)}
	for _, disabled := range []bool{false, true} {
		name := "loaders=batched"
		if disabled {
			name = "loaders=off"
		}
		b.Run(name, func(b *testing.B) {
			src := &memorySources{}
			f := loaders.NewFactory(src, src, src, loaders.Config{Disabled: disabled})
			b.ReportAllocs()
			for b.Loop() {
				ctx := loaders.With(context.Background(), f.New(len(pages)))
				var wg sync.WaitGroup
				for _, page := range pages {
					wg.Add(1)
					go func() {
						defer wg.Done()
						loaders.PageLoaded(ctx, page)
						var rows sync.WaitGroup
						for _, id := range page {
							rows.Add(2)
							go func() {
								defer rows.Done()
								if c, err := loaders.Class(ctx, id); err != nil || c == nil {
									b.Error("class", id, err)
								}
							}()
							go func() {
								defer rows.Done()
								if v, err := loaders.Validation(ctx, id); err != nil || v == nil {
									b.Error("validation", id, err)
								}
							}()
						}
						rows.Wait()
					}()
				}
				wg.Wait()
			}
			b.ReportMetric(float64(src.classes.Load()+src.validations.Load())/float64(b.N), "cms-calls/op")
		})
	}
}

// BenchmarkKeys is keys that arrive one at a time (a subscription event's
// class and validation, essays of list rows): each Load waits out the
// loader's window (default 1ms) before its call goes out. The time per op is
// that floor. (batch(id) does not wait: it is dispatched at once.)
func BenchmarkKeys(b *testing.B) {
	for _, n := range []int{1, 10} {
		b.Run(fmt.Sprintf("keys=%d", n), func(b *testing.B) {
			src := &memorySources{}
			f := loaders.NewFactory(src, src, src, loaders.Config{})
			keys := ids("k", n)
			b.ReportAllocs()
			for b.Loop() {
				ctx := loaders.With(context.Background(), f.New(0))
				var wg sync.WaitGroup
				for _, id := range keys {
					wg.Add(1)
					go func() {
						defer wg.Done()
						if _, err := loaders.Class(ctx, id); err != nil {
							b.Error(err)
						}
					}()
				}
				wg.Wait()
			}
			b.ReportMetric(float64(src.classes.Load())/float64(b.N), "cms-calls/op")
		})
	}
}

func ids(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s-%08d-0000-4000-8000-000000000000", prefix, i)
	}
	return out
}
