package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/essaylab/teacher-bff/internal/bench"
	"github.com/essaylab/teacher-bff/internal/devstack"
	"github.com/essaylab/teacher-bff/internal/events"
	"github.com/essaylab/teacher-bff/internal/loaders"
	"github.com/essaylab/teacher-bff/internal/testenv"
)

// BenchmarkHTTP posts each contract query to the whole BFF (app.New, the
// wiring cmd/bff runs, on an httptest server) over the reference upstreams
// without added latency, batched and with batching switched off. The BFF's
// class-info cache and call sharing are in place, so the calls per operation
// (ras-calls/op, cms-calls/op, entitlements-calls/op) are those of repeated
// requests of one teacher:
//
//	go test ./internal/app -run '^$' -bench HTTP -count 6 | tee new.txt
func BenchmarkHTTP(b *testing.B) {
	for _, disabled := range []bool{false, true} {
		env := testenv.Start(b, func(c *configT, o *optionsT) {
			c.RateLimit = 0 // one teacher sends far more than 600 a minute here
			o.Loaders = loaders.Config{Disabled: disabled}
		})
		token := env.Token(b, devstack.TeacherWithOrg)
		detail := ""
		for _, id := range env.Stack.Store.BatchIDs(devstack.TeacherWithOrg) {
			if bt, _ := env.Stack.Store.Batch(id); len(bt.Essays) > 20 {
				detail = id
				break
			}
		}
		for _, c := range []struct {
			op   string
			vars map[string]any
		}{
			{"TeacherDashboard", map[string]any{"limit": 20}},
			{"DashboardSections", nil},
			{"BatchDetail", map[string]any{"id": detail}},
		} {
			mode := "batched"
			if disabled {
				mode = "off"
			}
			b.Run(fmt.Sprintf("op=%s/loaders=%s", c.op, mode), func(b *testing.B) {
				body, err := json.Marshal(map[string]any{"query": testenv.Operation(b, c.op), "operationName": c.op, "variables": c.vars})
				if err != nil {
					b.Fatal(err)
				}
				client := env.Server.Client()
				post := func() {
					req, _ := http.NewRequest(http.MethodPost, env.Server.URL+"/graphql", bytes.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Authorization", "Bearer "+token)
					resp, err := client.Do(req)
					if err != nil {
						b.Fatal(err)
					}
					answer, err := io.ReadAll(resp.Body)
					resp.Body.Close()
					if err != nil || resp.StatusCode != http.StatusOK || bytes.Contains(answer, []byte(`"errors"`)) {
						b.Fatalf("%s: %v %.300s", resp.Status, err, answer)
					}
				}
				post()
				env.ResetCounts()
				b.ReportAllocs()
				b.ResetTimer()
				cpu := bench.CPUTime()
				for b.Loop() {
					post()
				}
				b.StopTimer()
				b.ReportMetric(float64((bench.CPUTime()-cpu).Microseconds())/float64(b.N), "cpu-µs/op")
				testenv.ReportCalls(b, env.Stack)
			})
		}
	}
}

// BenchmarkLiveUpdate is one live update end to end: an event published on
// the in-process bus, through the hub, the subscription's RAS and CMS
// lookups and gqlgen, to the BatchUpdates frame a graphql-transport-ws
// client reads. Each event is about the same batch, so the batch's base
// state comes from the 2s cache after the first.
func BenchmarkLiveUpdate(b *testing.B) {
	bus := events.NewMemoryBus()
	env := testenv.Start(b, testenv.WithBus(bus))
	var batchID string
	for _, id := range env.Stack.Store.BatchIDs(devstack.TeacherWithOrg) {
		if bt, _ := env.Stack.Store.Batch(id); bt.Status == devstack.StatusProcessingPipelines {
			batchID = id
			break
		}
	}
	ws := env.DialWS(b, "graphql-transport-ws", nil)
	ws.Init(map[string]any{"Authorization": "Bearer " + env.Token(b, devstack.TeacherWithOrg)})
	ws.Subscribe("subscribe", "1", testenv.Operation(b, "BatchUpdates"), map[string]any{"batchIds": []string{batchID}})
	for deadline := time.Now().Add(5 * time.Second); env.App.Hub.Stats().Subscribers == 0; {
		if time.Now().After(deadline) {
			b.Fatal("the subscription did not start")
		}
		time.Sleep(time.Millisecond)
	}

	ctx := context.Background()
	phase := devstack.PhaseCJAssessment
	i := 0
	event := func() {
		i++
		msg, err := json.Marshal(devstack.Notification{Event: devstack.EventBatchStatusUpdated, Data: devstack.BatchStatusUpdated{
			BatchID: batchID, Status: "processing", CompletedEssays: i, ProcessingPhase: &phase,
			Category: "batch_progress", Priority: "standard", CorrelationID: fmt.Sprint("bench-", i),
			Timestamp: time.Now().UTC(),
		}})
		if err != nil {
			b.Fatal(err)
		}
		if err := bus.Publish(ctx, devstack.TeacherWithOrg, msg); err != nil {
			b.Fatal(err)
		}
		m := ws.Expect("next")
		if !bytes.Contains(m.Payload, fmt.Appendf(nil, `"completedEssays":%d`, i)) {
			b.Fatalf("frame of another event: %s", m.Payload)
		}
	}
	event()
	env.ResetCounts()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		event()
	}
	b.StopTimer()
	testenv.ReportCalls(b, env.Stack)
}
