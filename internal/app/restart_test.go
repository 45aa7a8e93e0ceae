package app_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/devstack"
	"github.com/essaylab/teacher-bff/internal/events"
	"github.com/essaylab/teacher-bff/internal/testenv"
)

// privateRedis runs a Redis server of the test's own on a free port, so it
// can be stopped and started again without disturbing the shared one.
type privateRedis struct {
	t    *testing.T
	bin  string
	port int
	cmd  *exec.Cmd
}

func startPrivateRedis(t *testing.T) *privateRedis {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("redis-server is required in CI: %v", err)
		}
		t.Skipf("redis-server is not installed: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	require.NoError(t, ln.Close())
	r := &privateRedis{t: t, bin: bin, port: port}
	r.start()
	t.Cleanup(r.stop)
	return r
}

func (r *privateRedis) url() string { return fmt.Sprintf("redis://127.0.0.1:%d/0", r.port) }

func (r *privateRedis) start() {
	r.t.Helper()
	r.cmd = exec.Command(r.bin, "--port", fmt.Sprint(r.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", r.t.TempDir())
	require.NoError(r.t, r.cmd.Start())
	c := redis.NewClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", r.port)})
	defer c.Close()
	require.Eventually(r.t, func() bool { return c.Ping(context.Background()).Err() == nil },
		10*time.Second, 20*time.Millisecond, "private redis-server did not start")
}

func (r *privateRedis) stop() {
	if r.cmd == nil || r.cmd.Process == nil {
		return
	}
	_ = r.cmd.Process.Kill()
	_ = r.cmd.Wait()
	r.cmd = nil
}

// Redis restarts: while it is down /readyz reports the outage and the
// client stays connected; once it is back the BFF resubscribes and the next
// event arrives.
func TestLiveResumesAfterRedisRestart(t *testing.T) {
	rs := startPrivateRedis(t)
	env := testenv.Start(t, func(c *configT, _ *optionsT) { c.RedisURL = rs.url() })
	opts, err := redis.ParseURL(rs.url())
	require.NoError(t, err)
	rdb := redis.NewClient(opts)
	defer rdb.Close()
	b := processingBatch(t, env, devstack.TeacherWithOrg)

	c := env.DialWS(t, "graphql-transport-ws", nil)
	c.Init(map[string]any{"token": env.Token(t, devstack.TeacherWithOrg)})
	c.Subscribe("subscribe", "1", testenv.Operation(t, "BatchUpdates"), nil)
	waitWatching(t, rdb, devstack.TeacherWithOrg, 1)
	env.App.Health.ProbeOnce(context.Background())
	ready, _ := env.App.Health.Ready()
	require.True(t, ready, "ready before the outage")
	assertUp(t, env, 1)

	rs.stop()
	require.Eventually(t, func() bool { return env.App.Hub.Healthy(context.Background()) != nil },
		10*time.Second, 20*time.Millisecond, "the outage shows in the hub's health")
	env.App.Health.ProbeOnce(context.Background())
	ready, statuses := env.App.Health.Ready()
	assert.False(t, ready, "/readyz reports the outage")
	for _, s := range statuses {
		assert.Equal(t, s.Name != "events", s.Healthy, "only the event source is down: %+v", s)
	}
	assertUp(t, env, 0)
	assert.Contains(t, scrape(t, env), `bff_readiness_check_up{check="ras"} 1`, "the upstreams stay up")

	rs.start()
	waitWatching(t, rdb, devstack.TeacherWithOrg, 1)
	require.Eventually(t, func() bool { return env.App.Hub.Healthy(context.Background()) == nil },
		15*time.Second, 20*time.Millisecond)

	env.App.Health.ProbeOnce(context.Background())
	ready, _ = env.App.Health.Ready()
	assert.True(t, ready, "ready again once resubscribed")
	assertUp(t, env, 1)

	advance(t, env, events.NewRedisPublisher(rdb), b.ID)
	got := decodeNext(t, c.Expect("next")).BatchStatusChanged
	assert.Equal(t, b.ID, got.ID, "the subscription survived the restart")
}

// assertUp checks the gauges the alerts on the event source and on
// readiness read: all three are v.
func assertUp(t *testing.T, env *testenv.Env, v int) {
	t.Helper()
	m := scrape(t, env)
	for _, name := range []string{"bff_event_source_up", "bff_ready", `bff_readiness_check_up{check="events"}`} {
		assert.Contains(t, m, fmt.Sprintf("\n%s %d\n", name, v))
	}
}
