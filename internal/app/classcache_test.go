package app_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/devstack"
	"github.com/essaylab/teacher-bff/internal/events"
	"github.com/essaylab/teacher-bff/internal/testenv"
)

// guestBatch makes one of the teacher's processing batches classless in
// the store (CMS then answers null for it) and returns it with the class it
// had.
func guestBatch(t *testing.T, env *testenv.Env) (devstack.Batch, devstack.Class) {
	t.Helper()
	for _, id := range env.Stack.Store.BatchIDs(devstack.TeacherWithOrg) {
		b, _ := env.Stack.Store.Batch(id)
		if b.Status != devstack.StatusProcessingPipelines || b.ClassID == "" || len(b.Essays) < 3 {
			continue
		}
		class, ok := env.Stack.Store.Class(b.ClassID)
		require.True(t, ok)
		require.NoError(t, env.Stack.Store.SetBatchClass(b.ID, ""))
		return b, class
	}
	t.Fatal("the seed has no processing batch with a class")
	return devstack.Batch{}, devstack.Class{}
}

// className asks for the batch's class on the query path ("" for none).
func className(t *testing.T, env *testenv.Env, token, batchID string) string {
	t.Helper()
	var out struct {
		Batch struct {
			Class *struct{ Name string } `json:"class"`
		} `json:"batch"`
	}
	resp := env.Do(t, testenv.Request{Query: `query($id: ID!) { batch(id: $id) { class { name } } }`,
		Variables: map[string]any{"id": batchID}, Token: token}, &out)
	require.Empty(t, resp.Errors)
	if out.Batch.Class == nil {
		return ""
	}
	return out.Batch.Class.Name
}

// A class that CMS starts reporting for a batch shows on the query path once
// the short-lived "no class" answer expires (BFF_CLASS_CACHE_MISS_TTL),
// while a class found stays cached for BFF_CLASS_CACHE_TTL.
func TestClassThatAppearsShowsOnQueries(t *testing.T) {
	env := testenv.StartWith(t, map[string]string{
		"BFF_CLASS_CACHE_MISS_TTL": "300ms",
		"BFF_CLASS_CACHE_TTL":      "1h",
	})
	token := env.Token(t, devstack.TeacherWithOrg)
	b, class := guestBatch(t, env)

	require.Equal(t, "", className(t, env, token, b.ID))
	require.NoError(t, env.Stack.Store.SetBatchClass(b.ID, class.ID))
	start := time.Now()
	require.Eventually(t, func() bool { return className(t, env, token, b.ID) == class.Name },
		5*time.Second, 50*time.Millisecond, "the class must show once the miss TTL has passed")
	assert.GreaterOrEqual(t, time.Since(start), 200*time.Millisecond, "the null answer was cached for about its TTL")

	// A found class is kept: renaming it in CMS does not show for the TTL.
	renamed := class
	renamed.Name = class.Name + "-renamed"
	env.Stack.Store.PutClass(renamed)
	time.Sleep(400 * time.Millisecond) // past the miss TTL, far inside the TTL
	assert.Equal(t, class.Name, className(t, env, token, b.ID), "a found class is served from the cache")
}

// The next event of a batch drops what the cache holds about it: the
// subscriber sees the new class at once, however long the TTLs.
func TestClassThatAppearsShowsOnTheNextEvent(t *testing.T) {
	bus := events.NewMemoryBus()
	env := testenv.StartWith(t, map[string]string{
		"BFF_CLASS_CACHE_MISS_TTL": "1h",
		"BFF_CLASS_CACHE_TTL":      "1h",
	}, testenv.WithBus(bus))
	token := env.Token(t, devstack.TeacherWithOrg)
	b, class := guestBatch(t, env)
	require.Equal(t, "", className(t, env, token, b.ID), "the null answer is now cached for an hour")

	c := env.DialWS(t, "graphql-transport-ws", nil)
	c.Init(map[string]any{"token": token})
	c.Subscribe("subscribe", "1", testenv.Operation(t, "BatchUpdates"), map[string]any{"batchIds": []string{b.ID}})
	require.Eventually(t, func() bool { return env.App.Hub.Stats().Subscribers == 1 }, 5*time.Second, 5*time.Millisecond)

	require.NoError(t, env.Stack.Store.SetBatchClass(b.ID, class.ID))
	advance(t, env, bus, b.ID)
	got := decodeNext(t, c.Expect("next")).BatchStatusChanged
	require.NotNil(t, got.Class, "the event dropped the cached null")
	assert.Equal(t, class.Name, got.Class.Name)
	assert.Equal(t, class.Name, className(t, env, token, b.ID), "and the query path sees it too")
}
