package app_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/devstack"
	"github.com/essaylab/teacher-bff/internal/events"
	"github.com/essaylab/teacher-bff/internal/testenv"
)

type dashboardChange struct {
	Batch struct {
		ID           string  `json:"id"`
		Status       string  `json:"status"`
		StatusDetail *string `json:"statusDetail"`
	} `json:"batch"`
	PreviousStatus *string `json:"previousStatus"`
	TabChanged     bool    `json:"tabChanged"`
	Attention      *struct {
		Reason   string     `json:"reason"`
		Deadline *time.Time `json:"deadline"`
	} `json:"attention"`
	Counts *batchCounts `json:"counts"`
}

// nextChange reads dashboardChanged messages until one about batchID
// arrives (the shared Redis may carry other tests' events of the teacher).
func nextChange(t *testing.T, c *testenv.WSClient, batchID string) dashboardChange {
	t.Helper()
	for {
		m := c.Expect("next")
		var p struct {
			Data struct {
				DashboardChanged dashboardChange `json:"dashboardChanged"`
			} `json:"data"`
			Errors []testenv.Error `json:"errors"`
		}
		require.NoError(t, json.Unmarshal(m.Payload, &p))
		require.Empty(t, p.Errors)
		if p.Data.DashboardChanged.Batch.ID == batchID {
			return p.Data.DashboardChanged
		}
	}
}

