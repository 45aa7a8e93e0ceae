package events

import (
	"bytes"
	"context"
	"errors"
	"sync"
)

// ErrClosed is returned by a closed Hub, Subscriber or Source.
var ErrClosed = errors.New("events: closed")

// Source delivers the raw messages of teachers' channels. The Hub is its only
// intended caller; MemoryBus and RedisSource implement it.
type Source interface {
	// Watch starts delivering the messages of userID's channel to deliver
	// until the returned stop is called. Once stop returns, deliver is not
	// called again. deliver must not block, must not keep or modify msg's
	// bytes beyond the call's duration unless it copies them (they may be
	// shared by several watchers) and must not call back into the Source.
	// Several Watch calls for one userID are allowed; each gets every message.
	Watch(ctx context.Context, userID string, deliver func(msg []byte)) (stop func(), err error)
	// Healthy reports whether messages published now would be delivered.
	Healthy(ctx context.Context) error
	// Close stops every watch. It does not close clients passed in.
	Close() error
}

// watcher is one Watch call's registration, compared by identity.
type watcher struct {
	deliver func(msg []byte)
}

// MemoryBus is an in-process bus for the demo and unit tests: it implements
// both Publisher and Source, delivering synchronously inside Publish.
type MemoryBus struct {
	// mu is held for reading while delivering, so that a stop, which takes it
	// for writing, returns only after in-flight deliveries finish.
	mu       sync.RWMutex
	channels map[string]map[*watcher]struct{}
	closed   bool
}

var (
	_ Publisher = (*MemoryBus)(nil)
	_ Source    = (*MemoryBus)(nil)
)

// NewMemoryBus returns an empty in-process bus.
func NewMemoryBus() *MemoryBus {
	return &MemoryBus{channels: map[string]map[*watcher]struct{}{}}
}

// Publish delivers message to every current watcher of userID's channel. Like
// Redis pub/sub, a message nobody watches is lost.
func (b *MemoryBus) Publish(ctx context.Context, userID string, message []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.closed {
		return ErrClosed
	}
	ws := b.channels[Channel(userID)]
	if len(ws) == 0 {
		return nil
	}
	// The publisher may reuse its buffer once Publish returns.
	msg := bytes.Clone(message)
	for w := range ws {
		w.deliver(msg)
	}
	return nil
}

// Watch implements Source.
func (b *MemoryBus) Watch(ctx context.Context, userID string, deliver func(msg []byte)) (func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	w := &watcher{deliver: deliver}
	ch := Channel(userID)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, ErrClosed
	}
	if b.channels[ch] == nil {
		b.channels[ch] = map[*watcher]struct{}{}
	}
	b.channels[ch][w] = struct{}{}
	return sync.OnceFunc(func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		delete(b.channels[ch], w)
		if len(b.channels[ch]) == 0 {
			delete(b.channels, ch)
		}
	}), nil
}

// Watching reports how many watches userID's channel has, for tests that
// check the Hub releases what it no longer needs.
func (b *MemoryBus) Watching(userID string) int {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return len(b.channels[Channel(userID)])
}

// Healthy implements Source: an open bus always delivers.
func (b *MemoryBus) Healthy(context.Context) error {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.closed {
		return ErrClosed
	}
	return nil
}

// Close implements Source; later Publish and Watch calls fail with ErrClosed.
func (b *MemoryBus) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	clear(b.channels)
	return nil
}
