// Package app wires the BFF together: configuration in, an HTTP handler out.
// cmd/bff, the tests and the benchmarks all build the BFF through it, so
// they run the same thing.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/essaylab/teacher-bff/graph"
	"github.com/essaylab/teacher-bff/internal/auth"
	"github.com/essaylab/teacher-bff/internal/cms"
	"github.com/essaylab/teacher-bff/internal/config"
	"github.com/essaylab/teacher-bff/internal/entitlements"
	"github.com/essaylab/teacher-bff/internal/health"
	"github.com/essaylab/teacher-bff/internal/loaders"
	"github.com/essaylab/teacher-bff/internal/ras"
	"github.com/essaylab/teacher-bff/internal/server"
	"github.com/essaylab/teacher-bff/internal/upstream"
)

// Options are the parts of the wiring that are not configuration.
type Options struct {
	Logger *slog.Logger
	// Demo lets anonymous requests reach the schema (for the playground)
	// and prefills the playground with PlaygroundHeaders.
	Demo              bool
	PlaygroundHeaders map[string]string
	// Loaders tunes batching; the zero value is production's.
	Loaders loaders.Config
}

// App is a wired BFF.
type App struct {
	Handler http.Handler
	Health  *health.Prober
}

// New builds the BFF from cfg.
func New(cfg config.Config, o Options) (*App, error) {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	up := func(url string) upstream.Config {
		return upstream.Config{
			BaseURL:   url,
			APIKey:    cfg.InternalAPIKey,
			ServiceID: cfg.ServiceID,
			Timeout:   cfg.UpstreamTimeout,
		}
	}
	rasClient, errRAS := ras.New(up(cfg.RASURL))
	cmsClient, errCMS := cms.New(up(cfg.CMSURL))
	entClient, errEnt := entitlements.New(up(cfg.EntitlementsURL))
	authn, errAuth := auth.New(auth.Config{
		Secret:       []byte(cfg.JWTSecret),
		Audience:     cfg.JWTAudience,
		Issuer:       cfg.JWTIssuer,
		OrgClaim:     cfg.JWTOrgClaim,
		TrustGateway: cfg.TrustGateway,
	})
	if err := errors.Join(errRAS, errCMS, errEnt, errAuth); err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}

	prober := health.NewProber(5*time.Second, 2*time.Second,
		health.Check{Name: upstream.ServiceRAS, Probe: rasClient.Healthy},
		health.Check{Name: upstream.ServiceCMS, Probe: cmsClient.Healthy},
		health.Check{Name: upstream.ServiceEntitlements, Probe: entClient.Healthy},
	)

	schema := graph.NewSchema(graph.Deps{
		RAS:     rasClient,
		Credits: entClient,
		Logger:  o.Logger,
	})
	devMode := o.Demo || !cfg.Production()
	handler := server.New(server.Options{
		Schema:            schema,
		Loaders:           loaders.NewFactory(cmsClient, rasClient, entClient, o.Loaders),
		Auth:              authn,
		Health:            prober,
		Logger:            o.Logger,
		AllowAnonymous:    o.Demo,
		Introspection:     devMode,
		Playground:        devMode,
		PlaygroundHeaders: o.PlaygroundHeaders,
	})
	return &App{Handler: handler, Health: prober}, nil
}

// Run keeps the background work going (the readiness prober) until ctx is
// done.
func (a *App) Run(ctx context.Context) {
	a.Health.Run(ctx)
}
