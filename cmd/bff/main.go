// Command bff serves the teacher dashboard's GraphQL API.
//
//	go run ./cmd/bff -demo   # with the reference upstreams, in-process
//	go run ./cmd/bff         # against the upstreams named by BFF_* variables
//	go run ./cmd/bff -h      # the flags and every setting with its default
//	go run ./cmd/bff token -sub teacher-1   # a development token (BFF_JWT_SECRET)
//	go run ./cmd/bff persisted-manifest -dir testdata/operations -format apollo|codegen
//	                         # the trusted documents of a folder of .graphql files, for a frontend build
//	bff probe http://127.0.0.1:4101/readyz  # a container health check
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/essaylab/teacher-bff/internal/app"
	"github.com/essaylab/teacher-bff/internal/config"
	"github.com/essaylab/teacher-bff/internal/gctune"
	"github.com/essaylab/teacher-bff/internal/server"
	"github.com/essaylab/teacher-bff/internal/tracing"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "bff:", err)
		os.Exit(1)
	}
}

// run serves until ctx is done (SIGINT or SIGTERM), then shuts down; or
// runs the subcommand args name.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "token":
			return runToken(args[1:], stdout, stderr)
		case "persisted-manifest":
			return writeManifest(args[1:], stdout, stderr)
		case "probe":
			return runProbe(ctx, args[1:])
		}
	}
	cli, err := parseFlags(args, stdout, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	cfg, err := config.FromEnv(cli.demo)
	if err != nil {
		return err
	}
	log := newLogger(cfg.LogLevel, stderr)
	tuneGC(log)

	stopTracing, err := tracing.Setup(ctx, cfg.OTLPEndpoint)
	if err != nil {
		return err
	}
	defer func() { _ = stopTracing(context.WithoutCancel(ctx)) }()

	opts := app.Options{Logger: log}
	var d *demo // nil without -demo
	if cli.demo {
		if d, err = startDemo(ctx, &cfg, log, cli.demoLatency); err != nil {
			return err
		}
		defer d.close()
		opts.Demo = true
		opts.PlaygroundHeaders = map[string]string{"Authorization": "Bearer " + d.token}
		opts.PlaygroundVariables = d.variables
		opts.Events = d.events
	}

	if !cli.demo && cfg.RedisURL == "" {
		log.Warn("BFF_REDIS_URL is not set: subscriptions will receive no batch events")
	}
	a, err := app.New(cfg, opts)
	if err != nil {
		return err
	}
	return serve(ctx, cfg, a, log, func(addr, metricsAddr net.Addr) {
		if d != nil {
			d.print(stdout, addr, metricsAddr, a.Playground != nil && a.Playground.Offline())
		}
	})
}

// serve runs the HTTP servers until ctx is done, then drains them.
func serve(ctx context.Context, cfg config.Config, a *app.App, log *slog.Logger, ready func(addr, metricsAddr net.Addr)) error {
	ln, err := listen("BFF_LISTEN_ADDR", cfg.ListenAddr)
	if err != nil {
		return err
	}
	mln, err := listen("BFF_METRICS_ADDR", cfg.MetricsAddr)
	if err != nil {
		_ = ln.Close()
		return err
	}
	// A GET carries its operation in the URL, which net/http reads with the
	// headers: room for a URL as long as the body limit, so that one longer
	// reaches the BFF and is refused as a GraphQL error (URI_TOO_LONG)
	// rather than by net/http's plain-text 431.
	srv := newHTTPServer(a.Handler, log, cfg.MaxBodyBytes+headerBytes)
	metricsSrv := newHTTPServer(a.MetricsHandler, log, headerBytes)
	if cfg.PprofAddr != "" {
		stopPprof, err := servePprof(cfg.PprofAddr, log)
		if err != nil {
			_ = ln.Close()
			_ = mln.Close()
			return err
		}
		defer stopPprof()
	}

	bg, cancelBG := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelBG()
	go a.Run(bg)

	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()
	go func() { errc <- metricsSrv.Serve(mln) }()
	log.Info("listening", slog.String("addr", ln.Addr().String()),
		slog.String("metrics_addr", mln.Addr().String()), slog.String("env", cfg.Env))
	ready(ln.Addr(), mln.Addr())

	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}

	// Not ready first, and still serving for the drain delay, so the load
	// balancer stops sending work; then the subscriptions go (clients
	// reconnect to another replica); then the in-flight requests get until
	// the deadline to finish.
	log.Info("shutting down", server.DurationMS("drain_delay_ms", cfg.DrainDelay), server.DurationMS("deadline_ms", cfg.ShutdownTimeout))
	a.Health.SetDraining()
	time.Sleep(cfg.DrainDelay)
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	errLive := a.Shutdown(sctx)
	errHTTP := srv.Shutdown(sctx)
	errMetrics := metricsSrv.Shutdown(sctx)
	if err := errors.Join(errLive, errHTTP, errMetrics); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}

// listen opens addr, the value of setting; its error names the setting, so
// "address already in use" says what to change.
func listen(setting, addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%s=%s: %w (set %s to a free address)", setting, addr, err, setting)
	}
	return ln, nil
}

// headerBytes bounds a request's header fields (the URL aside: see serve).
const headerBytes = 64 << 10

// newHTTPServer is a server of h whose request line and header fields take at
// most maxHeaderBytes (net/http answers a plain 431 past them).
func newHTTPServer(h http.Handler, log *slog.Logger, maxHeaderBytes int) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		// No WriteTimeout: subscriptions (SSE, WebSocket) are long-lived and
		// set their own write deadlines; queries are bounded by the upstream
		// timeouts.
		IdleTimeout:    120 * time.Second,
		MaxHeaderBytes: maxHeaderBytes,
		ErrorLog:       slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

func newLogger(level string, w io.Writer) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level)) // checked by config
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}

// tuneGC sets GOGC and GOMEMLIMIT where the environment does not (see
// internal/gctune) and logs what is in force.
func tuneGC(log *slog.Logger) {
	s, err := gctune.Apply(gctune.Options{})
	if err != nil {
		log.Warn("no memory limit taken from the container", slog.Any("error", err))
	}
	log.Info("garbage collector", slog.Int("gogc", s.GCPercent), slog.String("gogc_from", s.GCPercentFrom),
		slog.Int64("gomemlimit_bytes", s.MemoryLimit), slog.String("gomemlimit_from", s.MemoryLimitFrom))
}
