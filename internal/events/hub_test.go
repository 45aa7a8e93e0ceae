package events

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/testenv/testkit"
)

const waitFor = 5 * time.Second

func newMemoryHub(t *testing.T, opts HubOptions) (*MemoryBus, *Hub) {
	t.Helper()
	bus := NewMemoryBus()
	hub := NewHub(bus, opts)
	t.Cleanup(func() {
		hub.Close()
		require.NoError(t, bus.Close())
	})
	return bus, hub
}

func subscribe(t *testing.T, hub *Hub, userID string, batchIDs ...string) *Subscriber {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	s, err := hub.Subscribe(ctx, userID, batchIDs)
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return s
}

func publish(t *testing.T, pub Publisher, userID string, msg []byte) {
	t.Helper()
	require.NoError(t, pub.Publish(context.Background(), userID, msg))
}

func next(t *testing.T, s *Subscriber) Update {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	u, err := s.Next(ctx)
	require.NoError(t, err)
	return u
}

// requireNothing asserts nothing is pending: MemoryBus delivers inside
// Publish, so a short wait is enough.
func requireNothing(t *testing.T, s *Subscriber) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	u, err := s.Next(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded, "unexpected update %+v", u)
}

func TestHubRoutes(t *testing.T) {
	type sub struct {
		user     string
		batchIDs []string
	}
	type pub struct{ user, batch string }
	tests := []struct {
		name string
		subs []sub
		pubs []pub
		want [][]string // per subscriber, the batches it receives, in order
		// received counts the messages the hub decoded: once per message
		// of a watched teacher, however many subscribers it has.
		received uint64
	}{
		{
			name:     "fan-out to every subscriber of the teacher",
			subs:     []sub{{user: "alice"}, {user: "alice"}, {user: "alice"}},
			pubs:     []pub{{"alice", "b1"}, {"alice", "b2"}},
			want:     [][]string{{"b1", "b2"}, {"b1", "b2"}, {"b1", "b2"}},
			received: 2,
		},
		{
			name:     "another teacher's events never arrive",
			subs:     []sub{{user: "alice"}, {user: "bob"}},
			pubs:     []pub{{"bob", "b9"}, {"alice", "b1"}, {"carol", "b7"}},
			want:     [][]string{{"b1"}, {"b9"}},
			received: 2,
		},
		{
			name:     "batchIDs narrows",
			subs:     []sub{{user: "alice", batchIDs: []string{"b2", "b3"}}, {user: "alice"}},
			pubs:     []pub{{"alice", "b1"}, {"alice", "b2"}, {"alice", "b3"}, {"bob", "b2"}},
			want:     [][]string{{"b2", "b3"}, {"b1", "b2", "b3"}},
			received: 3,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bus, hub := newMemoryHub(t, HubOptions{})
			subs := make([]*Subscriber, len(tt.subs))
			for i, s := range tt.subs {
				subs[i] = subscribe(t, hub, s.user, s.batchIDs...)
			}
			for i, p := range tt.pubs {
				publish(t, bus, p.user, statusMsg(p.batch, i, t0))
			}
			for i, s := range subs {
				var got []string
				for range tt.want[i] {
					u := next(t, s)
					got = append(got, u.BatchID)
				}
				assert.Equal(t, tt.want[i], got, "subscriber %d", i)
				requireNothing(t, s)
			}
			assert.Equal(t, tt.received, hub.Stats().Received)
		})
	}
}

func TestHubCoalescesForSlowConsumer(t *testing.T) {
	bus, hub := newMemoryHub(t, HubOptions{})
	s := subscribe(t, hub, "alice")
	for i := range 100 {
		publish(t, bus, "alice", statusMsg(fmt.Sprintf("b%d", i%3), i, t0.Add(time.Duration(i)*time.Second)))
	}
	got := map[string]int{}
	var order []string
	for range 3 {
		u := next(t, s)
		got[u.BatchID] = u.CompletedEssays
		order = append(order, u.BatchID)
	}
	requireNothing(t, s)
	assert.Equal(t, map[string]int{"b0": 99, "b1": 97, "b2": 98}, got, "each batch's newest state")
	assert.Equal(t, []string{"b0", "b1", "b2"}, order, "oldest pending first")
	st := hub.Stats()
	assert.Equal(t, uint64(100), st.Received)
	assert.Equal(t, uint64(97), st.Coalesced)
	assert.Zero(t, st.Overflow)
	assert.Zero(t, st.Stale)
}

