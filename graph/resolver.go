package graph

import (
	"context"
	"log/slog"

	"github.com/99designs/gqlgen/graphql"

	"github.com/essaylab/teacher-bff/internal/entitlements"
	"github.com/essaylab/teacher-bff/internal/gqlerr"
	"github.com/essaylab/teacher-bff/internal/ras"
)

// BatchLister is what the resolvers need of RAS directly; lookups by id go
// through the operation's loaders.
type BatchLister interface {
	ListBatches(ctx context.Context, p ras.ListParams) (ras.Page, error)
}

// CreditSource is what the resolvers need of Entitlements.
type CreditSource interface {
	Balance(ctx context.Context, userID string) (entitlements.Balance, error)
}

// Deps are the resolvers' dependencies: interfaces, so tests and benchmarks
// can pass clients of real test servers or anything else.
type Deps struct {
	RAS     BatchLister
	Credits CreditSource
	// Updates and Base serve the batchStatusChanged subscription.
	Updates UpdateSource
	Base    BatchBase
	Logger  *slog.Logger
}

// Resolver is the root of the resolvers.
type Resolver struct {
	deps Deps
}

// NewSchema is the one place that builds gqlgen's Config.
func NewSchema(deps Deps) graphql.ExecutableSchema {
	return NewExecutableSchema(Config{Resolvers: NewResolver(deps)})
}

// NewResolver returns the root resolver; tests drive the subscription
// through it directly.
func NewResolver(deps Deps) *Resolver {
	if deps.Logger == nil {
		deps.Logger = slog.Default()
	}
	return &Resolver{deps: deps}
}

var (
	_ QueryResolver        = (*queryResolver)(nil)
	_ TeacherResolver      = (*teacherResolver)(nil)
	_ BatchResolver        = (*batchResolver)(nil)
	_ SubscriptionResolver = (*subscriptionResolver)(nil)
)

// badInput is shorthand for the resolvers' argument checks.
var badInput = gqlerr.BadInput
