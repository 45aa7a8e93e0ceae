package events

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"time"

	"github.com/redis/go-redis/v9"
)

// The connection side of RedisSource: one goroutine keeps a PubSub
// connection, resubscribes it after a loss and hands messages to watchers.

// run keeps one connection open until Close, backing off between attempts.
func (s *RedisSource) run() {
	defer s.wg.Done()
	attempt := 0
	for {
		wasUp, err := s.session()
		if s.ctx.Err() != nil {
			return
		}
		if wasUp {
			attempt = 0
		}
		delay := backoff(s.opts.MinBackoff, s.opts.MaxBackoff, attempt)
		attempt++
		// Warn once per outage, not once per attempt.
		if s.fail(err) {
			s.log.Warn("events: redis unavailable, reconnecting", "err", err, "delay", delay)
		} else {
			s.log.Debug("events: redis reconnect failed", "err", err, "attempt", attempt, "delay", delay)
		}
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-s.ctx.Done():
			t.Stop()
			return
		}
	}
}

// session runs one connection: connect, subscribe to every watched channel,
// then receive until the connection fails. wasUp reports whether it got as
// far as being subscribed.
func (s *RedisSource) session() (wasUp bool, err error) {
	ps := s.client.Subscribe(s.ctx)
	defer ps.Close()
	// go-redis dials lazily; PING dials here, holding no lock, so that
	// Watch and Healthy do not wait for a slow dial.
	if err := ps.Ping(s.ctx); err != nil {
		return false, fmt.Errorf("connect: %w", err)
	}

	sess := &session{ps: ps, inflight: map[string]int{}}
	s.cmdMu.Lock()
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		s.cmdMu.Unlock()
		return false, ErrClosed
	}
	chans := make([]string, 0, len(s.channels))
	for ch := range s.channels {
		chans = append(chans, ch)
		sess.inflight[ch]++
	}
	s.sess = sess
	s.mu.Unlock()
	if len(chans) > 0 {
		err = ps.Subscribe(s.ctx, chans...)
	}
	if err == nil {
		err = ps.Ping(s.ctx, resubscribedToken)
	}
	s.cmdMu.Unlock()
	if err != nil {
		return false, fmt.Errorf("resubscribe: %w", err)
	}
	return s.receive(sess)
}

// receive reads the connection until it fails, delivering messages.
func (s *RedisSource) receive(sess *session) (wasUp bool, err error) {
	probing := false
	for {
		msg, err := sess.ps.ReceiveTimeout(s.ctx, s.opts.PingInterval)
		if err != nil {
			var ne net.Error
			if !errors.As(err, &ne) || !ne.Timeout() {
				return wasUp, err
			}
			if probing {
				return wasUp, fmt.Errorf("no reply to PING within %s", s.opts.PingInterval)
			}
			if err := sess.ps.Ping(s.ctx); err != nil {
				return wasUp, err
			}
			probing = true
			continue
		}
		probing = false // any reply shows the connection is alive
		switch m := msg.(type) {
		case *redis.Message:
			s.dispatch(m)
		case *redis.Subscription:
			if m.Kind == "subscribe" {
				s.confirmed(sess, m.Channel)
			}
		case *redis.Pong:
			if m.Payload == resubscribedToken {
				s.markUp()
				wasUp = true
			}
		}
	}
}

// dispatch hands a message to its channel's watchers. It holds mu for
// reading, so that unwatch returns only after deliveries in flight.
func (s *RedisSource) dispatch(m *redis.Message) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c := s.channels[m.Channel]
	if c == nil {
		return // unsubscribed meanwhile
	}
	payload := []byte(m.Payload)
	for w := range c.watchers {
		w.deliver(payload)
	}
}

func (s *RedisSource) confirmed(sess *session, ch string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n := sess.inflight[ch] - 1; n > 0 {
		sess.inflight[ch] = n
		return
	}
	delete(sess.inflight, ch)
	if c := s.channels[ch]; c != nil {
		select {
		case <-c.ready:
		default:
			close(c.ready)
		}
	}
}

func (s *RedisSource) markUp() {
	s.mu.Lock()
	recovered := s.down != nil
	s.up, s.down = true, nil
	s.mu.Unlock()
	if recovered {
		s.log.Info("events: redis resubscribed")
	}
}

// fail records a lost connection and releases Watch calls waiting on it. It
// reports whether this begins an outage.
func (s *RedisSource) fail(err error) (began bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	began = s.down == nil
	s.sess, s.up, s.down = nil, false, err
	close(s.failed)
	s.failed = make(chan struct{})
	return began
}

// backoff is the delay before reconnect attempt n (from 0): exponential,
// capped, with "equal jitter": half fixed so retries never bunch at zero, half
// random so replicas that lost Redis together do not reconnect in lockstep.
func backoff(lo, hi time.Duration, n int) time.Duration {
	d := hi
	if n < 32 {
		if e := lo << n; e > 0 && e < hi {
			d = e
		}
	}
	return d/2 + rand.N(d/2+1)
}
