// Command bff serves the teacher dashboard's GraphQL API.
//
//	go run ./cmd/bff -demo   # with the reference upstreams, in-process
//	go run ./cmd/bff         # against the upstreams named by BFF_* variables
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/essaylab/teacher-bff/internal/app"
	"github.com/essaylab/teacher-bff/internal/config"
)

func main() {
	if err := run(context.Background(), os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "bff:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	flags := flag.NewFlagSet("bff", flag.ContinueOnError)
	demo := flags.Bool("demo", false, "start the reference upstreams in-process and serve a ready-to-use playground")
	if err := flags.Parse(args); err != nil {
		return err
	}

	cfg, err := config.FromEnv(*demo)
	if err != nil {
		return err
	}
	log := newLogger(cfg.LogLevel)

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	opts := app.Options{Logger: log}
	if *demo {
		d, err := startDemo(ctx, &cfg, log)
		if err != nil {
			return err
		}
		defer d.close()
		opts.Demo = true
		opts.PlaygroundHeaders = map[string]string{"Authorization": "Bearer " + d.token}
		opts.Events = d.events
	}

	a, err := app.New(cfg, opts)
	if err != nil {
		return err
	}
	return serve(ctx, cfg, a, log, func(addr net.Addr) {
		if *demo {
			printDemo(addr, opts.PlaygroundHeaders["Authorization"])
		}
	})
}

// serve runs the HTTP server until ctx is done, then drains it.
func serve(ctx context.Context, cfg config.Config, a *app.App, log *slog.Logger, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", cfg.ListenAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.ListenAddr, err)
	}
	srv := &http.Server{
		Handler:           a.Handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		// No WriteTimeout: subscriptions (SSE, WebSocket) are long-lived;
		// queries are bounded by the upstream timeouts instead.
		IdleTimeout:    120 * time.Second,
		MaxHeaderBytes: 64 << 10,
		ErrorLog:       slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}

	bg, cancelBG := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelBG()
	go a.Run(bg)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("listening", slog.String("addr", ln.Addr().String()), slog.String("env", cfg.Env))
	ready(ln.Addr())

	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}

	// Not ready first, so the load balancer stops sending work; then the
	// subscriptions go (clients reconnect to another replica); then the
	// in-flight requests get until the deadline to finish.
	log.Info("shutting down", slog.Duration("deadline", cfg.ShutdownTimeout))
	a.Health.SetDraining()
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	errLive := a.Shutdown(sctx)
	errHTTP := srv.Shutdown(sctx)
	if errors.Is(errHTTP, http.ErrServerClosed) {
		errHTTP = nil
	}
	if err := errors.Join(errLive, errHTTP); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}

func newLogger(level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level)) // checked by config
	return slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: l}))
}
