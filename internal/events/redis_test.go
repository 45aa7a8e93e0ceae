package events

import (
	"context"
	"crypto/rand"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/testenv/testkit"
)

// These tests run against a real Redis, shared with other packages' tests:
// every teacher id (and so channel) carries a random suffix, and nothing is
// done to the server beyond its own connections.

// uniqueID is a teacher id no other test (or test run) uses.
func uniqueID(t *testing.T) string {
	return strings.ToLower(regexp.MustCompile(`\W`).ReplaceAllString(t.Name(), "-")) + "-" + rand.Text()[:12]
}

// newRedisHub is one replica: its own client, RedisSource and Hub. The
// returned client is the source's; its connections carry clientName.
func newRedisHub(t *testing.T, opts RedisOptions) (*Hub, *RedisSource, string) {
	t.Helper()
	name := "events-test-" + rand.Text()[:12]
	src := NewRedisSource(testkit.Redis(t, name), opts)
	hub := NewHub(src, HubOptions{})
	// Cleanups run last-in first-out: the hub, then the source, then the
	// client registered by testkit.Redis.
	t.Cleanup(func() { require.NoError(t, src.Close()) })
	t.Cleanup(hub.Close)
	return hub, src, name
}

func numSub(t *testing.T, c *redis.Client, userID string) int64 {
	t.Helper()
	n, err := c.PubSubNumSub(context.Background(), Channel(userID)).Result()
	require.NoError(t, err)
	return n[Channel(userID)]
}

func requireHealthy(t *testing.T, src Source) {
	t.Helper()
	require.Eventually(t, func() bool { return src.Healthy(context.Background()) == nil }, waitFor, 5*time.Millisecond)
}

func TestRedisDelivers(t *testing.T) {
	pub := testkit.Redis(t, "")
	hub, _, _ := newRedisHub(t, RedisOptions{})
	user := uniqueID(t)
	s := subscribe(t, hub, user)

	// No wait: Subscribe returns once Redis confirmed the subscription.
	require.NoError(t, pub.Publish(context.Background(), Channel(user), statusMsg("b1", 5, t0)).Err())
	u := next(t, s)
	assert.Equal(t, Update{BatchID: "b1", Status: "processing", CompletedEssays: 5, Phase: "cj_assessment",
		CorrelationID: "corr-1", Timestamp: u.Timestamp}, u)
	assert.True(t, u.Timestamp.Equal(t0))
	require.NoError(t, hub.Healthy(context.Background()))
}

func TestRedisTwoReplicas(t *testing.T) {
	pub := testkit.Redis(t, "")
	hubA, _, _ := newRedisHub(t, RedisOptions{})
	hubB, _, _ := newRedisHub(t, RedisOptions{})
	user := uniqueID(t)
	a, b := subscribe(t, hubA, user), subscribe(t, hubB, user)
	other := subscribe(t, hubB, uniqueID(t))

	assert.Equal(t, int64(2), numSub(t, pub, user), "one subscription per replica")
	require.NoError(t, pub.Publish(context.Background(), Channel(user), statusMsg("b1", 1, t0)).Err())
	assert.Equal(t, "b1", next(t, a).BatchID)
	assert.Equal(t, "b1", next(t, b).BatchID)
	requireNothing(t, other)
}

func TestRedisReleasesSubscription(t *testing.T) {
	pub := testkit.Redis(t, "")
	hub, _, _ := newRedisHub(t, RedisOptions{})
	user := uniqueID(t)
	subs := []*Subscriber{subscribe(t, hub, user), subscribe(t, hub, user), subscribe(t, hub, user, "b1")}
	assert.Equal(t, int64(1), numSub(t, pub, user), "one Redis subscription however many local subscribers")

	subs[0].Close()
	subs[1].Close()
	assert.Equal(t, int64(1), numSub(t, pub, user))
	require.NoError(t, pub.Publish(context.Background(), Channel(user), statusMsg("b1", 1, t0)).Err())
	assert.Equal(t, "b1", next(t, subs[2]).BatchID)

	subs[2].Close()
	// UNSUBSCRIBE is sent before Close returns, but Redis may read it after
	// our NUMSUB, which travels on another connection.
	require.Eventually(t, func() bool { return numSub(t, pub, user) == 0 }, waitFor, 5*time.Millisecond)
	assert.Equal(t, Stats{Received: 1}, hub.Stats())

	// Watching again subscribes again.
	s := subscribe(t, hub, user)
	assert.Equal(t, int64(1), numSub(t, pub, user))
	require.NoError(t, pub.Publish(context.Background(), Channel(user), statusMsg("b2", 1, t0)).Err())
	assert.Equal(t, "b2", next(t, s).BatchID)
}