// The live path keeps the tab counts and the needs-attention list true: from
// the batch events alone (no polling), each change says which tab the batch
// left, whether it needs the teacher now, and the counts after it, counted
// anew only when a batch may have changed tab. Over the in-process bus and
// over the real Redis.
func TestDashboardChangedKeepsCountsAndAttention(t *testing.T) {
	for _, tc := range []struct {
		name  string
		start func(t *testing.T) (*testenv.Env, events.Publisher, func())
	}{
		{"bus", func(t *testing.T) (*testenv.Env, events.Publisher, func()) {
			bus := events.NewMemoryBus()
			env := testenv.Start(t, testenv.WithBus(bus))
			return env, bus, func() {
				require.Eventually(t, func() bool { return env.App.Hub.Stats().Subscribers == 1 }, 5*time.Second, 5*time.Millisecond)
			}
		}},
		{"redis", func(t *testing.T) (*testenv.Env, events.Publisher, func()) {
			rdb := testenv.RequireRedis(t)
			env := testenv.Start(t, testenv.WithRedis(t))
			return env, events.NewRedisPublisher(rdb), func() { waitWatching(t, rdb, devstack.TeacherWithOrg, 1) }
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env, pub, subscribed := tc.start(t)
			store := env.Stack.Store
			publish := func(id string) {
				require.NoError(t, store.PublishStatus(context.Background(), pub, id))
			}
			c := env.DialWS(t, "graphql-transport-ws", nil)
			c.Init(map[string]any{"token": env.Token(t, devstack.TeacherWithOrg)})
			c.Subscribe("subscribe", "d", testenv.Operation(t, "DashboardChanges"), nil)
			subscribed()

			// A batch's matches are confirmed: it leaves needs-attention
			// and stays PROCESSING, now without anything to confirm.
			var awaiting devstack.Batch
			for _, id := range store.BatchIDs(devstack.TeacherWithOrg) {
				if b, _ := store.Batch(id); b.Status == devstack.StatusAwaitingStudentValidation {
					awaiting = b
					break
				}
			}
			require.NotEmpty(t, awaiting.ID)
			for i := range awaiting.Associations {
				awaiting.Associations[i].Status = devstack.AssocConfirmed
			}
			require.NoError(t, store.SetAssociations(awaiting.ID, awaiting.Associations))
			require.NoError(t, store.SetBatchStatus(awaiting.ID, devstack.StatusStudentValidationCompleted))
			env.ResetCounts()
			publish(awaiting.ID)
			got := nextChange(t, c, awaiting.ID)
			assert.Equal(t, "PROCESSING", got.Batch.Status)
			assert.Equal(t, "STUDENT_VALIDATION_COMPLETED", *got.Batch.StatusDetail)
			assert.Nil(t, got.PreviousStatus, "the subscription had not seen it")
			assert.True(t, got.TabChanged)
			assert.Nil(t, got.Attention)
			require.NotNil(t, got.Counts)
			assert.Equal(t, storeCounts(env, devstack.TeacherWithOrg), *got.Counts)
			assert.Equal(t, 7, env.Stack.RAS.Count("list-batches"), "counted anew")

			// Progress of a processing batch: once seen, its changes move
			// no tab and cost no count.
			p := processingBatch(t, env, devstack.TeacherWithOrg)
			advance(t, env, pub, p.ID)
			nextChange(t, c, p.ID)
			env.ResetCounts()
			advance(t, env, pub, p.ID)
			got = nextChange(t, c, p.ID)
			require.NotNil(t, got.PreviousStatus)
			assert.Equal(t, "PROCESSING", *got.PreviousStatus)
			assert.False(t, got.TabChanged)
			assert.Equal(t, storeCounts(env, devstack.TeacherWithOrg), *got.Counts)
			assert.Zero(t, env.Stack.RAS.Count("list-batches"), "no tab changed: no count")

			// A new upload arrives at the top: PENDING_CONTENT grows.
			before := storeCounts(env, devstack.TeacherWithOrg)
			n := uploaded(t, env, 1, devstack.StatusAwaitingContentValidation)
			publish(n)
			got = nextChange(t, c, n)
			assert.Equal(t, "PENDING_CONTENT", got.Batch.Status)
			assert.True(t, got.TabChanged)
			assert.Equal(t, before.PendingContent+1, got.Counts.PendingContent)
			assert.Equal(t, before.All+1, got.Counts.All)

			// Student matching leaves matches to confirm: the upload enters
			// needs-attention with its deadline, and changes tab.
			matched := testenv.Now.Add(2 * time.Hour)
			require.NoError(t, store.SetAssociations(n, []devstack.Association{
				{EssayID: "e1", StudentName: "A", Status: devstack.AssocPendingValidation, CreatedAt: matched},
				{EssayID: "e2", StudentName: "B", Status: devstack.AssocConfirmed, CreatedAt: matched},
			}))
			require.NoError(t, store.SetBatchStatus(n, devstack.StatusAwaitingStudentValidation))
			publish(n)
			got = nextChange(t, c, n)
			require.NotNil(t, got.PreviousStatus)
			assert.Equal(t, "PENDING_CONTENT", *got.PreviousStatus)
			assert.Equal(t, "PROCESSING", got.Batch.Status)
			assert.True(t, got.TabChanged)
			require.NotNil(t, got.Attention)
			assert.Equal(t, "CONFIRM_STUDENT_MATCHES", got.Attention.Reason)
			require.NotNil(t, got.Attention.Deadline)
			assert.True(t, matched.Add(devstack.AutoConfirmAfter).Equal(*got.Attention.Deadline))
			assert.Equal(t, before.Processing+1, got.Counts.Processing)
			assert.Equal(t, before.PendingContent, got.Counts.PendingContent)

			// The processing batch fails: it enters needs-attention as
			// FAILED and the counts follow.
			require.NoError(t, store.SetBatchStatus(p.ID, devstack.StatusFailedCritically))
			publish(p.ID)
			got = nextChange(t, c, p.ID)
			assert.Equal(t, "FAILED", got.Batch.Status)
			assert.Equal(t, "PROCESSING", *got.PreviousStatus)
			require.NotNil(t, got.Attention)
			assert.Equal(t, "FAILED", got.Attention.Reason)
			assert.Equal(t, storeCounts(env, devstack.TeacherWithOrg), *got.Counts)
		})
	}
}
