// Package conntrack ends the BFF's long-lived connections (WebSockets, event
// streams, multipart responses) when the server shuts down.
package conntrack

import (
	"context"
	"sync"
)

// Tracker ends the long-lived connections of the transports that share it
// when the server shuts down. http.Server.Shutdown neither closes nor waits
// for hijacked (WebSocket) connections, and it waits for SSE streams until
// its context runs out, so main calls Tracker.Shutdown first:
//
//	tracker := &conntrack.Tracker{}
//	srv.AddTransport(wstransport.Websocket{Options: wstransport.Options{Tracker: tracker, ...}})
//	srv.AddTransport(gqlhttp.Transport{Options: gqlhttp.Options{SSE: sse.Options{Tracker: tracker}, ...}})
//	...
//	_ = tracker.Shutdown(ctx) // then httpServer.Shutdown(ctx)
//
// The zero value is ready to use. A nil *Tracker tracks nothing.
type Tracker struct {
	mu      sync.Mutex
	closing bool
	// ctx ends at Shutdown; made lazily so the zero value works. A context
	// rather than a channel: WebSocket connections register a callback
	// with context.AfterFunc instead of holding a goroutine to wait on it.
	ctx    context.Context
	cancel context.CancelFunc
	conns  sync.WaitGroup
}

// Shutdown refuses new connections (HTTP 503), closes every open WebSocket
// connection with 1001 "Going away", ends every SSE stream (without a
// complete event, so clients reconnect elsewhere), and waits until all of
// them are gone or ctx ends. Calling it again waits again.
func (t *Tracker) Shutdown(ctx context.Context) error {
	t.mu.Lock()
	if !t.closing {
		t.closing = true
		t.contextLocked()
		t.cancel()
	}
	t.mu.Unlock()

	finished := make(chan struct{})
	go func() {
		// Outlives Shutdown only when ctx ended first, and then only until
		// the last connection is gone.
		t.conns.Wait()
		close(finished)
	}()
	select {
	case <-finished:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Enter registers a connection; false once Shutdown has begun (the caller
// refuses it). Every Enter that returned true needs its Leave.
func (t *Tracker) Enter() bool {
	if t == nil {
		return true
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closing {
		return false
	}
	// Under mu, so no Add can follow the Wait in Shutdown.
	t.conns.Add(1)
	return true
}

// Leave unregisters a connection that has ended.
func (t *Tracker) Leave() {
	if t != nil {
		t.conns.Done()
	}
}

// GoingAway is closed when Shutdown begins; nil (never ready) for a nil
// Tracker.
func (t *Tracker) GoingAway() <-chan struct{} {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.contextLocked().Done()
}

// OnShutdown arranges for f to run, on a goroutine of its own, when
// Shutdown begins (at once if it has). stop cancels that if f has not
// started; nil for a nil Tracker.
func (t *Tracker) OnShutdown(f func()) (stop func() bool) {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	ctx := t.contextLocked()
	t.mu.Unlock()
	return context.AfterFunc(ctx, f)
}

func (t *Tracker) contextLocked() context.Context {
	if t.ctx == nil {
		t.ctx, t.cancel = context.WithCancel(context.Background())
	}
	return t.ctx
}
