package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/essaylab/teacher-bff/internal/auth"
	"github.com/essaylab/teacher-bff/internal/config"
	"github.com/essaylab/teacher-bff/internal/devstack"
	"github.com/essaylab/teacher-bff/internal/events"
	"github.com/essaylab/teacher-bff/internal/playground"
)

// demo is the in-process dev stack, its lifecycle simulator and the
// credentials of its teacher.
type demo struct {
	stack *devstack.Stack
	token string
	// stableSecret is set when the token is signed with BFF_JWT_SECRET, so
	// it outlives this process and more can be minted with `bff token`.
	stableSecret bool
	// variables fill the playground's tabs, by operation name (a batch of
	// the demo teacher for BatchDetail).
	variables map[string]map[string]any
	// events is the in-process bus the simulator publishes on; nil when the
	// BFF subscribes to Redis (BFF_REDIS_URL), where the simulator publishes.
	events events.Source
	stop   func()
}

// startDemo starts the reference upstreams on loopback and points cfg at
// them, with a token for the demo teacher signed with BFF_JWT_SECRET when it
// is set (so the token survives restarts), else with a fresh secret.
func startDemo(ctx context.Context, cfg *config.Config, log *slog.Logger, latency time.Duration) (*demo, error) {
	stack, err := devstack.Start(devstack.Options{})
	if err != nil {
		return nil, fmt.Errorf("demo: start reference upstreams: %w", err)
	}
	for _, s := range stack.Services() {
		s.SetLatency(latency, latency/4)
	}
	stableSecret := cfg.JWTSecret != ""
	if !stableSecret {
		secret := make([]byte, 32)
		if _, err := rand.Read(secret); err != nil {
			stack.Close()
			return nil, fmt.Errorf("demo: make jwt secret: %w", err)
		}
		cfg.JWTSecret = hex.EncodeToString(secret)
	}
	cfg.RASURL = stack.RAS.URL
	cfg.CMSURL = stack.CMS.URL
	cfg.EntitlementsURL = stack.Entitlements.URL
	cfg.InternalAPIKey = devstack.DefaultAPIKey
	if _, set := os.LookupEnv("BFF_LISTEN_ADDR"); !set {
		// The demo lets anonymous callers load the schema: keep it on this
		// machine unless told otherwise.
		cfg.ListenAddr = "127.0.0.1:4101"
	}
	if _, set := os.LookupEnv("BFF_METRICS_ADDR"); !set {
		cfg.MetricsAddr = "127.0.0.1:9101"
	}
	// Without BFF_ALLOWED_ORIGINS, app allows the local development
	// origins (the playground's own, a Vite or Next dev server's).

	a, err := auth.New(auth.Config{Secret: []byte(cfg.JWTSecret), Audience: cfg.JWTAudience, Issuer: cfg.JWTIssuer, OrgClaim: cfg.JWTOrgClaim})
	if err != nil {
		stack.Close()
		return nil, fmt.Errorf("demo: %w", err)
	}
	token, err := a.Issue(auth.Teacher{ID: devstack.TeacherWithOrg, OrgID: devstack.OrgID}, 12*time.Hour)
	if err != nil {
		stack.Close()
		return nil, fmt.Errorf("demo: issue token: %w", err)
	}
	d := &demo{stack: stack, token: token, stableSecret: stableSecret}
	if ids := stack.Store.BatchIDs(devstack.TeacherWithOrg); len(ids) > 0 {
		d.variables = map[string]map[string]any{"BatchDetail": {"id": ids[0]}}
	}

	// Batches move through their lifecycle, and RAS's events reach the BFF
	// the way they would in production: over Redis when it is configured.
	var pub events.Publisher
	var rdb *redis.Client
	if cfg.RedisURL != "" {
		opts, err := redis.ParseURL(cfg.RedisURL)
		if err != nil {
			stack.Close()
			return nil, errors.New("demo: BFF_REDIS_URL is not a valid redis:// URL")
		}
		rdb = redis.NewClient(opts)
		pub = events.NewRedisPublisher(rdb)
	} else {
		bus := events.NewMemoryBus()
		d.events, pub = bus, bus
	}
	sim := devstack.NewSimulator(stack.Store, pub, devstack.SimulatorOptions{Interval: time.Second, Logger: log})
	simCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = sim.Run(simCtx)
	}()
	d.stop = func() {
		cancel()
		<-done
		if rdb != nil {
			_ = rdb.Close()
		}
	}
	log.Info("reference upstreams started",
		slog.String("ras", stack.RAS.URL), slog.String("cms", stack.CMS.URL),
		slog.String("entitlements", stack.Entitlements.URL),
		slog.Bool("events_over_redis", rdb != nil))
	return d, nil
}

func (d *demo) close() {
	d.stop()
	_ = d.stack.Close()
}

// print tells the person who started the demo where to go, and how to get
// more tokens; offline says whether the playground is the embedded build or
// the CDN page.
func (d *demo) print(w io.Writer, addr, metricsAddr net.Addr, offline bool) {
	host, authorization := hostOf(addr), "Bearer "+d.token
	page := "GraphiQL served by the BFF, works offline; the contract operations open as tabs, the header below filled in"
	if !offline {
		page = "GraphiQL from a CDN, needs the internet; the contract operations open as tabs, the header below\n" +
			"               filled in; for the offline build run\n" +
			"               " + playground.BuildCommand
	}
	fmt.Fprintf(w, `
Teacher BFF demo is ready.

  Playground:  http://%[1]s/
               (%[4]s)
  Endpoint:    http://%[1]s/graphql
  Metrics:     http://%[3]s/metrics

  Authorization header for the demo teacher:
    {"Authorization": "%[2]s"}

  Try:
    curl -s http://%[1]s/graphql -H 'Content-Type: application/json' \
      -H 'Authorization: %[2]s' \
      -d '{"query":"{ viewer { id credits { userBalance } batches(limit: 3) { totalCount nodes { title status class { name } } } } }"}'

`, host, authorization, hostOf(metricsAddr), page)
	if d.stableSecret {
		fmt.Fprintf(w, `  The token is signed with BFF_JWT_SECRET and lasts 12 hours, across restarts.
  Mint more (other teachers: %s, %s, %s; another lifetime):
    go run ./cmd/bff token -sub %s -ttl 24h

`, devstack.TeacherWithoutOrg, devstack.TeacherColleague, devstack.TeacherEmpty, devstack.TeacherWithoutOrg)
		return
	}
	fmt.Fprint(w, `  The token is signed with a secret made for this run: it stops working when
  the demo stops. For a token that survives restarts, and to mint more with
  "go run ./cmd/bff token -sub teacher-2", set BFF_JWT_SECRET (32 bytes or more)
  for both commands.

`)
}

func hostOf(addr net.Addr) string {
	if tcp, ok := addr.(*net.TCPAddr); ok && tcp.IP.IsUnspecified() {
		return fmt.Sprintf("localhost:%d", tcp.Port)
	}
	return addr.String()
}
