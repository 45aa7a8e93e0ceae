// Package app wires the BFF together: configuration in, an HTTP handler out.
// cmd/bff, the tests and the benchmarks all build the BFF through it, so
// they run the same thing.
package app

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/redis/go-redis/v9"

	"github.com/essaylab/teacher-bff/graph"
	"github.com/essaylab/teacher-bff/internal/auth"
	"github.com/essaylab/teacher-bff/internal/cms"
	"github.com/essaylab/teacher-bff/internal/config"
	"github.com/essaylab/teacher-bff/internal/conntrack"
	"github.com/essaylab/teacher-bff/internal/entitlements"
	"github.com/essaylab/teacher-bff/internal/events"
	"github.com/essaylab/teacher-bff/internal/health"
	"github.com/essaylab/teacher-bff/internal/incremental"
	"github.com/essaylab/teacher-bff/internal/limits"
	"github.com/essaylab/teacher-bff/internal/loaders"
	"github.com/essaylab/teacher-bff/internal/metrics"
	"github.com/essaylab/teacher-bff/internal/persisted"
	"github.com/essaylab/teacher-bff/internal/playground"
	"github.com/essaylab/teacher-bff/internal/ras"
	"github.com/essaylab/teacher-bff/internal/ratelimit"
	"github.com/essaylab/teacher-bff/internal/resilience"
	"github.com/essaylab/teacher-bff/internal/server"
	"github.com/essaylab/teacher-bff/internal/upstream"
)

// Options are the parts of the wiring that are not configuration.
type Options struct {
	Logger *slog.Logger
	// Demo lets anonymous requests reach the schema (for the playground)
	// and prefills the playground with PlaygroundHeaders and, by operation
	// name, PlaygroundVariables.
	Demo                bool
	PlaygroundHeaders   map[string]string
	PlaygroundVariables map[string]map[string]any
	// Loaders tunes batching; the zero value is production's.
	Loaders loaders.Config
	// Events overrides the event source that cfg.RedisURL selects (the
	// demo passes the bus its simulator publishes on).
	Events events.Source
	// RateLimitPrefix prefixes the keys of the teachers' budgets in Redis
	// (default "teacher-bff:"): replicas sharing one prefix share budgets.
	// Tests give each BFF its own unless they test the sharing.
	RateLimitPrefix string
	// KeepAlive is the subscriptions' ping interval; zero for the default.
	KeepAlive time.Duration
}

// App is a wired BFF.
type App struct {
	Handler http.Handler
	// MetricsHandler serves /metrics, on a listener of its own.
	MetricsHandler http.Handler
	Metrics        *metrics.Metrics
	Health         *health.Prober
	Hub            *events.Hub
	// Live ends the subscriptions on shutdown.
	Live *conntrack.Tracker
	// Playground serves GraphiQL (development and the demo); nil when off.
	Playground *playground.Handler
	// RedisClientName names this replica's Redis connections (CLIENT LIST
	// shows it to operators); empty without Redis.
	RedisClientName string

	closers []func() error
}

