// Package loaders batches the per-batch lookups of one GraphQL operation:
// class info and validation status from CMS, and single batches from RAS.
//
// A fresh Loaders is made for every operation (and, for a subscription, for
// every event), so nothing cached here outlives the answer it was fetched for.
package loaders

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/essaylab/teacher-bff/internal/cms"
	"github.com/essaylab/teacher-bff/internal/entitlements"
	"github.com/essaylab/teacher-bff/internal/ras"
)

// ClassSource is what the loaders need of CMS.
type ClassSource interface {
	ClassInfo(ctx context.Context, batchIDs []string) (map[string]*cms.ClassInfo, error)
	ValidationStatus(ctx context.Context, batchIDs []string) (map[string]*cms.ValidationStatus, error)
}

// BatchSource is what the loaders need of RAS.
type BatchSource interface {
	GetBatch(ctx context.Context, batchID string) (*ras.Batch, error)
}

// Config tunes the batching. The zero value gives the defaults.
type Config struct {
	// Wait is how long a loader collects keys that arrive one by one (a
	// batch(id) query, a subscription event) before it calls the upstream.
	// Pages do not wait for it: their keys are dispatched the moment the
	// last page of the operation has arrived. Default 1ms.
	Wait time.Duration
	// PageWait bounds how long a page that has arrived waits for the other
	// pages of its operation. Waiting costs the operation nothing: its answer
	// cannot be complete before its slowest page anyway. The bound only lets
	// the early pages' lookups overlap a page that is far slower (or one that
	// never reports). Default 50ms.
	PageWait time.Duration
	// BatchTimeout is the deadline of one batch call. A batch serves many
	// callers, so it runs detached from the first caller's cancellation.
	// Default 10s.
	BatchTimeout time.Duration
	// MaxParallel bounds the concurrent upstream calls of one batch (RAS has
	// no bulk lookup by id, CMS takes 100 ids a call). Default 8.
	MaxParallel int
	// Disabled turns batching off: every Load is its own upstream call. It
	// exists to measure what batching saves, never for production.
	Disabled bool
	// Observe, when set, hears the size of every batch ("class",
	// "validation", "batch") for metrics.
	Observe func(loader string, size int)
}

func (c Config) withDefaults() Config {
	if c.Wait <= 0 {
		c.Wait = time.Millisecond
	}
	if c.PageWait <= 0 {
		c.PageWait = 50 * time.Millisecond
	}
	if c.BatchTimeout <= 0 {
		c.BatchTimeout = 10 * time.Second
	}
	if c.MaxParallel <= 0 {
		c.MaxParallel = 8
	}
	return c
}

// Factory makes the loaders of each operation.
type Factory struct {
	cms     ClassSource
	ras     BatchSource
	credits CreditSource
	cfg     Config
}

// NewFactory returns a Factory over the given upstreams.
func NewFactory(cmsSource ClassSource, rasSource BatchSource, credits CreditSource, cfg Config) *Factory {
	return &Factory{cms: cmsSource, ras: rasSource, credits: credits, cfg: cfg.withDefaults()}
}

// Loaders holds one operation's loaders and the gate its pages meet at.
type Loaders struct {
	class      *keyed[*cms.ClassInfo]
	validation *keyed[*cms.ValidationStatus]
	batch      *keyed[*ras.Batch]
	pages      *gate
	totals     *totals

	credits      onceByKey[entitlements.Balance]
	creditSource CreditSource
}

// New returns the loaders of one operation that will ask for `pages` pages
// of batches (0 when it asks for none).
func (f *Factory) New(pages int) *Loaders { return f.NewPlanned(Plan{Pages: pages}) }