// killPubSub drops the source's PubSub connection from the server side. It
// picks the connection by client name rather than killing every pubsub
// client (CLIENT KILL TYPE pubsub), which would disturb other packages'
// tests sharing the server.
func killPubSub(t *testing.T, admin *redis.Client, clientName string) {
	t.Helper()
	list, err := admin.ClientList(context.Background()).Result()
	require.NoError(t, err)
	var ids []string
	for line := range strings.SplitSeq(list, "\n") {
		f := map[string]string{}
		for kv := range strings.FieldsSeq(line) {
			k, v, _ := strings.Cut(kv, "=")
			f[k] = v
		}
		if f["name"] == clientName && f["sub"] != "0" {
			ids = append(ids, f["id"])
		}
	}
	require.Len(t, ids, 1, "the source's pubsub connection in\n%s", list)
	n, err := admin.Do(context.Background(), "CLIENT", "KILL", "ID", ids[0]).Int()
	require.NoError(t, err)
	require.Equal(t, 1, n)
}

func TestRedisResumesAfterOutage(t *testing.T) {
	admin := testkit.Redis(t, "")
	// A backoff long enough for the outage to be observable.
	hub, src, name := newRedisHub(t, RedisOptions{MinBackoff: 400 * time.Millisecond, MaxBackoff: time.Second})
	user := uniqueID(t)
	subs := []*Subscriber{subscribe(t, hub, user), subscribe(t, hub, user)}
	other := uniqueID(t)
	otherSub := subscribe(t, hub, other)
	requireHealthy(t, src)

	killPubSub(t, admin, name)
	require.Eventually(t, func() bool { return hub.Healthy(context.Background()) != nil }, waitFor, time.Millisecond,
		"Healthy reports the outage")
	assert.Contains(t, hub.Healthy(context.Background()).Error(), "redis events unavailable")
	assert.Equal(t, int64(0), numSub(t, admin, user), "the subscription is really gone")

	requireHealthy(t, src)
	assert.Equal(t, int64(1), numSub(t, admin, user), "resubscribed")
	assert.Equal(t, int64(1), numSub(t, admin, other), "resubscribed")
	for _, id := range []string{user, other} {
		require.NoError(t, admin.Publish(context.Background(), Channel(id), statusMsg("b-"+id, 1, t0)).Err())
	}
	for _, s := range subs {
		assert.Equal(t, "b-"+user, next(t, s).BatchID, "subscribers stayed subscribed")
	}
	assert.Equal(t, "b-"+other, next(t, otherSub).BatchID)
	assert.Equal(t, 3, hub.Stats().Subscribers)
}

func TestRedisCountsMalformed(t *testing.T) {
	pub := testkit.Redis(t, "")
	hub, _, _ := newRedisHub(t, RedisOptions{})
	user := uniqueID(t)
	s := subscribe(t, hub, user)
	for _, msg := range []string{
		"not json",
		`{"event":"batch_status_updated","data":{"batch_id":"` + strings.Repeat("x", MaxMessageSize) + `","status":"ready"}}`,
		`{"event":"batch_status_updated","data":{"status":"ready"}}`,
		`{"event":"file_uploaded","data":{"batch_id":"b1"}}`,
		string(statusMsg("b1", 3, t0)),
	} {
		require.NoError(t, pub.Publish(context.Background(), Channel(user), msg).Err())
	}
	assert.Equal(t, 3, next(t, s).CompletedEssays, "bad messages are not fatal")
	assert.Equal(t, Stats{Subscribers: 1, Teachers: 1, Received: 5, Ignored: 1, Malformed: 3}, hub.Stats())
	require.NoError(t, hub.Healthy(context.Background()))
}

// An unreachable Redis must not make subscribing hang: the subscription
// starts, Healthy reports why nothing arrives, and Close still returns.
func TestRedisUnreachable(t *testing.T) {
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", DialerRetries: 1, DialTimeout: 200 * time.Millisecond})
	defer func() { _ = client.Close() }()
	src := NewRedisSource(client, RedisOptions{MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond})
	defer func() { require.NoError(t, src.Close()) }()
	hub := NewHub(src, HubOptions{})
	defer hub.Close()

	require.Eventually(t, func() bool {
		err := src.Healthy(context.Background())
		return err != nil && strings.Contains(err.Error(), "unavailable")
	}, waitFor, 5*time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	s, err := hub.Subscribe(ctx, "alice", nil)
	require.NoError(t, err)
	require.Error(t, hub.Healthy(ctx))
	s.Close()
	assert.Equal(t, Stats{}, hub.Stats())
}

func TestBackoff(t *testing.T) {
	lo, hi := 100*time.Millisecond, 2*time.Second
	for _, tt := range []struct {
		attempt  int
		min, max time.Duration
	}{
		{0, 50 * time.Millisecond, 100 * time.Millisecond},
		{1, 100 * time.Millisecond, 200 * time.Millisecond},
		{3, 400 * time.Millisecond, 800 * time.Millisecond},
		{5, time.Second, 2 * time.Second}, // capped
		{200, time.Second, 2 * time.Second},
	} {
		t.Run(fmt.Sprint(tt.attempt), func(t *testing.T) {
			for range 100 {
				d := backoff(lo, hi, tt.attempt)
				require.GreaterOrEqual(t, d, tt.min)
				require.LessOrEqual(t, d, tt.max)
			}
		})
	}
}