// New builds the BFF from cfg.
func New(cfg config.Config, o Options) (*App, error) {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	a := &App{Live: &conntrack.Tracker{}, Metrics: metrics.New()}
	res := resilience.Defaults()
	res.Breaker.OnStateChange = func(service, _, to string) { a.Metrics.Circuit(service, to) }
	up := func(service, url string) upstream.Config {
		return upstream.Config{
			BaseURL:    url,
			APIKey:     cfg.InternalAPIKey,
			ServiceID:  cfg.ServiceID,
			Timeout:    cfg.UpstreamTimeout,
			Middleware: resilience.New(service, res),
			Observe:    a.Metrics.Upstream,
		}
	}
	rasClient, errRAS := ras.New(up(upstream.ServiceRAS, cfg.RASURL))
	cmsClient, errCMS := cms.New(up(upstream.ServiceCMS, cfg.CMSURL))
	entClient, errEnt := entitlements.New(up(upstream.ServiceEntitlements, cfg.EntitlementsURL))
	authn, errAuth := auth.New(auth.Config{
		Secret:       []byte(cfg.JWTSecret),
		Audience:     cfg.JWTAudience,
		Issuer:       cfg.JWTIssuer,
		OrgClaim:     cfg.JWTOrgClaim,
		TrustGateway: cfg.TrustGateway,
	})
	rdb, errRedis := a.redisClient(cfg)
	if err := errors.Join(errRAS, errCMS, errEnt, errAuth, errRedis); err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}
	src := eventSource(rdb, o)
	// Class names rarely change: dashboards and live updates share a cache
	// of them rather than ask CMS every time. "No class" is kept briefly,
	// and a batch's event drops what is kept about it.
	classes := cms.NewCachedClient(cmsClient, cms.CacheOptions{
		TTL: cfg.ClassCacheTTL, MissTTL: cfg.ClassCacheMissTTL, Size: cms.DefaultClassInfoSize,
	})
	classes.OnLookup = func(hit bool) { a.Metrics.CacheLookup("class-info", hit) }
	for _, s := range []string{upstream.ServiceRAS, upstream.ServiceCMS, upstream.ServiceEntitlements} {
		a.Metrics.Circuit(s, "closed")
	}
	a.Hub = events.NewHub(src, events.HubOptions{Logger: o.Logger,
		OnUpdate: func(u events.Update) { classes.Forget(u.BatchID) }})
	a.Metrics.Hub(a.Hub.Stats)
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", a.Metrics.Handler())
	a.MetricsHandler = mux
	// Closed in this order: subscribers, then the source, then Redis.
	a.closers = append([]func() error{func() error { a.Hub.Close(); return nil }, src.Close}, a.closers...)

	a.Health = health.NewProber(5*time.Second, 2*time.Second,
		health.Check{Name: upstream.ServiceRAS, Probe: rasClient.Healthy},
		health.Check{Name: upstream.ServiceCMS, Probe: cmsClient.Healthy},
		health.Check{Name: upstream.ServiceEntitlements, Probe: entClient.Healthy},
		health.Check{Name: "events", Probe: a.Hub.Healthy},
	)
	a.Metrics.Readiness(a.Health.Ready)
	a.Metrics.EventSource(a.Hub.Healthy)

	schema := graph.NewSchema(graph.Deps{
		RAS:     rasClient,
		Credits: entClient,
		Updates: a.Hub,
		Base:    newBatchBase(rasClient, cfg.UpstreamTimeout),
		Logger:  o.Logger,
	})
	lc := o.Loaders
	lc.Observe = a.Metrics.Batch
	var trusted *persisted.Trusted
	if cfg.TrustedDocuments != "" {
		var err error
		if trusted, err = persisted.LoadTrusted(schema.Schema(), cfg.TrustedDocuments); err != nil {
			return nil, fmt.Errorf("app: trusted documents: %w", err)
		}
	}
	pruner, err := incremental.New(schema.Schema(), graph.HeldBack)
	if err != nil {
		return nil, fmt.Errorf("app: @defer payloads: %w", err)
	}
	devMode := o.Demo || cfg.Introspection
	if devMode {
		var err error
		if a.Playground, err = newPlayground(schema.Schema(), o); err != nil {
			return nil, err
		}
	}
	a.Handler = server.New(server.Options{
		Schema:            schema,
		Loaders:           loaders.NewFactory(classes, rasClient, entClient, lc),
		LiveLoaders:       loaders.NewFactory(newLiveCMS(classes, cfg.UpstreamTimeout), rasClient, entClient, lc),
		Plan:              graph.PlanOperation,
		Incremental:       pruner,
		Auth:              authn,
		Health:            a.Health,
		Logger:            o.Logger,
		AllowAnonymous:    o.Demo,
		Introspection:     devMode,
		Playground:        a.Playground,
		AllowedOrigins:    cfg.AllowedOrigins,
		AllowLocalOrigins: o.Demo && len(cfg.AllowedOrigins) == 0,
		APQ:               persistedQueries(rdb, o.Logger),
		Trusted:           trusted,
		HideSuggestions:   cfg.Production(),
		MaxBodyBytes:      int64(cfg.MaxBodyBytes),
		Limits: limits.Config{
			MaxDepth:      cfg.MaxDepth,
			MaxComplexity: cfg.MaxComplexity,
			MaxAliases:    cfg.MaxAliases,
		},
		Live:        a.Live,
		KeepAlive:   o.KeepAlive,
		Metrics:     a.Metrics,
		RateLimiter: rateLimiter(cfg.RateLimit, rdb, o),
	})
	return a, nil
}

// rateLimiter is the teachers' budget of limit operations a minute: in
// Redis when there is one, so all replicas share it; else in this process
// (nil when limit is 0: off).
func rateLimiter(limit int, rdb *redis.Client, o Options) ratelimit.Limiter {
	prefix := o.RateLimitPrefix
	if prefix == "" {
		prefix = "teacher-bff:"
	}
	switch {
	case limit <= 0:
		return nil
	case rdb != nil:
		return ratelimit.NewShared(rdb, prefix, limit, time.Minute, o.Logger)
	default:
		return ratelimit.NewLocal(limit, time.Minute)
	}
}

// redisClient connects to BFF_REDIS_URL (nil when unset). Its connections
// carry a name per replica, so operators can tell them apart in CLIENT LIST.
func (a *App) redisClient(cfg config.Config) (*redis.Client, error) {
	if cfg.RedisURL == "" {
		return nil, nil
	}
	opts, err := redis.ParseURL(cfg.RedisURL)
	if err != nil {
		// The URL may carry a password: say what is wrong, not what it is.
		return nil, errors.New("BFF_REDIS_URL is not a valid redis:// URL")
	}
	a.RedisClientName = "teacher-bff-" + rand.Text()[:8]
	opts.ClientName = a.RedisClientName
	c := redis.NewClient(opts)
	a.closers = append(a.closers, c.Close)
	return c, nil
}

// eventSource is Redis pub/sub when configured, else the in-process bus.
func eventSource(rdb *redis.Client, o Options) events.Source {
	switch {
	case o.Events != nil:
		return o.Events
	case rdb != nil:
		return events.NewRedisSource(rdb, events.RedisOptions{Logger: o.Logger})
	default:
		return events.NewMemoryBus()
	}
}

// persistedQueries is the APQ cache: shared through Redis when there is one,
// so a hash registered on one replica is known to all.
func persistedQueries(rdb *redis.Client, log *slog.Logger) graphql.Cache[string] {
	local := persisted.NewMemoryCache(1000)
	if rdb == nil {
		return local
	}
	return persisted.NewRedisCache(rdb, 24*time.Hour, local, persisted.WithLogger(log))
}

// Run keeps the background work going (the readiness prober) until ctx is
// done.
func (a *App) Run(ctx context.Context) {
	a.Health.Run(ctx)
}

// Shutdown ends the subscriptions (their clients reconnect elsewhere) and
// releases the event source. The HTTP server is drained by its owner.
func (a *App) Shutdown(ctx context.Context) error {
	errs := []error{a.Live.Shutdown(ctx)}
	for _, c := range a.closers {
		errs = append(errs, c())
	}
	return errors.Join(errs...)
}
