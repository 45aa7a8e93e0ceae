package events_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/essaylab/teacher-bff/internal/events"
)

// message is a contract batch_status_updated notification whose timestamp
// (and completed_essays) grow with i, so the hub never drops it as stale.
func message(i int) []byte {
	ts := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Millisecond).Format(time.RFC3339Nano)
	return []byte(`{"event":"batch_status_updated","data":{"batch_id":"5b0d7c1e-8f4a-4c1e-9d2b-3f6a7e8c9d01",` +
		`"status":"processing","completed_essays":` + strconv.Itoa(i%1000) + `,"failed_essays":0,` +
		`"processing_phase":"cj_assessment","completed_at":null,"category":"batch_progress","priority":"standard",` +
		`"action_required":false,"deadline":null,"class_id":"8d1f5b2a-3c4e-4f60-9a7b-1c2d3e4f5a6b",` +
		`"correlation_id":"0f1e2d3c-4b5a-4697-8877-665544332211","timestamp":"` + ts + `"}}`)
}

// BenchmarkDecode is one contract message decoded and checked.
//
//	go test ./internal/events -run '^$' -bench . -count 6
func BenchmarkDecode(b *testing.B) {
	msg := message(1)
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for b.Loop() {
		if _, ok, err := events.Decode(msg); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}

// BenchmarkFanout is one event through the in-process bus and the hub to
// every subscriber of its teacher, each of which then takes it with Next:
// decode once, offer to each subscriber, wake and drain. ns/delivery is the
// time per subscriber reached.
func BenchmarkFanout(b *testing.B) {
	for _, n := range []int{1, 10, 100, 1000} {
		b.Run(fmt.Sprintf("subscribers=%d", n), func(b *testing.B) {
			bus := events.NewMemoryBus()
			hub := events.NewHub(bus, events.HubOptions{})
			b.Cleanup(func() { hub.Close(); _ = bus.Close() })
			ctx := context.Background()
			subs := make([]*events.Subscriber, n)
			for i := range subs {
				s, err := hub.Subscribe(ctx, "teacher-1", nil)
				if err != nil {
					b.Fatal(err)
				}
				subs[i] = s
			}
			msgs := make([][]byte, 4096)
			for i := range msgs {
				msgs[i] = message(i + 1)
			}
			i, seq := 0, len(msgs)
			b.ReportAllocs()
			for b.Loop() {
				if i == len(msgs) {
					// Start over later in time, so nothing is stale.
					b.StopTimer()
					for k := range msgs {
						seq++
						msgs[k] = message(seq)
					}
					b.StartTimer()
					i = 0
				}
				if err := bus.Publish(ctx, "teacher-1", msgs[i]); err != nil {
					b.Fatal(err)
				}
				i++
				for _, s := range subs {
					if _, err := s.Next(ctx); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/delivery")
			st := hub.Stats()
			if st.Stale+st.Overflow+st.Coalesced+st.Malformed > 0 {
				b.Fatalf("events dropped: %+v", st)
			}
		})
	}
}