func TestHubOrdersByTimestamp(t *testing.T) {
	type step struct {
		read  bool   // false: publish
		batch string // publish only
		at    int    // publish: seconds after t0
		n     int    // publish: CompletedEssays; read: the one wanted
	}
	pub := func(batch string, at, n int) step { return step{batch: batch, at: at, n: n} }
	read := func(n int) step { return step{read: true, n: n} }
	tests := []struct {
		name           string
		steps          []step
		stale, coalesc uint64
	}{
		{"older than delivered is dropped", []step{pub("b1", 5, 1), read(1), pub("b1", 4, 2)}, 1, 0},
		{"older than pending is dropped", []step{pub("b1", 5, 1), pub("b1", 4, 2), read(1)}, 1, 0},
		{"newer replaces pending", []step{pub("b1", 4, 1), pub("b1", 5, 2), read(2)}, 0, 1},
		{"equal to delivered is delivered", []step{pub("b1", 5, 1), read(1), pub("b1", 5, 2), read(2)}, 0, 0},
		{"equal to pending replaces it", []step{pub("b1", 5, 1), pub("b1", 5, 2), read(2)}, 0, 1},
		{"newer after delivered", []step{pub("b1", 5, 1), read(1), pub("b1", 6, 2), read(2)}, 0, 0},
		{"batches are ordered independently", []step{pub("b1", 5, 1), read(1), pub("b2", 1, 2), read(2)}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bus, hub := newMemoryHub(t, HubOptions{})
			s := subscribe(t, hub, "alice")
			for _, st := range tt.steps {
				if st.read {
					assert.Equal(t, st.n, next(t, s).CompletedEssays)
					continue
				}
				publish(t, bus, "alice", statusMsg(st.batch, st.n, t0.Add(time.Duration(st.at)*time.Second)))
			}
			requireNothing(t, s)
			assert.Equal(t, tt.stale, hub.Stats().Stale, "stale")
			assert.Equal(t, tt.coalesc, hub.Stats().Coalesced, "coalesced")
		})
	}
}

func batchRange(from, to int) []string {
	var ids []string
	for i := from; i < to; i++ {
		ids = append(ids, fmt.Sprintf("b%d", i))
	}
	return ids
}

func TestHubBoundsPending(t *testing.T) {
	tests := []struct {
		name     string
		buffer   int
		publish  []string
		want     []string
		overflow uint64
	}{
		{"oldest pending dropped", 4, batchRange(0, 10), batchRange(6, 10), 6},
		{"coalesced batch keeps its place", 2, []string{"b0", "b1", "b0", "b1", "b0"}, []string{"b0", "b1"}, 0},
		{"default buffer", 0, batchRange(0, DefaultBuffer+44), batchRange(44, DefaultBuffer+44), 44},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bus, hub := newMemoryHub(t, HubOptions{Buffer: tt.buffer})
			s := subscribe(t, hub, "alice")
			for i, id := range tt.publish {
				publish(t, bus, "alice", statusMsg(id, i, t0.Add(time.Duration(i)*time.Second)))
			}
			var got []string
			for range tt.want {
				got = append(got, next(t, s).BatchID)
			}
			requireNothing(t, s)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.overflow, hub.Stats().Overflow)
		})
	}
}

func TestHubCountsBadMessages(t *testing.T) {
	var logs testkit.Buffer
	bus, hub := newMemoryHub(t, HubOptions{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	s := subscribe(t, hub, "alice")
	publish(t, bus, "alice", []byte("secret-garbage"))
	publish(t, bus, "alice", []byte(`{"event":"file_uploaded","data":{"batch_id":"b1"}}`))
	publish(t, bus, "alice", []byte(`{"event":"batch_status_updated","data":{"batch_id":"`+strings.Repeat("x", MaxMessageSize)+`","status":"ready"}}`))
	publish(t, bus, "alice", []byte(`{"event":"batch_status_updated","data":{"status":"ready"}}`))
	publish(t, bus, "alice", statusMsg("b1", 7, t0))

	assert.Equal(t, "b1", next(t, s).BatchID, "bad messages are not fatal")
	requireNothing(t, s)
	st := hub.Stats()
	assert.Equal(t, Stats{Subscribers: 1, Teachers: 1, Received: 5, Ignored: 1, Malformed: 3}, st)
	// Rate-limited: one line for the burst, without the message itself.
	assert.Equal(t, 1, strings.Count(logs.String(), "dropped malformed"), logs.String())
	assert.NotContains(t, logs.String(), "secret-garbage")
}

// A reader that drains with TryNext is called back when something is
// pending and once when the subscriber closes, with no goroutine parked.
func TestOnReadyAndTryNext(t *testing.T) {
	bus := NewMemoryBus()
	hub := NewHub(bus, HubOptions{})
	defer hub.Close()
	s, err := hub.Subscribe(context.Background(), "teacher-ready", nil)
	require.NoError(t, err)

	calls := make(chan struct{}, 16)
	s.OnReady(func() { calls <- struct{}{} })
	_, ok, err := s.TryNext()
	require.NoError(t, err)
	assert.False(t, ok, "nothing pending yet")

	msg := `{"event":"batch_status_updated","data":{"batch_id":"b1","status":"processing","completed_essays":1,"failed_essays":0,"timestamp":"2025-12-10T09:41:00Z"}}`
	require.NoError(t, bus.Publish(context.Background(), "teacher-ready", []byte(msg)))
	select {
	case <-calls:
	case <-time.After(5 * time.Second):
		t.Fatal("no readiness callback for a pending update")
	}
	u, ok, err := s.TryNext()
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, "b1", u.BatchID)

	s.Close()
	select {
	case <-calls:
	case <-time.After(5 * time.Second):
		t.Fatal("no readiness callback on close")
	}
	_, _, err = s.TryNext()
	assert.ErrorIs(t, err, ErrClosed)
}
