package events

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultBuffer is HubOptions.Buffer's default: more distinct batches than a
// dashboard shows, so only a stuck client ever loses one.
const DefaultBuffer = 256

// malformedLogEvery rate-limits the debug log of dropped messages: a broken
// publisher would otherwise log once per message.
const malformedLogEvery = time.Second

// HubOptions configures a Hub. The zero value is usable.
type HubOptions struct {
	Buffer int // max distinct batches pending per subscriber, default DefaultBuffer
	Logger *slog.Logger
	// OnUpdate, when set, is told of every update received, once, before
	// it is offered to subscribers (caches drop what they hold about the
	// batch). It runs on the source's delivery goroutine: it must not block.
	OnUpdate func(Update)
}

// Stats is a snapshot of a Hub's gauges and counters.
type Stats struct {
	Subscribers int // open subscribers
	Teachers    int // teachers whose channel is watched

	Received  uint64 // messages from the source
	Ignored   uint64 // of other notification types
	Malformed uint64 // dropped as unreadable
	Coalesced uint64 // updates that replaced a pending one of the same batch
	Stale     uint64 // updates older than one already delivered or pending, dropped
	Overflow  uint64 // pending updates dropped because Buffer batches were pending
}

// Hub fans the batch updates of teachers' channels out to subscribers. It
// watches each teacher's channel once per replica, however many of that
// teacher's subscriptions are open, and decodes each message once.
//
// Delivery into a subscriber never blocks: each subscriber holds at most
// Buffer batches' newest states, which its Next drains. There is no goroutine
// per subscriber or per message; the source's delivery goroutine does the
// fan-out.
type Hub struct {
	src      Source
	buffer   int
	log      *slog.Logger
	onUpdate func(Update)

	// ctx is cancelled by Close so that Watch calls in flight give up.
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup // Watch calls in flight

	// mu guards teachers, each teacher's subs and the Subscriber.teacher
	// links. The fan-out holds it for reading; Subscribe and Close write.
	mu          sync.RWMutex
	teachers    map[string]*teacher
	subscribers int
	closed      bool

	received, ignored, malformed atomic.Uint64
	coalesced, stale, overflow   atomic.Uint64
	lastMalformedLog             atomic.Int64 // unix nanos
}

// teacher is one watched channel and the subscribers sharing it.
type teacher struct {
	userID string
	subs   map[*Subscriber]struct{}
	ready  chan struct{} // closed once Watch returned; then stop or err is set
	stop   func()
	err    error
}

// NewHub returns a Hub over src. The Hub does not own src: closing the Hub
// stops its watches but leaves src open.
func NewHub(src Source, opts HubOptions) *Hub {
	if opts.Buffer <= 0 {
		opts.Buffer = DefaultBuffer
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Hub{
		src:      src,
		buffer:   opts.Buffer,
		log:      opts.Logger,
		onUpdate: opts.OnUpdate,
		ctx:      ctx,
		cancel:   cancel,
		teachers: map[string]*teacher{},
	}
}

// Subscribe returns a subscription to userID's batch updates, only of
// batchIDs when it is not empty. The first subscriber of a teacher starts the
// watch of its channel; when Subscribe returns, later messages are delivered
// (unless the source is in an outage, see Healthy). ctx bounds only the
// subscribing: the subscription lasts until Close.
func (h *Hub) Subscribe(ctx context.Context, userID string, batchIDs []string) (*Subscriber, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if userID == "" {
		// "ws:" is nobody's channel; an empty id is a caller's bug.
		return nil, errors.New("events: subscribe without a user id")
	}
	s := newSubscriber(h, batchIDs)
	for {
		t, first, err := h.join(s, userID)
		if err != nil {
			return nil, err
		}
		if first {
			h.watch(ctx, t)
		} else {
			select {
			case <-t.ready:
			case <-ctx.Done():
				h.leave(s)
				return nil, ctx.Err()
			}
		}
		if t.err == nil {
			return s, nil
		}
		// Another subscriber's Watch failed, perhaps only because its own
		// context ended: ours may still succeed, so try again.
		if first || ctx.Err() != nil {
			return nil, t.err
		}
	}
}

// join adds s to its teacher's subscribers, creating the teacher (first=true)
// when s is the first; the caller then must call watch.
func (h *Hub) join(s *Subscriber, userID string) (t *teacher, first bool, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, false, ErrClosed
	}
	t = h.teachers[userID]
	if t == nil {
		first = true
		t = &teacher{userID: userID, subs: map[*Subscriber]struct{}{}, ready: make(chan struct{})}
		h.teachers[userID] = t
		h.wg.Add(1)
	}
	t.subs[s] = struct{}{}
	s.teacher = t
	h.subscribers++
	return t, first, nil
}

