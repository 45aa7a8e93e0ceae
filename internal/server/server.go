// Package server is the BFF's HTTP surface: the router, the GraphQL handler
// with its transports and per-operation wiring, the playground and the
// health endpoints.
package server

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/go-chi/chi/v5"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/essaylab/teacher-bff/internal/auth"
	"github.com/essaylab/teacher-bff/internal/coercion"
	"github.com/essaylab/teacher-bff/internal/conntrack"
	"github.com/essaylab/teacher-bff/internal/correlation"
	"github.com/essaylab/teacher-bff/internal/gqlerr"
	"github.com/essaylab/teacher-bff/internal/gqlhttp"
	"github.com/essaylab/teacher-bff/internal/gqlwire"
	"github.com/essaylab/teacher-bff/internal/health"
	"github.com/essaylab/teacher-bff/internal/incremental"
	"github.com/essaylab/teacher-bff/internal/limits"
	"github.com/essaylab/teacher-bff/internal/loaders"
	"github.com/essaylab/teacher-bff/internal/metrics"
	"github.com/essaylab/teacher-bff/internal/persisted"
	"github.com/essaylab/teacher-bff/internal/playground"
	"github.com/essaylab/teacher-bff/internal/ratelimit"
	"github.com/essaylab/teacher-bff/internal/sse"
	"github.com/essaylab/teacher-bff/internal/tracing"
	"github.com/essaylab/teacher-bff/internal/wstransport"
)

// Options are what the server is built from.
type Options struct {
	Schema  graphql.ExecutableSchema
	Loaders *loaders.Factory
	// LiveLoaders serve subscription events (shorter-lived caches in front
	// of the upstreams); nil means Loaders.
	LiveLoaders *loaders.Factory
	// Plan reads from an operation what its resolvers will fetch (the
	// schema's knowledge: graph.PlanOperation), so its loaders know when
	// the last page is in; nil plans nothing.
	Plan   func(context.Context) loaders.Plan
	Auth   *auth.Authenticator
	Health *health.Prober
	Logger *slog.Logger
	// AllowAnonymous lets requests without credentials through to the
	// GraphQL layer (the demo's playground loads the schema that way);
	// viewer still fails for them. Off everywhere but the demo.
	AllowAnonymous bool
	// Introspection is on in development and the demo.
	Introspection bool
	// Playground serves GraphiQL at / and its files under
	// playground.AssetsPrefix (development and the demo); nil for none.
	Playground *playground.Handler
	// AllowedOrigins are the browser origins that may open subscriptions
	// (and, cross-origin, send queries). Requests without an Origin header
	// (not from a browser) are not subject to it.
	AllowedOrigins []string
	// AllowLocalOrigins also allows every local development origin:
	// http(s)://localhost, 127.0.0.1 and [::1] on any port (a Vite or Next
	// dev server calling the demo). Only the demo sets it, and only when
	// BFF_ALLOWED_ORIGINS is empty.
	AllowLocalOrigins bool
	// Live is the transport tracker of the subscriptions; main ends them
	// through it on shutdown.
	Live *conntrack.Tracker
	// KeepAlive is the ping interval of subscriptions; zero for the default.
	KeepAlive time.Duration
	// Limits bound what one operation may ask for (the zero value is the
	// defaults).
	Limits limits.Config
	// APQ caches automatic persisted queries; nil turns APQ off.
	APQ graphql.Cache[string]
	// Trusted, when set, lets only the registered documents run.
	Trusted *persisted.Trusted
	// MaxBodyBytes bounds request bodies (zero: the transport's default).
	MaxBodyBytes int64
	// HideSuggestions leaves "Did you mean …" out of validation errors, so
	// they do not reveal the schema (production).
	HideSuggestions bool
	// Metrics observes operations; nil observes nothing.
	Metrics *metrics.Metrics
	// RateLimiter holds the teachers' operation budgets, debited by every
	// HTTP request and every operation on a WebSocket; nil turns the limit
	// off.
	RateLimiter ratelimit.Limiter
	// Incremental drops from the payloads of an operation with @defer the
	// null placeholders gqlgen's executor leaves where it deferred a field,
	// on every transport (DeferStream RFC: a deferred field is absent until
	// delivered); nil sends gqlgen's payloads as they are.
	Incremental *incremental.Pruner
}

// New returns the BFF's HTTP handler.
func New(o Options) http.Handler {
	r := chi.NewRouter()
	r.Use(correlation.Middleware)
	r.Use(tracing.Middleware)
	r.Use(accessLog(o.Logger, o.Metrics))
	r.Use(recoverer(o.Logger))

	r.Get("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	r.Get("/readyz", func(w http.ResponseWriter, _ *http.Request) {
		ready, statuses := o.Health.Ready()
		code := http.StatusOK
		if !ready {
			code = http.StatusServiceUnavailable
		}
		writeJSON(w, code, map[string]any{"ready": ready, "checks": statuses})
	})

	gql := newGraphQL(o)
	r.With(
		corsPolicy(originChecker(o.AllowedOrigins, o.AllowLocalOrigins)),
		csrf(o.Auth.TrustsGateway()),
		authenticate(o.Auth, o.AllowAnonymous),
		rateLimit(o.RateLimiter),
	).Handle("/graphql", gql)

	if o.Playground != nil {
		r.Get("/", o.Playground.ServeHTTP)
		r.Get(playground.AssetsPrefix+"*", o.Playground.ServeHTTP)
	}
	return r
}

