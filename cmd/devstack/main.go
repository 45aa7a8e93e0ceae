// Command devstack runs the reference upstreams (RAS, CMS, Entitlements) on
// fixed local addresses, optionally with the lifecycle simulator publishing
// batch events to Redis, so the BFF can be run against them by hand.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/essaylab/teacher-bff/internal/devstack"
	"github.com/essaylab/teacher-bff/internal/events"
	"github.com/essaylab/teacher-bff/internal/probe"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx)
	stop()
	if err != nil {
		slog.Error("devstack failed", "error", err)
		os.Exit(1)
	}
}

type config struct {
	rasAddr, cmsAddr, entAddr string
	apiKey                    string
	allowedServices           string
	latency, jitter           time.Duration
	simulate                  time.Duration
	redisURL                  string
	seed                      int64
	debug                     bool
}

func parseFlags(args []string) (config, error) {
	var c config
	fs := flag.NewFlagSet("devstack", flag.ContinueOnError)
	fs.StringVar(&c.rasAddr, "ras-addr", "127.0.0.1:4201", "listen address of RAS")
	fs.StringVar(&c.cmsAddr, "cms-addr", "127.0.0.1:4202", "listen address of CMS")
	fs.StringVar(&c.entAddr, "entitlements-addr", "127.0.0.1:4203", "listen address of Entitlements")
	fs.StringVar(&c.apiKey, "api-key", devstack.DefaultAPIKey, "expected X-Internal-API-Key")
	fs.StringVar(&c.allowedServices, "allowed-services", "", "comma-separated X-Service-ID allow-list (empty: any)")
	fs.DurationVar(&c.latency, "latency", 0, "added latency per request")
	fs.DurationVar(&c.jitter, "jitter", 0, "uniform ± jitter on the latency")
	fs.DurationVar(&c.simulate, "simulate", 0, "simulator tick interval (0: no simulator)")
	fs.StringVar(&c.redisURL, "redis-url", "", "publish simulator events to this Redis (empty: log them)")
	fs.Int64Var(&c.seed, "seed", 1, "data seed")
	fs.BoolVar(&c.debug, "debug", false, "log every request")
	if err := fs.Parse(args); err != nil {
		return c, fmt.Errorf("parse flags: %w", err)
	}
	return c, nil
}

func run(ctx context.Context) error {
	if len(os.Args) > 1 && os.Args[1] == "probe" {
		// The image has no shell and no curl: its health check is
		// `devstack probe http://127.0.0.1:4201/healthz`.
		if len(os.Args) != 3 {
			return errors.New("usage: devstack probe URL")
		}
		return probe.Get(ctx, os.Args[2])
	}
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		return err
	}
	level := slog.LevelInfo
	if cfg.debug {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	slog.SetDefault(log)

	var allowed []string
	if cfg.allowedServices != "" {
		for _, id := range strings.Split(cfg.allowedServices, ",") {
			allowed = append(allowed, strings.TrimSpace(id))
		}
	}
	stack, err := devstack.Start(devstack.Options{
		Seed: cfg.seed, APIKey: cfg.apiKey, AllowedServiceIDs: allowed,
		RASAddr: cfg.rasAddr, CMSAddr: cfg.cmsAddr, EntitlementsAddr: cfg.entAddr,
		Logger: log,
	})
	if err != nil {
		return fmt.Errorf("start stack: %w", err)
	}
	for _, svc := range stack.Services() {
		svc.SetLatency(cfg.latency, cfg.jitter)
	}
	log.Info("devstack listening",
		"ras", stack.RAS.URL, "cms", stack.CMS.URL, "entitlements", stack.Entitlements.URL,
		"seed", cfg.seed, "now", stack.Store.Now(),
		"teachers", []string{devstack.TeacherWithOrg, devstack.TeacherWithoutOrg,
			devstack.TeacherColleague, devstack.TeacherEmpty})

	simCtx, stopSim := context.WithCancel(ctx)
	var wg sync.WaitGroup
	var closePub func() error
	if cfg.simulate > 0 {
		var pub events.Publisher
		pub, closePub, err = publisher(ctx, cfg.redisURL, log)
		if err != nil {
			stopSim()
			return errors.Join(err, stack.Close())
		}
		sim := devstack.NewSimulator(stack.Store, pub, devstack.SimulatorOptions{Interval: cfg.simulate, Logger: log})
		wg.Go(func() { _ = sim.Run(simCtx) })
		log.Info("simulator running", "interval", cfg.simulate.String(), "redis", cfg.redisURL != "")
	} else if cfg.redisURL != "" {
		log.Warn("-redis-url is unused without -simulate")
	}

	<-ctx.Done()
	log.Info("shutting down")
	stopSim()
	wg.Wait()
	errs := []error{stack.Close()}
	if closePub != nil {
		errs = append(errs, closePub())
	}
	return errors.Join(errs...)
}

// publisher is Redis when a URL is given, else a log line per event so the
// simulator can be watched without Redis.
func publisher(ctx context.Context, redisURL string, log *slog.Logger) (events.Publisher, func() error, error) {
	if redisURL == "" {
		return logPublisher{log}, func() error { return nil }, nil
	}
	opts, err := redis.ParseURL(redisURL)
	if err != nil {
		return nil, nil, fmt.Errorf("parse -redis-url: %w", err)
	}
	client := redis.NewClient(opts)
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := client.Ping(pingCtx).Err(); err != nil {
		return nil, nil, errors.Join(fmt.Errorf("ping redis at %s: %w", opts.Addr, err), client.Close())
	}
	return events.NewRedisPublisher(client), client.Close, nil
}

type logPublisher struct{ log *slog.Logger }

func (p logPublisher) Publish(ctx context.Context, userID string, message []byte) error {
	p.log.InfoContext(ctx, "event", "channel", events.Channel(userID), "message", json.RawMessage(message))
	return nil
}
