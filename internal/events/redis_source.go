package events

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisOptions configures a RedisSource. The zero value is usable.
type RedisOptions struct {
	// MinBackoff is the delay before the first reconnect; it doubles per
	// failed attempt up to MaxBackoff, with jitter. Defaults 100ms and 10s.
	MinBackoff time.Duration
	MaxBackoff time.Duration
	// PingInterval is how long the connection may be silent before a PING
	// probes it; without a reply within another interval it counts as lost.
	// It catches connections that die without a reset. Default 15s.
	PingInterval time.Duration
	Logger       *slog.Logger
}

// resubscribedToken is the payload of the PING sent after subscribing to
// every watched channel on a new connection. Redis answers in order, so its
// echo means every SUBSCRIBE before it is in effect.
const resubscribedToken = "teacher-bff:resubscribed"

// RedisSource is a Source on Redis pub/sub: one PubSub connection per
// replica, subscribed to the channels of the teachers currently watched.
//
// go-redis's PubSub reconnects by itself, but immediately and silently; this
// type instead owns each connection, so that it can back off, resubscribe
// explicitly and report the outage through Healthy until it has.
type RedisSource struct {
	client *redis.Client
	opts   RedisOptions
	log    *slog.Logger

	ctx    context.Context // cancelled by Close
	cancel context.CancelFunc
	wg     sync.WaitGroup // the run goroutine

	// cmdMu serializes SUBSCRIBE and UNSUBSCRIBE together with the state
	// changes that cause them, so they reach Redis in the same order. It is
	// held across network writes; mu never is, so delivery and Healthy never
	// wait for the network.
	cmdMu sync.Mutex

	mu       sync.RWMutex
	channels map[string]*redisChannel
	sess     *session      // the current connection; nil between connections
	up       bool          // sess has resubscribed to every channel
	down     error         // why the last connection failed, until up again
	failed   chan struct{} // closed (and replaced) when a connection fails
	closed   bool
}

// redisChannel is one watched channel.
type redisChannel struct {
	watchers map[*watcher]struct{}
	ready    chan struct{} // closed when Redis confirmed the subscription
}

// session is one connection's state.
type session struct {
	ps *redis.PubSub
	// inflight counts SUBSCRIBEs sent but not confirmed per channel, so a
	// late confirmation of an earlier subscribe-unsubscribe-subscribe does
	// not mark the latest one ready.
	inflight map[string]int
}

var _ Source = (*RedisSource)(nil)

// NewRedisSource starts connecting to Redis through client, which stays the
// caller's to close (after the source).
func NewRedisSource(client *redis.Client, opts RedisOptions) *RedisSource {
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = 100 * time.Millisecond
	}
	if opts.MaxBackoff < opts.MinBackoff {
		opts.MaxBackoff = max(10*time.Second, opts.MinBackoff)
	}
	if opts.PingInterval <= 0 {
		opts.PingInterval = 15 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &RedisSource{
		client:   client,
		opts:     opts,
		log:      opts.Logger,
		ctx:      ctx,
		cancel:   cancel,
		channels: map[string]*redisChannel{},
		failed:   make(chan struct{}),
	}
	s.wg.Add(1)
	go s.run()
	return s
}

// Watch implements Source. While the source is connected it returns once
// Redis has confirmed the subscription, so messages published afterwards are
// delivered. During an outage it returns at once: the channel is subscribed
// with all the others on reconnect, and Healthy reports the outage meanwhile.
func (s *RedisSource) Watch(ctx context.Context, userID string, deliver func(msg []byte)) (func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ch := Channel(userID)
	w := &watcher{deliver: deliver}

	s.cmdMu.Lock()
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		s.cmdMu.Unlock()
		return nil, ErrClosed
	}
	c := s.channels[ch]
	var sess *session
	if c == nil {
		c = &redisChannel{watchers: map[*watcher]struct{}{}, ready: make(chan struct{})}
		s.channels[ch] = c
		if sess = s.sess; sess != nil {
			sess.inflight[ch]++
		}
	}
	c.watchers[w] = struct{}{}
	wait := s.down == nil
	ready, failed := c.ready, s.failed
	s.mu.Unlock()
	if sess != nil {
		// s.ctx, not ctx: cancelling one caller mid-write would break the
		// connection all teachers share.
		if err := sess.ps.Subscribe(s.ctx, ch); err != nil {
			// The receive loop sees the broken connection too; the next
			// one subscribes to every channel, this one included.
			s.log.Debug("events: redis subscribe failed", "channel", ch, "err", err)
		}
	}
	s.cmdMu.Unlock()

	stop := sync.OnceFunc(func() { s.unwatch(ch, w) })
	if wait {
		select {
		case <-ready:
		case <-failed:
		case <-s.ctx.Done():
			stop()
			return nil, ErrClosed
		case <-ctx.Done():
			stop()
			return nil, ctx.Err()
		}
	}
	return stop, nil
}

func (s *RedisSource) unwatch(ch string, w *watcher) {
	s.cmdMu.Lock()
	defer s.cmdMu.Unlock()
	s.mu.Lock()
	c := s.channels[ch]
	if c == nil {
		s.mu.Unlock()
		return
	}
	if _, ok := c.watchers[w]; !ok {
		s.mu.Unlock()
		return
	}
	delete(c.watchers, w)
	var sess *session
	if len(c.watchers) == 0 {
		delete(s.channels, ch)
		sess = s.sess
	}
	s.mu.Unlock()
	if sess != nil {
		if err := sess.ps.Unsubscribe(s.ctx, ch); err != nil {
			// Harmless: a lost connection subscribes nothing, and the next
			// one is subscribed only to the channels still watched.
			s.log.Debug("events: redis unsubscribe failed", "channel", ch, "err", err)
		}
	}
}

// Healthy reports nil once the current connection is subscribed to every
// watched channel, and the outage (or "connecting") otherwise.
func (s *RedisSource) Healthy(context.Context) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	switch {
	case s.closed:
		return ErrClosed
	case s.up:
		return nil
	case s.down != nil:
		return fmt.Errorf("redis events unavailable: %w", s.down)
	default:
		return errors.New("redis events: connecting")
	}
}

// Close stops every watch and the connection, and waits for the receive
// goroutine. The client is left open.
func (s *RedisSource) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	sess := s.sess
	clear(s.channels)
	s.mu.Unlock()
	s.cancel()
	if sess != nil {
		_ = sess.ps.Close() // unblocks the receive
	}
	s.wg.Wait()
	return nil
}
