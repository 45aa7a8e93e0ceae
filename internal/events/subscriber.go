package events

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// maxTracked bounds how many batches a subscriber remembers the newest
// timestamp of, for dropping stale updates. A teacher has far fewer batches;
// the bound only stops a publisher inventing batch ids from growing it
// forever. Forgetting a batch only weakens its ordering check.
const maxTracked = 4096

// Subscriber is one subscription of a Hub. Next may be called from several
// goroutines, though one reader is the normal case.
type Subscriber struct {
	hub    *Hub
	filter map[string]struct{} // nil: every batch of the teacher
	buffer int

	teacher *teacher // guarded by hub.mu

	notify chan struct{} // capacity 1: "something may be pending"
	done   chan struct{} // closed by shut
	// ready, when set, is called whenever something may be pending and when
	// the subscriber closes, so a reader can drain it with TryNext instead
	// of keeping a goroutine parked in Next.
	ready atomic.Pointer[func()]

	mu     sync.Mutex
	closed bool
	// queue holds the pending batches, oldest first, each once; pending
	// holds their newest state. A new state of a pending batch replaces it
	// in place, so a slow reader gets each batch's newest state.
	queue   []string
	pending map[string]Update
	// newest is the newest timestamp accepted per batch; order is the order
	// batches entered it, for evicting the oldest beyond maxTracked.
	newest map[string]time.Time
	order  []string
}

func newSubscriber(h *Hub, batchIDs []string) *Subscriber {
	s := &Subscriber{
		hub:     h,
		buffer:  h.buffer,
		notify:  make(chan struct{}, 1),
		done:    make(chan struct{}),
		pending: map[string]Update{},
		newest:  map[string]time.Time{},
	}
	if len(batchIDs) > 0 {
		s.filter = make(map[string]struct{}, len(batchIDs))
		for _, id := range batchIDs {
			s.filter[id] = struct{}{}
		}
	}
	return s
}

// offer makes u pending, never blocking: it runs on the source's delivery
// goroutine, which serves every subscriber of the replica.
func (s *Subscriber) offer(u Update) {
	if s.filter != nil {
		if _, ok := s.filter[u.BatchID]; !ok {
			return
		}
	}
	h := s.hub
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	// newest covers the delivered states of the batch (and one dropped by
	// overflow: it was newer than anything before it); a pending state is
	// checked itself, as newest may have forgotten the batch.
	last, known := s.newest[u.BatchID]
	p, isPending := s.pending[u.BatchID]
	if isPending {
		last, known = p.Timestamp, true
	}
	if known && u.Timestamp.Before(last) {
		s.mu.Unlock()
		h.stale.Add(1)
		return
	}
	s.remember(u)
	if isPending {
		s.pending[u.BatchID] = u
		s.mu.Unlock()
		h.coalesced.Add(1)
		return
	}
	if len(s.queue) >= s.buffer {
		oldest := s.queue[0]
		s.queue[0] = ""
		s.queue = s.queue[1:]
		delete(s.pending, oldest)
		h.overflow.Add(1)
	}
	s.queue = append(s.queue, u.BatchID)
	s.pending[u.BatchID] = u
	s.mu.Unlock()
	s.wake()
	s.callReady()
}

// remember records u's timestamp as its batch's newest; callers have checked
// it is not older.
func (s *Subscriber) remember(u Update) {
	if _, ok := s.newest[u.BatchID]; !ok {
		s.order = append(s.order, u.BatchID)
		if len(s.order) > maxTracked {
			delete(s.newest, s.order[0])
			s.order[0] = ""
			s.order = s.order[1:]
		}
	}
	s.newest[u.BatchID] = u.Timestamp
}

// wake signals a waiting Next without blocking; one pending signal is enough
// because Next drains before waiting again.
func (s *Subscriber) wake() {
	select {
	case s.notify <- struct{}{}:
	default:
	}
}

// OnReady makes f the subscriber's readiness callback: it is called, never
// under a lock, when an update may be pending and once the subscriber is
// closed. f must not block (it runs on the hub's delivery path). When
// something is pending already, or the subscriber is closed, f is called
// at once.
func (s *Subscriber) OnReady(f func()) {
	s.ready.Store(&f)
	s.mu.Lock()
	now := s.closed || len(s.queue) > 0
	s.mu.Unlock()
	if now {
		f()
	}
}

func (s *Subscriber) callReady() {
	if f := s.ready.Load(); f != nil {
		(*f)()
	}
}

// Pending reports whether an update is pending.
func (s *Subscriber) Pending() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue) > 0
}

// TryNext returns the oldest pending batch's newest state without waiting;
// ok is false when nothing is pending. It returns ErrClosed once the
// subscriber or its hub is closed.
func (s *Subscriber) TryNext() (u Update, ok bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return Update{}, false, ErrClosed
	}
	if len(s.queue) == 0 {
		return Update{}, false, nil
	}
	id := s.queue[0]
	s.queue[0] = ""
	s.queue = s.queue[1:]
	u = s.pending[id]
	delete(s.pending, id)
	return u, true, nil
}

// Next blocks until an update is pending and returns the oldest pending
// batch's newest state. It returns ctx.Err() when ctx is done first and
// ErrClosed once the subscriber or its hub is closed.
func (s *Subscriber) Next(ctx context.Context) (Update, error) {
	for {
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return Update{}, ErrClosed
		}
		if len(s.queue) > 0 {
			id := s.queue[0]
			s.queue[0] = ""
			s.queue = s.queue[1:]
			u := s.pending[id]
			delete(s.pending, id)
			more := len(s.queue) > 0
			s.mu.Unlock()
			if more {
				// Another goroutine may be waiting in Next too.
				s.wake()
			}
			return u, nil
		}
		s.mu.Unlock()
		select {
		case <-s.notify:
		case <-s.done:
			return Update{}, ErrClosed
		case <-ctx.Done():
			return Update{}, ctx.Err()
		}
	}
}

// Close ends the subscription: Next returns ErrClosed, and the teacher's
// watch stops if this was its last subscriber. Close is idempotent.
func (s *Subscriber) Close() {
	if s.shut() {
		s.hub.leave(s)
		s.callReady()
	}
}

// shut marks s closed and drops what it holds; it reports whether s was open.
func (s *Subscriber) shut() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.closed = true
	close(s.done)
	s.queue, s.pending, s.newest, s.order = nil, nil, nil, nil
	return true
}