// newGraphQL builds gqlgen's handler with our transports and wiring.
func newGraphQL(o Options) *handler.Server {
	srv := handler.New(o.Schema)
	origins := originChecker(o.AllowedOrigins, o.AllowLocalOrigins)
	srv.AddTransport(wstransport.Websocket{Options: wstransport.Options{
		Init:        wsInit(o.Auth),
		KeepAlive:   o.KeepAlive,
		CheckOrigin: origins,
		// One body limit for every transport: a subscribe message is a
		// GraphQL request like a POST body.
		MaxMessageBytes: o.MaxBodyBytes,
		Tracker:         o.Live,
		Logger:          o.Logger,
	}})
	srv.AddTransport(gqlhttp.Transport{Options: gqlhttp.Options{
		MaxBodyBytes: o.MaxBodyBytes,
		SSE: sse.Options{
			KeepAlive: o.KeepAlive,
			Expiry:    expiry,
			Tracker:   o.Live,
			Logger:    o.Logger,
		},
	}})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.SetErrorPresenter(gqlerr.Presenter(o.Logger))
	srv.SetRecoverFunc(gqlerr.Recover(o.Logger))
	srv.SetParserTokenLimit(limits.ParserTokenLimit)
	srv.SetDisableSuggestion(o.HideSuggestions)
	srv.SetValidationRulesFn(coercion.Rules)
	if o.Introspection {
		srv.Use(extension.Introspection{})
	} else {
		srv.Use(introspectionOff{})
	}
	// A WebSocket's operations are debited first, before any parse.
	if o.RateLimiter != nil {
		srv.Use(operationBudget{o.RateLimiter})
	}
	// The order matters: trusted documents first (or APQ would store ad-hoc
	// documents), the limits last (they check the query APQ filled in).
	if o.Trusted != nil {
		srv.Use(o.Trusted)
	}
	if o.APQ != nil {
		srv.Use(extension.AutomaticPersistedQuery{Cache: o.APQ})
	}
	// Ints among the variables are held to the spec before gqlgen coerces
	// them, and before the limits read page sizes from them.
	srv.Use(coercion.New(limits.ParserTokenLimit))
	srv.Use(limits.New(o.Limits))
	// Loaders live per response: one per query, one per subscription event,
	// never per connection (a WebSocket carries many operations).
	srv.AroundResponses(func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		start := time.Now()
		factory := o.Loaders
		if isSubscription(ctx) && o.LiveLoaders != nil {
			factory = o.LiveLoaders
		}
		var plan loaders.Plan
		if o.Plan != nil {
			plan = o.Plan(ctx)
		}
		resp := next(loaders.AttachPlan(ctx, factory, plan))
		if resp != nil {
			name, typ := operationOf(ctx)
			o.Metrics.Operation(name, typ, time.Since(start), errorCodes(resp))
		}
		return resp
	})
	// Inside the one above: its operation metrics time the pruning too.
	if o.Incremental != nil {
		srv.AroundResponses(o.Incremental.Middleware(o.Logger))
	}
	return srv
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// accessLog logs one line per request, never its headers (they carry
// tokens) or body, and counts it by status; it tells the metrics the code
// of every request refused before GraphQL runs. Probes (/healthz, /readyz)
// log at debug: they come every few seconds. Durations are milliseconds.
func accessLog(log *slog.Logger, m *metrics.Metrics) func(http.Handler) http.Handler {
	observe := func(code gqlerr.Code) { m.Error(string(code)) }
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
			next.ServeHTTP(sw, r.WithContext(gqlwire.ObserveRefusals(r.Context(), observe)))
			m.HTTPRequest(sw.status)
			level := slog.LevelInfo
			if r.URL.Path == "/healthz" || r.URL.Path == "/readyz" {
				level = slog.LevelDebug
			}
			log.LogAttrs(r.Context(), level, "request",
				slog.String("correlation_id", correlation.FromContext(r.Context())),
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.Int("status", sw.status),
				DurationMS("duration_ms", time.Since(start)))
		})
	}
}

// DurationMS is a log attribute of d in milliseconds, as a float: the unit
// is in the key, and the value reads without knowing Go's nanoseconds.
func DurationMS(key string, d time.Duration) slog.Attr {
	return slog.Float64(key, float64(d)/float64(time.Millisecond))
}
