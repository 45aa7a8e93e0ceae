package wstransport

import (
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/essaylab/teacher-bff/internal/testenv/eventschema"
)

// A client that stops reading holds up only its own connection: it is
// dropped after WriteTimeout, and the others are served meanwhile.
func TestSlowClient(t *testing.T) {
	e := newEnv(t, Options{WriteTimeout: 100 * time.Millisecond})
	slow := e.dial(SubprotocolTransportWS)
	slow.init()
	slow.subscribe("subscribe", "1", "subscription { events }")
	s := e.feed.Next(t)
	// Large events until the socket buffers are full and a write times out.
	flooded := make(chan struct{})
	go func() {
		defer close(flooded)
		big := strings.Repeat("x", 256<<10)
		for {
			select {
			case s.Events <- big:
			case <-s.Ctx.Done():
				return
			}
		}
	}()

	other := e.dial(SubprotocolTransportWS)
	other.init()
	other.subscribe("subscribe", "q", "{ hello }")
	other.expect("next", "q")
	other.expect("complete", "q")

	s.Cancelled(t)
	<-flooded
}

// The http.Server's own read and write timeouts do not cut long-lived
// connections: gorilla clears them at the upgrade.
func TestServerTimeoutsDoNotCutStreams(t *testing.T) {
	timeouts := func(s *http.Server) {
		s.ReadTimeout = 30 * time.Millisecond
		s.WriteTimeout = 30 * time.Millisecond
	}
	e := newEnv(t, Options{KeepAlive: 10 * time.Millisecond}, timeouts)

	c := e.dial(SubprotocolTransportWS)
	c.init()
	c.subscribe("subscribe", "1", "subscription { events }")
	ws := e.feed.Next(t)

	// Well past both timeouts, the keep-alives flow.
	deadline := time.Now().Add(150 * time.Millisecond)
	for time.Now().Before(deadline) {
		c.expect("ping", "")
		c.sendRaw(`{"type":"pong"}`)
	}

	ws.Push(t, "a")
	c.expect("next", "1")
}

// An idle subscription holds two goroutines: the reader and the
// operation's. Writes, timers and going away cost none until they have
// something to do (see conn), since idle subscribers are most of what the
// BFF holds.
func TestIdleGoroutines(t *testing.T) {
	e := newEnv(t, Options{KeepAlive: 20 * time.Millisecond})
	c := e.dial(SubprotocolTransportWS)
	c.init()
	c.subscribe("subscribe", "1", "subscription { events }")
	s := e.feed.Next(t)
	// Keep-alives come and go meanwhile.
	c.expect("ping", "")
	c.sendRaw(`{"type":"pong"}`)
	assert.Eventually(t, func() bool { return connGoroutines() == 2 }, eventschema.Wait, 5*time.Millisecond,
		"goroutines of the connection: %d", connGoroutines())
	s.Push(t, "a")
	c.expect("next", "1")
}

// connGoroutines counts the goroutines running the transport's code.
func connGoroutines() int {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	n := 0
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "internal/wstransport.(*conn).") {
			n++
		}
	}
	return n
}
