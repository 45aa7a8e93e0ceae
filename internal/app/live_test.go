package app_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/devstack"
	"github.com/essaylab/teacher-bff/internal/events"
	"github.com/essaylab/teacher-bff/internal/testenv"
)

type liveBatch struct {
	BatchStatusChanged struct {
		ID              string  `json:"id"`
		Status          string  `json:"status"`
		ProcessingPhase *string `json:"processingPhase"`
		TotalEssays     int     `json:"totalEssays"`
		CompletedEssays int     `json:"completedEssays"`
		FailedEssays    int     `json:"failedEssays"`
		Class           *struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"class"`
	} `json:"batchStatusChanged"`
}

func decodeNext(t *testing.T, m testenv.Message) liveBatch {
	t.Helper()
	var p struct {
		Data   liveBatch       `json:"data"`
		Errors []testenv.Error `json:"errors"`
	}
	require.NoError(t, json.Unmarshal(m.Payload, &p))
	require.Empty(t, p.Errors)
	return p.Data
}

// processingBatch returns a batch of the teacher in processing_pipelines.
func processingBatch(t *testing.T, env *testenv.Env, teacher string) devstack.Batch {
	t.Helper()
	for _, id := range env.Stack.Store.BatchIDs(teacher) {
		b, _ := env.Stack.Store.Batch(id)
		if b.Status == devstack.StatusProcessingPipelines && len(b.Essays) > 2 {
			return b
		}
	}
	t.Fatal("the seed has no processing batch for " + teacher)
	return devstack.Batch{}
}

// advance completes one more essay of the batch in the store and publishes
// the batch's new state, as RAS does.
func advance(t *testing.T, env *testenv.Env, pub events.Publisher, batchID string) devstack.Batch {
	t.Helper()
	b, _ := env.Stack.Store.Batch(batchID)
	for _, e := range b.Essays {
		if e.SpellcheckStatus != devstack.EssayCompleted {
			require.NoError(t, env.Stack.Store.SetEssayStatus(batchID, e.ID, devstack.EssayCompleted, ""))
			break
		}
	}
	require.NoError(t, env.Stack.Store.PublishStatus(context.Background(), pub, batchID))
	b, _ = env.Stack.Store.Batch(batchID)
	return b
}

// From a Redis PUBLISH to a frame on a real WebSocket client, for both
// protocols.
func TestLiveOverRedisWebSocket(t *testing.T) {
	for _, tc := range []struct{ protocol, subscribe, next string }{
		{"graphql-transport-ws", "subscribe", "next"},
		{"graphql-ws", "start", "data"},
	} {
		t.Run(tc.protocol, func(t *testing.T) {
			rdb := testenv.RequireRedis(t)
			env := testenv.Start(t, testenv.WithRedis(t))
			pub := events.NewRedisPublisher(rdb)
			b := processingBatch(t, env, devstack.TeacherWithOrg)

			c := env.DialWS(t, tc.protocol, nil)
			c.Init(map[string]any{"Authorization": "Bearer " + env.Token(t, devstack.TeacherWithOrg)})
			c.Subscribe(tc.subscribe, "1", testenv.Operation(t, "BatchUpdates"), nil)
			waitWatching(t, rdb, devstack.TeacherWithOrg, 1)

			want := advance(t, env, pub, b.ID)
			got := decodeNext(t, c.Expect(tc.next)).BatchStatusChanged
			assert.Equal(t, b.ID, got.ID)
			assert.Equal(t, "PROCESSING", got.Status)
			assert.Equal(t, want.CompletedEssays(), got.CompletedEssays)
			assert.Equal(t, len(want.Essays), got.TotalEssays, "fields the event lacks come from RAS")
			if want.ClassID != "" {
				require.NotNil(t, got.Class)
				assert.Equal(t, want.ClassID, got.Class.ID)
			}
		})
	}
}

// waitWatching waits until n Redis connections subscribe to the teacher's
// channel.
func waitWatching(t *testing.T, rdb *redis.Client, teacher string, n int64) {
	t.Helper()
	require.Eventually(t, func() bool {
		m, err := rdb.PubSubNumSub(context.Background(), events.Channel(teacher)).Result()
		return err == nil && m[events.Channel(teacher)] == n
	}, 5*time.Second, 10*time.Millisecond, "%d subscriptions to %s", n, events.Channel(teacher))
}

// GraphQL over SSE: a POST with Accept: text/event-stream streams `next`
// events fed by Redis.
func TestLiveOverRedisSSE(t *testing.T) {
	rdb := testenv.RequireRedis(t)
	env := testenv.Start(t, testenv.WithRedis(t))
	pub := events.NewRedisPublisher(rdb)
	b := processingBatch(t, env, devstack.TeacherWithOrg)

	body, _ := json.Marshal(map[string]any{"query": testenv.Operation(t, "BatchUpdates")})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, env.Server.URL+"/graphql", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Authorization", "Bearer "+env.Token(t, devstack.TeacherWithOrg))
	resp, err := env.Server.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("Content-Type"), "text/event-stream")
	waitWatching(t, rdb, devstack.TeacherWithOrg, 1)

	want := advance(t, env, pub, b.ID)
	sc := bufio.NewScanner(resp.Body)
	event := ""
	for sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "event: "); ok {
			event = v
			continue
		}
		if v, ok := strings.CutPrefix(line, "data: "); ok && event == "next" {
			var p struct {
				Data liveBatch `json:"data"`
			}
			require.NoError(t, json.Unmarshal([]byte(v), &p))
			assert.Equal(t, b.ID, p.Data.BatchStatusChanged.ID)
			assert.Equal(t, want.CompletedEssays(), p.Data.BatchStatusChanged.CompletedEssays)
			return
		}
	}
	t.Fatalf("stream ended without a next event: %v", sc.Err())
}

// Two BFF replicas on one Redis both deliver; each holds one Redis
// subscription for the teacher however many clients it has, and releases it
// when the last one leaves.
func TestTwoReplicasShareRedis(t *testing.T) {
	rdb := testenv.RequireRedis(t)
	pub := events.NewRedisPublisher(rdb)
	one := testenv.Start(t, testenv.WithRedis(t))
	two := testenv.Start(t, testenv.WithRedis(t))
	b := processingBatch(t, one, devstack.TeacherWithOrg)

	var clients []*testenv.WSClient
	for _, env := range []*testenv.Env{one, one, two} {
		c := env.DialWS(t, "graphql-transport-ws", nil)
		c.Init(map[string]any{"Authorization": "Bearer " + env.Token(t, devstack.TeacherWithOrg)})
		c.Subscribe("subscribe", "s", testenv.Operation(t, "BatchUpdates"), nil)
		clients = append(clients, c)
	}
	waitWatching(t, rdb, devstack.TeacherWithOrg, 2) // one per replica, not per client

	// Both replicas read the same seed; the event names the batch.
	advance(t, one, pub, b.ID)
	for i, c := range clients {
		got := decodeNext(t, c.Expect("next")).BatchStatusChanged
		assert.Equal(t, b.ID, got.ID, "client %d", i)
	}

	for _, c := range clients {
		c.Send(testenv.Message{ID: "s", Type: "complete"})
		require.NoError(t, c.Conn.Close(websocket.StatusNormalClosure, "done"))
	}
	waitWatching(t, rdb, devstack.TeacherWithOrg, 0)
}

// A subscriber sees only the viewer's batches: not another teacher's
// channel, and not another teacher's batch announced on the viewer's.
// batchIds narrows to the listed batches.
func TestLiveIsolationAndNarrowing(t *testing.T) {
	bus := events.NewMemoryBus()
	env := testenv.Start(t, testenv.WithBus(bus))
	mine := processingBatch(t, env, devstack.TeacherWithOrg)
	var other devstack.Batch
	for _, id := range env.Stack.Store.BatchIDs(devstack.TeacherWithOrg) {
		if b, _ := env.Stack.Store.Batch(id); id != mine.ID && b.Status == devstack.StatusProcessingPipelines && len(b.Essays) > 2 {
			other = b
			break
		}
	}
	require.NotEmpty(t, other.ID)
	colleagues := processingBatch(t, env, devstack.TeacherColleague)

	all := env.DialWS(t, "graphql-transport-ws", nil)
	all.Init(map[string]any{"token": env.Token(t, devstack.TeacherWithOrg)})
	all.Subscribe("subscribe", "a", testenv.Operation(t, "BatchUpdates"), nil)
	narrow := env.DialWS(t, "graphql-transport-ws", nil)
	narrow.Init(map[string]any{"token": env.Token(t, devstack.TeacherWithOrg)})
	narrow.Subscribe("subscribe", "n", testenv.Operation(t, "BatchUpdates"), map[string]any{"batchIds": []string{other.ID}})
	require.Eventually(t, func() bool { return env.App.Hub.Stats().Subscribers == 2 }, 5*time.Second, 5*time.Millisecond)

	// The colleague's batch, on the colleague's channel and forged onto
	// the viewer's channel.
	advance(t, env, bus, colleagues.ID)
	msg, err := env.Stack.Store.StatusEvent(colleagues.ID)
	require.NoError(t, err)
	require.NoError(t, bus.Publish(context.Background(), devstack.TeacherWithOrg, msg))
	advance(t, env, bus, mine.ID)
	advance(t, env, bus, other.ID)

	first := decodeNext(t, all.Expect("next")).BatchStatusChanged
	second := decodeNext(t, all.Expect("next")).BatchStatusChanged
	assert.ElementsMatch(t, []string{mine.ID, other.ID}, []string{first.ID, second.ID}, "only the viewer's batches")
	got := decodeNext(t, narrow.Expect("next")).BatchStatusChanged
	assert.Equal(t, other.ID, got.ID, "batchIds narrows")
	_, err = narrow.Read(200 * time.Millisecond)
	assert.Error(t, err, "nothing else arrives on the narrowed subscription")
	_, err = all.Read(200 * time.Millisecond)
	assert.Error(t, err, "nothing else arrives")
}

// Identity on a WebSocket is checked at connection_init.
func TestLiveRefusesBadIdentity(t *testing.T) {
	env := testenv.Start(t, testenv.WithBus(events.NewMemoryBus()))
	for _, payload := range []map[string]any{
		{},
		{"token": "not-a-jwt"},
		{"Authorization": "Bearer " + env.Token(t, devstack.TeacherWithOrg) + "x"},
	} {
		c := env.DialWS(t, "graphql-transport-ws", nil)
		b, _ := json.Marshal(payload)
		c.Send(testenv.Message{Type: "connection_init", Payload: b})
		assert.Equal(t, websocket.StatusCode(4403), c.CloseCode(5*time.Second), "payload %v", payload)
	}
}

// Browsers may subscribe only from allowed origins.
func TestLiveOriginAllowList(t *testing.T) {
	env := testenv.Start(t, testenv.WithBus(events.NewMemoryBus()), func(c *configT, _ *optionsT) {
		c.AllowedOrigins = []string{"https://teacher.example.com"}
	})
	url := "ws" + strings.TrimPrefix(env.Server.URL, "http") + "/graphql"
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for origin, ok := range map[string]bool{"https://teacher.example.com": true, "https://evil.example.com": false} {
		c, resp, err := websocket.Dial(ctx, url, &websocket.DialOptions{
			Subprotocols: []string{"graphql-transport-ws"},
			HTTPHeader:   http.Header{"Origin": {origin}},
		})
		if ok {
			require.NoError(t, err, origin)
			_ = c.CloseNow()
			continue
		}
		require.Error(t, err, origin)
		require.NotNil(t, resp)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode, origin)
	}
}

// After Redis drops the BFF's subscription connection, the BFF reconnects
// and resubscribes; the client stays subscribed and gets the next event.
func TestLiveResumesAfterRedisDropsConnection(t *testing.T) {
	rdb := testenv.RequireRedis(t)
	env := testenv.Start(t, testenv.WithRedis(t))
	pub := events.NewRedisPublisher(rdb)
	b := processingBatch(t, env, devstack.TeacherWithOrg)

	c := env.DialWS(t, "graphql-transport-ws", nil)
	c.Init(map[string]any{"token": env.Token(t, devstack.TeacherWithOrg)})
	c.Subscribe("subscribe", "1", testenv.Operation(t, "BatchUpdates"), nil)
	waitWatching(t, rdb, devstack.TeacherWithOrg, 1)

	// Kill this replica's subscription connection from the server side.
	ids := subscribedConns(t, rdb, env.App.RedisClientName)
	require.NotEmpty(t, ids)
	for _, id := range ids {
		require.NoError(t, rdb.Do(context.Background(), "CLIENT", "KILL", "ID", id).Err())
	}
	// Wait for this replica's own connection to subscribe again: the
	// channel's subscriber count alone may include other test processes
	// sharing the Redis server.
	require.Eventually(t, func() bool {
		again := subscribedConns(t, rdb, env.App.RedisClientName)
		return len(again) > 0 && !slices.Contains(ids, again[0])
	}, 15*time.Second, 20*time.Millisecond, "the replica resubscribes")
	require.Eventually(t, func() bool { return env.App.Hub.Healthy(context.Background()) == nil }, 15*time.Second, 20*time.Millisecond)

	advance(t, env, pub, b.ID)
	got := decodeNext(t, c.Expect("next")).BatchStatusChanged
	assert.Equal(t, b.ID, got.ID)
}

// subscribedConns returns the ids of the Redis connections named name that
// hold a subscription (CLIENT LIST's sub field).
func subscribedConns(t *testing.T, rdb *redis.Client, name string) []string {
	t.Helper()
	clients, err := rdb.ClientList(context.Background()).Result()
	require.NoError(t, err)
	var ids []string
	for _, line := range strings.Split(clients, "\n") {
		fields := map[string]string{}
		for _, f := range strings.Fields(line) {
			if k, v, ok := strings.Cut(f, "="); ok {
				fields[k] = v
			}
		}
		if fields["name"] == name && fields["sub"] != "0" && fields["sub"] != "" {
			ids = append(ids, fields["id"])
		}
	}
	return ids
}

// The connection ends when its token does.
func TestLiveClosesWhenTokenExpires(t *testing.T) {
	env := testenv.Start(t, testenv.WithBus(events.NewMemoryBus()))
	c := env.DialWS(t, "graphql-transport-ws", nil)
	c.Init(map[string]any{"token": env.TokenFor(t, devstack.TeacherWithOrg, 1500*time.Millisecond)})
	c.Subscribe("subscribe", "1", testenv.Operation(t, "BatchUpdates"), nil)
	assert.Equal(t, websocket.StatusCode(4403), c.CloseCode(10*time.Second))
}

// Each operation on a WebSocket gets loaders of its own: nothing one
// operation fetched is served from cache to the next.
func TestLoadersPerOperationOnOneConnection(t *testing.T) {
	env := testenv.Start(t, testenv.WithBus(events.NewMemoryBus()))
	id := env.Stack.Store.BatchIDs(devstack.TeacherWithOrg)[0]
	c := env.DialWS(t, "graphql-transport-ws", nil)
	c.Init(map[string]any{"token": env.Token(t, devstack.TeacherWithOrg)})
	for i, opID := range []string{"q1", "q2"} {
		c.Subscribe("subscribe", opID, `query($id: ID!) { batch(id: $id) { id essays { id } } }`, map[string]any{"id": id})
		next := c.Expect("next")
		assert.Equal(t, opID, next.ID)
		assert.Contains(t, string(next.Payload), id)
		c.Expect("complete")
		assert.Equal(t, i+1, env.Stack.RAS.Count("batch-status"), "operation %d fetched the batch itself", i+1)
	}
}

// Behind a trusted gateway, the gateway's identity headers on the upgrade
// request identify a WebSocket whose connection_init carries none; without
// gateway trust the same headers identify nobody.
func TestLiveGatewayIdentity(t *testing.T) {
	header := http.Header{"X-User-ID": {devstack.TeacherWithOrg}}
	trusted := testenv.Start(t, testenv.WithBus(events.NewMemoryBus()), func(c *configT, _ *optionsT) { c.TrustGateway = true })
	c := trusted.DialWS(t, "graphql-transport-ws", header)
	c.Init(map[string]any{})
	c.Subscribe("subscribe", "v", `{ viewer { id } }`, nil)
	assert.Contains(t, string(c.Expect("next").Payload), devstack.TeacherWithOrg)

	untrusted := testenv.Start(t, testenv.WithBus(events.NewMemoryBus()))
	c = untrusted.DialWS(t, "graphql-transport-ws", header)
	c.Send(testenv.Message{Type: "connection_init", Payload: json.RawMessage(`{}`)})
	assert.Equal(t, websocket.StatusCode(4403), c.CloseCode(5*time.Second))
}