// watch starts t's watch. It runs without the lock because a Source may wait
// for its server; the others joining t meanwhile wait on t.ready.
func (h *Hub) watch(ctx context.Context, t *teacher) {
	defer h.wg.Done()
	wctx, cancel := context.WithCancel(ctx)
	unhook := context.AfterFunc(h.ctx, cancel)
	stop, err := h.src.Watch(wctx, t.userID, func(msg []byte) { h.deliver(t, msg) })
	unhook()
	cancel()

	var stopNow func()
	h.mu.Lock()
	if err == nil && (h.closed || len(t.subs) == 0) {
		// Nobody wants it any more: Close ran, or everyone left, meanwhile.
		stopNow, err = stop, ErrClosed
	}
	if err != nil {
		if h.teachers[t.userID] == t {
			delete(h.teachers, t.userID)
		}
		h.subscribers -= len(t.subs)
		t.subs = nil
	} else {
		t.stop = stop
	}
	t.err = err
	close(t.ready)
	h.mu.Unlock()
	if stopNow != nil {
		stopNow()
	}
}

// leave removes s from its teacher and stops the teacher's watch if s was
// the last subscriber.
func (h *Hub) leave(s *Subscriber) {
	h.mu.Lock()
	t := s.teacher
	if t == nil || t.subs == nil {
		h.mu.Unlock()
		return
	}
	if _, ok := t.subs[s]; !ok {
		h.mu.Unlock()
		return
	}
	delete(t.subs, s)
	h.subscribers--
	var stop func()
	if len(t.subs) == 0 && t.stop != nil {
		delete(h.teachers, t.userID)
		stop = t.stop
	}
	h.mu.Unlock()
	if stop != nil {
		stop()
	}
}

// deliver is the source's callback for one message of t's channel: decode
// once, then offer the update to each subscriber without blocking.
func (h *Hub) deliver(t *teacher, msg []byte) {
	h.received.Add(1)
	u, ok, err := Decode(msg)
	if err != nil {
		h.noteMalformed(err)
		return
	}
	if !ok {
		h.ignored.Add(1)
		return
	}
	if h.onUpdate != nil {
		h.onUpdate(u)
	}
	h.mu.RLock()
	defer h.mu.RUnlock()
	for s := range t.subs {
		s.offer(u)
	}
}

// noteMalformed counts a dropped message and logs at most one per interval,
// at debug: the error never carries the message body.
func (h *Hub) noteMalformed(err error) {
	n := h.malformed.Add(1)
	now := time.Now().UnixNano()
	last := h.lastMalformedLog.Load()
	if now-last < int64(malformedLogEvery) || !h.lastMalformedLog.CompareAndSwap(last, now) {
		return
	}
	h.log.Debug("events: dropped malformed notification", "err", err, "malformed_total", n)
}

// Close ends every subscriber (their Next returns ErrClosed), stops every
// watch and waits for Watch calls in flight. It does not close the source.
func (h *Hub) Close() {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return
	}
	h.closed = true
	var subs []*Subscriber
	var stops []func()
	for _, t := range h.teachers {
		for s := range t.subs {
			subs = append(subs, s)
		}
		t.subs = nil
		if t.stop != nil {
			stops = append(stops, t.stop)
		}
	}
	clear(h.teachers)
	h.subscribers = 0
	h.mu.Unlock()

	h.cancel()
	for _, s := range subs {
		if s.shut() {
			s.callReady()
		}
	}
	for _, stop := range stops {
		stop()
	}
	h.wg.Wait()
}

// Healthy reports the source's health: whether updates published now reach
// subscribers.
func (h *Hub) Healthy(ctx context.Context) error {
	h.mu.RLock()
	closed := h.closed
	h.mu.RUnlock()
	if closed {
		return ErrClosed
	}
	return h.src.Healthy(ctx)
}

// Stats returns the Hub's gauges and counters.
func (h *Hub) Stats() Stats {
	h.mu.RLock()
	subs, teachers := h.subscribers, len(h.teachers)
	h.mu.RUnlock()
	return Stats{
		Subscribers: subs,
		Teachers:    teachers,
		Received:    h.received.Load(),
		Ignored:     h.ignored.Load(),
		Malformed:   h.malformed.Load(),
		Coalesced:   h.coalesced.Load(),
		Stale:       h.stale.Load(),
		Overflow:    h.overflow.Load(),
	}
}