// NewPlanned returns the loaders of one operation that will fetch what plan
// says.
func (f *Factory) NewPlanned(plan Plan) *Loaders {
	cfg := f.cfg
	l := &Loaders{
		class: newKeyed(cfg, chunked(cfg, "class", cms.MaxBatchIDs, func(ctx context.Context, ids []string) (map[string]*cms.ClassInfo, error) {
			return f.cms.ClassInfo(ctx, ids)
		})),
		validation: newKeyed(cfg, chunked(cfg, "validation", cms.MaxBatchIDs, func(ctx context.Context, ids []string) (map[string]*cms.ValidationStatus, error) {
			return f.cms.ValidationStatus(ctx, ids)
		})),
		batch: newKeyed(cfg, eachKey(cfg, "batch", func(ctx context.Context, id string) (*ras.Batch, error) {
			return f.ras.GetBatch(ctx, id)
		})),
		creditSource: f.credits,
	}
	l.pages = newGate(plan.Pages, cfg.PageWait, l.prefetch)
	l.totals = newTotals(plan.Lists, cfg.BatchTimeout)
	return l
}

// prefetch starts the CMS lookups of every batch on the operation's pages at
// once; the children of those batches then find them in the cache.
func (l *Loaders) prefetch(ctx context.Context, batchIDs []string) {
	l.class.prefetch(ctx, batchIDs)
	l.validation.prefetch(ctx, batchIDs)
}

type ctxKey struct{}

// lazy makes an operation's loaders on first use: a subscription waiting
// for its next event (most of its life) then holds none.
type lazy struct {
	once    sync.Once
	factory *Factory
	plan    Plan
	l       *Loaders
}

func (z *lazy) get() *Loaders {
	z.once.Do(func() {
		if z.l == nil {
			z.l = z.factory.NewPlanned(z.plan)
		}
	})
	return z.l
}

// With returns ctx carrying l.
func With(ctx context.Context, l *Loaders) context.Context {
	z := &lazy{l: l}
	return context.WithValue(ctx, ctxKey{}, z)
}

// AttachPlan returns ctx carrying the loaders of one operation that will
// fetch what plan says, made by f when first used.
func AttachPlan(ctx context.Context, f *Factory, plan Plan) context.Context {
	return context.WithValue(ctx, ctxKey{}, &lazy{factory: f, plan: plan})
}

// ErrNoLoaders is a wiring fault: a resolver ran outside an operation that
// was given loaders.
var ErrNoLoaders = errors.New("loaders: none in context")

func from(ctx context.Context) (*Loaders, error) {
	z, ok := ctx.Value(ctxKey{}).(*lazy)
	if !ok {
		return nil, ErrNoLoaders
	}
	return z.get(), nil
}

// load looks id up with the loader pick chooses from ctx's loaders.
func load[V any](ctx context.Context, pick func(*Loaders) *keyed[V], id string) (V, error) {
	l, err := from(ctx)
	if err != nil {
		var zero V
		return zero, err
	}
	return pick(l).load(ctx, id)
}

// Class returns the class of a batch; nil when CMS knows of none.
func Class(ctx context.Context, batchID string) (*cms.ClassInfo, error) {
	return load(ctx, func(l *Loaders) *keyed[*cms.ClassInfo] { return l.class }, batchID)
}

// Validation returns the student-validation status of a batch; nil when CMS
// has none.
func Validation(ctx context.Context, batchID string) (*cms.ValidationStatus, error) {
	return load(ctx, func(l *Loaders) *keyed[*cms.ValidationStatus] { return l.validation }, batchID)
}

// Batch returns one batch with its essays; ras.ErrNotFound when RAS has none.
// Whose batch it is stays for the caller to check.
func Batch(ctx context.Context, batchID string) (*ras.Batch, error) {
	return load(ctx, func(l *Loaders) *keyed[*ras.Batch] { return l.batch }, batchID)
}

// BatchNow is Batch for a key that waits for no other: it is dispatched at
// once instead of after the loader's wait (a root batch(id) field).
func BatchNow(ctx context.Context, batchID string) (*ras.Batch, error) {
	l, err := from(ctx)
	if err != nil {
		return nil, err
	}
	l.batch.prefetch(ctx, []string{batchID})
	return l.batch.load(ctx, batchID)
}

// PageLoaded reports a page of batches as fetched (with no ids when its fetch
// failed) and waits until the operation's other pages have arrived too, or
// until PageWait has passed since the first one did. Every page resolver calls
// it exactly once, so the class and validation lookups of all pages go out
// together in one call each.
func PageLoaded(ctx context.Context, batchIDs []string) {
	l, err := from(ctx)
	if err != nil {
		return
	}
	l.pages.arrive(ctx, batchIDs)
}
