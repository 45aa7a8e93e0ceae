package devstack

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/events"
)

var _ events.Publisher = (*recorder)(nil)

type wireEvent struct {
	Event string          `json:"event"`
	Data  json.RawMessage `json:"data"`
}

type wireStatusUpdate struct {
	BatchID         *string    `json:"batch_id"`
	Status          string     `json:"status"`
	CompletedEssays int        `json:"completed_essays"`
	FailedEssays    int        `json:"failed_essays"`
	ProcessingPhase *string    `json:"processing_phase"`
	CompletedAt     *time.Time `json:"completed_at"`
	Category        string     `json:"category"`
	Priority        string     `json:"priority"`
	ActionRequired  bool       `json:"action_required"`
	Deadline        *time.Time `json:"deadline"`
	ClassID         *string    `json:"class_id"`
	CorrelationID   string     `json:"correlation_id"`
	Timestamp       time.Time  `json:"timestamp"`
}

// TestSimulatorEventsMatchRAS drives the simulator step by step and checks
// every batch_status_updated event against what RAS and CMS answer right
// after it, the way a BFF that refetches on an event would see them.
func TestSimulatorEventsMatchRAS(t *testing.T) {
	st := startStack(t, Options{})
	c := newCaller(t)
	rec := &recorder{}
	sim := NewSimulator(st.Store, rec, SimulatorOptions{Interval: 30 * time.Second, BatchesPerTick: 6, NewBatchChance: 0.3})

	lastSeen := map[string]time.Time{}
	seen := map[string]int{}
	for step := range 300 {
		require.NoError(t, sim.Step(t.Context()))
		for _, p := range rec.take() {
			var ev wireEvent
			require.NoError(t, json.Unmarshal(p.msg, &ev))
			seen[ev.Event]++
			if ev.Event != EventBatchStatusUpdated {
				continue
			}
			var data wireStatusUpdate
			require.NoError(t, json.Unmarshal(ev.Data, &data))
			require.NotNil(t, data.BatchID)
			id := *data.BatchID

			var b wireBatch
			c.getJSON(statusURL(st, id), http.StatusOK, &b)
			require.Equal(t, b.UserID, p.userID, "published on the owner's channel")
			assert.Equal(t, clientStatus(b.OverallStatus), data.Status, "step %d batch %s", step, id)
			assert.Equal(t, b.CompletedEssayCount, data.CompletedEssays)
			assert.Equal(t, b.FailedEssayCount, data.FailedEssays)
			assert.Equal(t, b.ProcessingCompletedAt, data.CompletedAt)
			assert.Equal(t, b.LastUpdated, data.Timestamp)
			if b.OverallStatus == StatusProcessingPipelines {
				assert.Equal(t, b.CurrentPhase, data.ProcessingPhase)
			} else {
				assert.Nil(t, data.ProcessingPhase, "no phase outside processing_pipelines")
			}
			var class map[string]*wireClass
			c.getJSON(classInfoURL(st, id), http.StatusOK, &class)
			if class[id] == nil {
				assert.Nil(t, data.ClassID)
			} else {
				assert.Equal(t, &class[id].ClassID, data.ClassID)
			}
			assert.True(t, isUUID(data.CorrelationID))
			if prev, ok := lastSeen[id]; ok {
				assert.True(t, data.Timestamp.After(prev), "timestamps of %s increase", id)
			}
			lastSeen[id] = data.Timestamp
			seen["status:"+data.Status]++
			if data.ProcessingPhase != nil {
				seen["phase:"+*data.ProcessingPhase]++
			}
			if data.ActionRequired {
				seen["action"]++
			}
		}
	}
	for _, want := range []string{
		EventBatchStatusUpdated, EventFileUploaded,
		"status:pending_content", "status:ready", "status:processing",
		"status:completed_successfully", "status:completed_with_failures",
		"phase:spellcheck", "phase:cj_assessment", "action",
	} {
		assert.Positive(t, seen[want], "the simulation produced %q", want)
	}
	assert.Greater(t, len(st.Store.BatchIDs(TeacherWithOrg))+len(st.Store.BatchIDs(TeacherWithoutOrg))+
		len(st.Store.BatchIDs(TeacherColleague)), 119+34+27, "new batches appeared")
}

func TestSimulatorPublishesOnlyChanges(t *testing.T) {
	st := startStack(t, Options{})
	rec := &recorder{}
	sim := NewSimulator(st.Store, rec, SimulatorOptions{NewBatchChance: -1, BatchesPerTick: 10})
	type state struct {
		status, phase string
		completed     int
		failed, total int
	}
	current := func() map[string]state {
		m := map[string]state{}
		for _, user := range []string{TeacherWithOrg, TeacherWithoutOrg, TeacherColleague} {
			for _, id := range st.Store.BatchIDs(user) {
				b, _ := st.Store.Batch(id)
				m[id] = state{b.Status, b.CurrentPhase(), b.CompletedEssays(), b.FailedEssays(), len(b.Essays)}
			}
		}
		return m
	}
	for range 50 {
		before := current()
		require.NoError(t, sim.Step(t.Context()))
		after := current()
		published := map[string]int{}
		for _, p := range rec.take() {
			var ev struct {
				Event string
				Data  struct {
					BatchID string `json:"batch_id"`
				}
			}
			require.NoError(t, json.Unmarshal(p.msg, &ev))
			if ev.Event == EventBatchStatusUpdated {
				published[ev.Data.BatchID]++
			}
		}
		for id, s := range after {
			if s != before[id] {
				assert.Equal(t, 1, published[id], "one event for changed batch %s", id)
			} else {
				assert.Zero(t, published[id], "no event for unchanged batch %s", id)
			}
		}
	}
}

