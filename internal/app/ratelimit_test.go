package app_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/app"
	"github.com/essaylab/teacher-bff/internal/config"
	"github.com/essaylab/teacher-bff/internal/events"
	"github.com/essaylab/teacher-bff/internal/testenv"
)

// errorCode is the extensions.code of a WebSocket error message's first
// error.
func errorCode(t *testing.T, m testenv.Message) string {
	t.Helper()
	var errs []testenv.Error
	require.NoError(t, json.Unmarshal(m.Payload, &errs), "%s", m.Payload)
	require.NotEmpty(t, errs)
	code, _ := errs[0].Extensions["code"].(string)
	return code
}

// Every operation on a WebSocket debits the teacher's budget, queries and
// subscriptions alike; past it the operation gets RATE_LIMITED and the
// connection stays open. The budget is the one HTTP requests spend.
func TestWebSocketOperationsSpendTheBudget(t *testing.T) {
	env := testenv.StartWith(t, map[string]string{"BFF_RATE_LIMIT": "4"}, testenv.WithBus(events.NewMemoryBus()))
	teacher := "teacher-ws-budget"
	token := env.Token(t, teacher)

	c := env.DialWS(t, "graphql-transport-ws", nil)
	c.Init(map[string]any{"token": token})
	for i := range 2 {
		id := "q" + strconv.Itoa(i)
		c.Subscribe("subscribe", id, `{ viewer { id } }`, nil)
		assert.Equal(t, "next", c.Expect("next").Type)
		c.Expect("complete")
	}
	c.Subscribe("subscribe", "s", `subscription { batchStatusChanged { id } }`, nil)
	require.Eventually(t, func() bool { return env.App.Hub.Stats().Subscribers == 1 }, 5*time.Second, 5*time.Millisecond)

	resp := env.Do(t, testenv.Request{Query: `{ viewer { id } }`, Token: token}, nil)
	require.Empty(t, resp.Errors, "the fourth operation, over HTTP, is within the budget")

	for _, op := range []string{`{ viewer { id } }`, `subscription { batchStatusChanged { id } }`} {
		c.Subscribe("subscribe", "over", op, nil)
		m := c.Expect("error")
		assert.Equal(t, "over", m.ID)
		assert.Equal(t, "RATE_LIMITED", errorCode(t, m), op)
	}
	resp = env.Do(t, testenv.Request{Query: `{ viewer { id } }`, Token: token}, nil)
	assert.Equal(t, http.StatusTooManyRequests, resp.Status, "HTTP shares the spent budget")
	assert.NotEmpty(t, resp.Header.Get("Retry-After"))

	// The connection and its subscription are still there: the server
	// answers a ping, and ends the subscription when asked to.
	assert.Equal(t, 1, env.App.Hub.Stats().Subscribers)
	c.Send(testenv.Message{Type: "ping"})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, raw, err := c.Conn.Read(ctx)
	require.NoError(t, err)
	assert.JSONEq(t, `{"type":"pong"}`, string(raw))
	c.Send(testenv.Message{ID: "s", Type: "complete"})
	require.Eventually(t, func() bool { return env.App.Hub.Stats().Subscribers == 0 }, 5*time.Second, 5*time.Millisecond)
}

// With Redis, replicas share one budget: two BFFs on the same Redis allow a
// teacher the limit once, not once each.
func TestReplicasShareTheBudgetThroughRedis(t *testing.T) {
	testenv.RequireRedis(t)
	prefix := "test-shared-" + rand.Text()[:10] + ":"
	shared := func(_ *config.Config, o *app.Options) { o.RateLimitPrefix = prefix }
	settings := map[string]string{"BFF_RATE_LIMIT": "4"}
	one := testenv.StartWith(t, settings, testenv.WithRedis(t), shared)
	two := testenv.StartWith(t, settings, testenv.WithRedis(t), shared)
	teacher := "teacher-" + rand.Text()[:8]

	statuses := func(env *testenv.Env, n int) []int {
		var out []int
		for range n {
			out = append(out, env.Do(t, testenv.Request{Query: `{ viewer { id } }`, Token: env.Token(t, teacher)}, nil).Status)
		}
		return out
	}
	assert.Equal(t, []int{200, 200}, statuses(one, 2))
	assert.Equal(t, []int{200, 200}, statuses(two, 2))
	assert.Equal(t, []int{429}, statuses(one, 1), "the budget is spent on both replicas")
	assert.Equal(t, []int{429}, statuses(two, 1))

	// Another teacher's budget is untouched.
	other := two.Do(t, testenv.Request{Query: `{ viewer { id } }`, Token: two.Token(t, teacher+"-other")}, nil)
	assert.Equal(t, 200, other.Status)
}
