package wstransport

import "time"

// schedule is a connection's deadlines (zero: not running), under
// conn.mu, and the one timer that fires at the earliest of them. A
// goroutine waiting on a Ticker and three Timers would cost every idle
// subscriber a stack; a time.AfterFunc costs nothing until it fires.
type schedule struct {
	timer *time.Timer // calls onTimer; made by the first arm

	init   time.Time // connection_ack is due
	expiry time.Time // the identity runs out
	ping   time.Time // the next keep-alive (once acknowledged)
	pong   time.Time // the peer must have sent something since pingAt
	pingAt int64     // conn.since() at the first unanswered keep-alive
}

// arm sets the timer to the earliest deadline; mu is held.
func (c *conn) arm() {
	s := &c.timers
	var next time.Time
	for _, t := range [...]time.Time{s.init, s.expiry, s.ping, s.pong} {
		if !t.IsZero() && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	switch {
	case next.IsZero():
		if s.timer != nil {
			s.timer.Stop()
		}
	case s.timer == nil:
		s.timer = time.AfterFunc(time.Until(next), c.onTimer)
	default:
		s.timer.Reset(time.Until(next))
	}
}

// acknowledged starts the keep-alives and the identity's expiry once
// connection_ack is written.
func (c *conn) acknowledged() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.acked = true
	s := &c.timers
	s.init = time.Time{}
	s.ping = time.Now().Add(c.o.KeepAlive)
	s.expiry = c.expiry
	c.arm()
}

// onTimer runs the deadlines that are due, on a goroutine of the timer's:
// the init timeout, the identity's expiry, dead-peer detection and
// keep-alives. It decides under mu and writes without it.
func (c *conn) onTimer() {
	if !c.join() {
		return
	}
	defer c.wg.Done()

	c.mu.Lock()
	if c.isClosing() {
		c.mu.Unlock()
		return
	}
	s, now := &c.timers, time.Now()
	due := func(t time.Time) bool { return !t.IsZero() && !now.Before(t) }
	var failCode int
	var failReason string
	dead, ping := false, false
	if due(s.init) {
		s.init = time.Time{}
		if !c.acked {
			failCode, failReason = CloseInitTimeout, "Connection initialisation timeout"
		}
	}
	if due(s.expiry) {
		s.expiry = time.Time{}
		failCode, failReason = CloseForbidden, "token expired"
	}
	if due(s.pong) {
		s.pong = time.Time{}
		dead = c.lastRead.Load() < s.pingAt
	}
	if due(s.ping) {
		// Keep-alives go out every KeepAlive (Apollo's legacy client times
		// out without ka); the pong wait starts at the first unanswered
		// one. On the KeepAlive grid, like a Ticker, skipping missed ticks.
		ping = true
		if s.pong.IsZero() {
			s.pingAt = c.since()
			s.pong = now.Add(c.o.PongTimeout)
		}
		if s.ping = s.ping.Add(c.o.KeepAlive); !s.ping.After(now) {
			s.ping = now.Add(c.o.KeepAlive)
		}
	}
	c.arm()
	c.mu.Unlock()

	switch {
	case failCode != 0:
		c.d.fail(c, failCode, failReason)
	case dead:
		c.o.Logger.DebugContext(c.ctx, "websocket peer stopped answering pings")
		c.closeWith(0, "")
	case ping:
		for _, f := range c.d.keepAlive {
			c.send(f)
		}
	}
}

// goAway is the Tracker's shutdown callback: close with 1001 "Going away".
func (c *conn) goAway() {
	if !c.join() {
		return
	}
	defer c.wg.Done()
	c.closeWith(CloseGoingAway, "Going away")
}

// join counts a callback in wg, so that serve waits for it; false once
// serve is done with the connection (and so maybe past its Wait).
func (c *conn) join() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ended {
		return false
	}
	c.wg.Add(1)
	return true
}

// stopTimers ends the callbacks that have not started; serve waits for the
// others (see join).
func (c *conn) stopTimers() {
	c.mu.Lock()
	if c.timers.timer != nil {
		c.timers.timer.Stop()
	}
	c.mu.Unlock()
	if c.stopGoingAway != nil {
		c.stopGoingAway()
	}
}
