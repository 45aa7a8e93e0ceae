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
	"runtime"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/essaylab/teacher-bff/internal/app"
	"github.com/essaylab/teacher-bff/internal/auth"
	"github.com/essaylab/teacher-bff/internal/bench"
	"github.com/essaylab/teacher-bff/internal/cms"
	"github.com/essaylab/teacher-bff/internal/config"
	"github.com/essaylab/teacher-bff/internal/entitlements"
	"github.com/essaylab/teacher-bff/internal/gctune"
	"github.com/essaylab/teacher-bff/internal/loaders"
	"github.com/essaylab/teacher-bff/internal/ras"
	"github.com/essaylab/teacher-bff/internal/upstream"
)

// Serve modes.
const (
	modeGraphQL        = "graphql"         // app.New as cmd/bff wires it
	modeGraphQLNoBatch = "graphql-nobatch" // the same with loaders.Config{Disabled: true}
	modeREST           = "rest"            // the REST baseline
)

// serve is `bffbench serve`: a server the tool starts as its own
// subprocess, configured by the same BFF_* variables as cmd/bff, for what
// cmd/bff cannot be told to be (batching off, the REST baseline) and for
// profiles (cmd/bff has no pprof endpoint).
func serve(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("bffbench serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	mode := fs.String("mode", modeGraphQL, "graphql, graphql-nobatch or rest")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole life of the server here")
	heapProfile := fs.String("heapprofile", "", "write a heap profile here on SIGUSR1 (and the goroutines, as text, beside it)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := config.FromEnv(false)
	if err != nil {
		return err
	}
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level}))
	// Every server the tool measures, the REST baseline too, runs with the
	// collector settings cmd/bff runs with, so the ratios compare the code.
	if _, err := gctune.Apply(gctune.Options{}); err != nil {
		log.Warn("no memory limit taken from the container", slog.Any("error", err))
	}

	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer func() {
			pprof.StopCPUProfile()
			_ = f.Close()
		}()
	}
	if *heapProfile != "" {
		usr1 := make(chan os.Signal, 1)
		signal.Notify(usr1, syscall.SIGUSR1)
		defer signal.Stop(usr1)
		go func() {
			for range usr1 {
				if err := writeHeapProfile(*heapProfile); err != nil {
					log.Error("heap profile", "error", err.Error())
				}
			}
		}()
	}

	var (
		handler, metrics http.Handler
		shutdown         = func(context.Context) error { return nil }
	)
	bg, cancelBG := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelBG()
	switch *mode {
	case modeGraphQL, modeGraphQLNoBatch:
		a, err := app.New(cfg, app.Options{Logger: log, Loaders: loaders.Config{Disabled: *mode == modeGraphQLNoBatch}})
		if err != nil {
			return err
		}
		handler, metrics, shutdown = a.Handler, a.MetricsHandler, a.Shutdown
		go a.Run(bg)
	case modeREST:
		if handler, err = restBaseline(cfg, log); err != nil {
			return err
		}
	default:
		return fmt.Errorf("serve: unknown -mode %q", *mode)
	}

	errc := make(chan error, 2)
	servers := []*http.Server{}
	for _, l := range []struct {
		addr string
		h    http.Handler
	}{{cfg.ListenAddr, handler}, {cfg.MetricsAddr, metrics}} {
		if l.h == nil {
			continue
		}
		ln, err := net.Listen("tcp", l.addr)
		if err != nil {
			return err
		}
		// The timeouts of cmd/bff's servers.
		srv := &http.Server{Handler: l.h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second,
			IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10,
			ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
		servers = append(servers, srv)
		go func() { errc <- srv.Serve(ln) }()
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	errs := []error{shutdown(sctx)}
	for _, srv := range servers {
		errs = append(errs, srv.Shutdown(sctx))
	}
	return errors.Join(errs...)
}

// restBaseline is the REST baseline on the BFF's upstream clients and its
// authenticator, configured from the same variables.
func restBaseline(cfg config.Config, log *slog.Logger) (http.Handler, error) {
	up := func(url string) upstream.Config {
		return upstream.Config{BaseURL: url, APIKey: cfg.InternalAPIKey, ServiceID: cfg.ServiceID, Timeout: cfg.UpstreamTimeout}
	}
	r, errR := ras.New(up(cfg.RASURL))
	c, errC := cms.New(up(cfg.CMSURL))
	e, errE := entitlements.New(up(cfg.EntitlementsURL))
	authn, errA := auth.New(auth.Config{Secret: []byte(cfg.JWTSecret), Audience: cfg.JWTAudience,
		Issuer: cfg.JWTIssuer, OrgClaim: cfg.JWTOrgClaim})
	if err := errors.Join(errR, errC, errE, errA); err != nil {
		return nil, err
	}
	return bench.RESTHandler(&bench.Aggregator{RAS: r, CMS: c, Entitlements: e}, authn, log), nil
}

func writeHeapProfile(path string) error {
	runtime.GC()
	for _, p := range []struct {
		name, path string
		debug      int
	}{{"heap", path, 0}, {"goroutine", strings.TrimSuffix(path, ".heap.pprof") + ".goroutines.txt", 1}} {
		f, err := os.Create(p.path)
		if err != nil {
			return err
		}
		err = pprof.Lookup(p.name).WriteTo(f, p.debug)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}
