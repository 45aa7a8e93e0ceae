// Package devstack is the reference implementation of the BFF's upstreams
// (RAS, CMS, Entitlements) over seeded, deterministic data, plus a simulator
// that moves batches through their lifecycle and publishes the matching
// events. The BFF's demo, tests and benchmarks run against it.
package devstack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// DefaultAPIKey is the shared secret when Options.APIKey is empty.
const DefaultAPIKey = "devstack-internal-key"

// Options configures the store and the stack.
type Options struct {
	// Now is the instant the seeded data is relative to (truncated to the
	// second); zero means time.Now().
	Now  time.Time
	Seed int64

	APIKey            string
	AllowedServiceIDs []string

	// Listen addresses; empty means 127.0.0.1:0 (an ephemeral port).
	RASAddr          string
	CMSAddr          string
	EntitlementsAddr string

	// Logger gets request logs at debug level; nil discards them.
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	o.Now = o.Now.UTC().Truncate(time.Second)
	if o.APIKey == "" {
		o.APIKey = DefaultAPIKey
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// Stack is the three services running on real listeners over one store.
type Stack struct {
	RAS          *Service
	CMS          *Service
	Entitlements *Service
	Store        *Store

	servers []*server
}

type server struct {
	http   *http.Server
	cancel context.CancelFunc
	done   chan error
}

// Start seeds a store and serves the three services on it.
func Start(opts Options) (*Stack, error) {
	opts = opts.withDefaults()
	store := NewStore(opts)
	auth := Auth{APIKey: opts.APIKey, AllowedServiceIDs: opts.AllowedServiceIDs}
	st := &Stack{
		Store:        store,
		RAS:          NewRAS(store, auth, opts.Logger),
		CMS:          NewCMS(store, auth, opts.Logger),
		Entitlements: NewEntitlements(store, auth, opts.Logger),
	}
	for _, l := range []struct {
		svc  *Service
		addr string
	}{{st.RAS, opts.RASAddr}, {st.CMS, opts.CMSAddr}, {st.Entitlements, opts.EntitlementsAddr}} {
		if err := st.serve(l.svc, l.addr, opts.Logger); err != nil {
			return nil, errors.Join(err, st.Close())
		}
	}
	return st, nil
}

func (st *Stack) serve(svc *Service, addr string, log *slog.Logger) error {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("devstack: listen for %s on %s: %w", svc.name, addr, err)
	}
	svc.URL = "http://" + ln.Addr().String()
	// Request contexts derive from base, so cancelling it releases handlers
	// that hang on purpose (timeout faults, long latencies) at Close.
	base, cancel := context.WithCancel(context.Background())
	srv := &server{
		http: &http.Server{
			Handler:           svc,
			ReadHeaderTimeout: 5 * time.Second,
			ReadTimeout:       10 * time.Second,
			// Generous: benchmarks configure latencies of many seconds.
			WriteTimeout: 2 * time.Minute,
			IdleTimeout:  time.Minute,
			BaseContext:  func(net.Listener) context.Context { return base },
			ErrorLog:     slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		},
		cancel: cancel,
		done:   make(chan error, 1),
	}
	go func() {
		err := srv.http.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		srv.done <- err
	}()
	st.servers = append(st.servers, srv)
	return nil
}

// Close stops all three services and waits for their goroutines.
func (st *Stack) Close() error {
	var errs []error
	for _, srv := range st.servers {
		srv.cancel()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if err := srv.http.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("devstack: shutdown: %w", err), srv.http.Close())
		}
		cancel()
		if err := <-srv.done; err != nil {
			errs = append(errs, fmt.Errorf("devstack: serve: %w", err))
		}
	}
	st.servers = nil
	return errors.Join(errs...)
}

// Services lists the three services, for loops over knobs.
func (st *Stack) Services() []*Service {
	return []*Service{st.RAS, st.CMS, st.Entitlements}
}