func TestSimulatorDeterministic(t *testing.T) {
	run := func() [][]byte {
		store := NewStore(Options{Now: testNow, Seed: 5})
		rec := &recorder{}
		sim := NewSimulator(store, rec, SimulatorOptions{})
		for range 80 {
			require.NoError(t, sim.Step(t.Context()))
		}
		var out [][]byte
		for _, p := range rec.take() {
			out = append(out, append([]byte(p.userID+" "), p.msg...))
		}
		return out
	}
	first := run()
	require.NotEmpty(t, first)
	assert.Equal(t, first, run())
}

func TestSimulatorPublishFailure(t *testing.T) {
	store := NewStore(Options{Now: testNow, Seed: 1})
	boom := errors.New("redis down")
	sim := NewSimulator(store, &recorder{err: boom}, SimulatorOptions{BatchesPerTick: 20})
	before := store.BatchIDs(TeacherWithOrg)
	var err error
	for range 5 {
		if err = sim.Step(t.Context()); err != nil {
			break
		}
	}
	require.ErrorIs(t, err, boom)
	assert.Contains(t, err.Error(), "ws:teacher-")
	changed := 0
	for _, id := range before {
		if b, _ := store.Batch(id); b.LastUpdated.After(testNow) {
			changed++
		}
	}
	assert.Positive(t, changed, "the store moved on although publishing failed")
}

func TestSimulatorRun(t *testing.T) {
	store := NewStore(Options{Now: testNow, Seed: 1})
	rec := &recorder{}
	sim := NewSimulator(store, rec, SimulatorOptions{Interval: 5 * time.Millisecond, BatchesPerTick: 10})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- sim.Run(ctx) }()
	require.Eventually(t, func() bool {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		return len(rec.msgs) >= 5
	}, 5*time.Second, 5*time.Millisecond)
	cancel()
	require.NoError(t, <-done)
}

// TestRedisPublisher runs the simulator against a real Redis when one is
// installed: the BFF subscribes to exactly these channels and messages.
func TestRedisPublisher(t *testing.T) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server not installed")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().(*net.TCPAddr)
	require.NoError(t, ln.Close())
	cmd := exec.Command(bin, "--port", strconv.Itoa(addr.Port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})

	client := redis.NewClient(&redis.Options{Addr: addr.String()})
	t.Cleanup(func() { _ = client.Close() })
	require.Eventually(t, func() bool { return client.Ping(t.Context()).Err() == nil }, 5*time.Second, 20*time.Millisecond)
	sub := client.Subscribe(t.Context(), events.Channel(TeacherWithOrg))
	t.Cleanup(func() { _ = sub.Close() })
	_, err = sub.Receive(t.Context()) // the subscription confirmation
	require.NoError(t, err)

	store := NewStore(Options{Now: testNow, Seed: 1})
	id := store.BatchIDs(TeacherWithOrg)[0]
	require.NoError(t, store.PublishStatus(t.Context(), events.NewRedisPublisher(client), id))
	want, err := store.StatusEvent(id)
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	msg, err := sub.ReceiveMessage(ctx)
	require.NoError(t, err)
	assert.Equal(t, "ws:"+TeacherWithOrg, msg.Channel)
	assert.Equal(t, string(want), msg.Payload)
}

// What the dashboard's second version shows, the simulator keeps making
// over a demo of a few minutes: uploads at the top of a teacher's list,
// batches whose student matches await confirmation with a deadline, and
// new failures.
func TestSimulatorFeedsTheDashboard(t *testing.T) {
	store := NewStore(Options{Now: testNow, Seed: 3})
	sim := NewSimulator(store, &recorder{}, SimulatorOptions{})
	before := map[string]bool{}
	for _, id := range store.order {
		before[id] = true
	}
	topBefore := store.BatchIDs(TeacherWithOrg)[0]
	for range 300 { // five minutes of the demo
		require.NoError(t, sim.Step(t.Context()))
	}

	ids := store.BatchIDs(TeacherWithOrg)
	assert.False(t, before[ids[0]], "a new upload is at the top")
	assert.NotEqual(t, topBefore, ids[0])
	newAwaiting, newFailed := 0, 0
	for _, id := range store.order {
		b, _ := store.Batch(id)
		if before[id] {
			continue
		}
		switch b.Status {
		case StatusAwaitingStudentValidation:
			v := b.Validation()
			require.NotNil(t, v)
			if v.DeviationCount > 0 {
				assert.NotNil(t, v.AutoConfirmDeadline)
				newAwaiting++
			}
		case StatusContentIngestionFailed, StatusFailedCritically:
			newFailed++
		}
	}
	failedSeeded := 0
	for id := range before {
		if b, _ := store.Batch(id); b.Status == StatusFailedCritically && b.ProcessingCompletedAt.After(testNow) {
			failedSeeded++
		}
	}
	assert.Positive(t, newAwaiting, "new uploads await confirmation of their matches")
	assert.Positive(t, newFailed+failedSeeded, "batches fail now and then")
}
