package loaders_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/essaylab/teacher-bff/internal/cms"
	"github.com/essaylab/teacher-bff/internal/devstack"
	"github.com/essaylab/teacher-bff/internal/entitlements"
	"github.com/essaylab/teacher-bff/internal/loaders"
	"github.com/essaylab/teacher-bff/internal/ras"
	"github.com/essaylab/teacher-bff/internal/upstream"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type fixture struct {
	stack   *devstack.Stack
	factory *loaders.Factory
}

func newFixture(t *testing.T, cfg loaders.Config) *fixture {
	t.Helper()
	stack, err := devstack.Start(devstack.Options{Now: time.Date(2025, 12, 10, 10, 0, 0, 0, time.UTC), Seed: 1})
	require.NoError(t, err)
	t.Cleanup(func() { _ = stack.Close() })
	up := func(url string) upstream.Config {
		return upstream.Config{BaseURL: url, APIKey: devstack.DefaultAPIKey, ServiceID: "bff-test", Timeout: 5 * time.Second}
	}
	c, err := cms.New(up(stack.CMS.URL))
	require.NoError(t, err)
	r, err := ras.New(up(stack.RAS.URL))
	require.NoError(t, err)
	e, err := entitlements.New(up(stack.Entitlements.URL))
	require.NoError(t, err)
	return &fixture{stack: stack, factory: loaders.NewFactory(c, r, e, cfg)}
}

func (f *fixture) ids(t *testing.T, user string, n int) []string {
	t.Helper()
	ids := f.stack.Store.BatchIDs(user)
	require.GreaterOrEqual(t, len(ids), n)
	return ids[:n]
}

// requestedIDs returns the batch ids each call to endpoint asked for.
func requestedIDs(s *devstack.Service, endpoint string) [][]string {
	var out [][]string
	for _, r := range s.Requests() {
		if r.Endpoint != endpoint {
			continue
		}
		q := strings.TrimPrefix(r.RawQuery, "batch_ids=")
		q = strings.ReplaceAll(q, "%2C", ",")
		out = append(out, strings.Split(q, ","))
	}
	return out
}

// Pages of one operation meet at the gate; their ids go to CMS in one call
// per lookup, and the children's loads are then served from the cache.
func TestPagesShareOneLookup(t *testing.T) {
	f := newFixture(t, loaders.Config{})
	l := f.factory.New(3)
	ctx := loaders.With(context.Background(), l)
	all := f.ids(t, devstack.TeacherWithOrg, 45)
	pages := [][]string{all[:20], all[10:30], all[30:45]} // overlapping on purpose

	var wg sync.WaitGroup
	for _, p := range pages {
		wg.Add(1)
		go func() {
			defer wg.Done()
			loaders.PageLoaded(ctx, p)
			for _, id := range p {
				_, err := loaders.Class(ctx, id)
				assert.NoError(t, err)
				_, err = loaders.Validation(ctx, id)
				assert.NoError(t, err)
			}
		}()
	}
	wg.Wait()

	assert.Equal(t, 1, f.stack.CMS.Count("class-info"))
	assert.Equal(t, 1, f.stack.CMS.Count("validation-status"))
	calls := requestedIDs(f.stack.CMS, "class-info")
	require.Len(t, calls, 1)
	assert.ElementsMatch(t, all, calls[0], "every id once, deduplicated")
}

// More ids than CMS takes in one call are split into chunks of at most 100.
func TestChunksOfAtMostHundred(t *testing.T) {
	f := newFixture(t, loaders.Config{})
	l := f.factory.New(1)
	ctx := loaders.With(context.Background(), l)
	ids := append(f.ids(t, devstack.TeacherWithOrg, 70), f.ids(t, devstack.TeacherWithoutOrg, 25)...)
	ids = append(ids, f.ids(t, devstack.TeacherColleague, 25)...)
	require.Len(t, ids, 120)

	loaders.PageLoaded(ctx, ids)
	for _, id := range ids {
		_, err := loaders.Class(ctx, id)
		require.NoError(t, err)
	}
	calls := requestedIDs(f.stack.CMS, "class-info")
	require.Len(t, calls, 2)
	var seen []string
	for _, c := range calls {
		assert.LessOrEqual(t, len(c), cms.MaxBatchIDs)
		seen = append(seen, c...)
	}
	assert.ElementsMatch(t, ids, seen)
}

// Results are matched to keys by id: each batch gets its own class.
func TestResultsMatchedByKey(t *testing.T) {
	f := newFixture(t, loaders.Config{})
	ctx := loaders.With(context.Background(), f.factory.New(1))
	ids := f.ids(t, devstack.TeacherWithOrg, 40)
	loaders.PageLoaded(ctx, ids)
	for _, id := range ids {
		got, err := loaders.Class(ctx, id)
		require.NoError(t, err)
		b, ok := f.stack.Store.Batch(id)
		require.True(t, ok)
		if b.ClassID == "" {
			assert.Nil(t, got, "batch %s has no class", id)
			continue
		}
		require.NotNil(t, got, "batch %s", id)
		assert.Equal(t, b.ClassID, got.ClassID, "batch %s", id)
	}
}

// Keys that arrive one by one within the wait are batched together.
func TestStragglersBatchedWithinWait(t *testing.T) {
	f := newFixture(t, loaders.Config{Wait: 20 * time.Millisecond})
	ctx := loaders.With(context.Background(), f.factory.New(0))
	ids := f.ids(t, devstack.TeacherWithOrg, 5)
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := loaders.Validation(ctx, id)
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	assert.Equal(t, 1, f.stack.CMS.Count("validation-status"))
}

// The batch runs with the first caller's context; that caller going away
// must not fail the other callers' keys.
func TestCancelledCallerDoesNotFailOthers(t *testing.T) {
	f := newFixture(t, loaders.Config{Wait: 20 * time.Millisecond})
	f.stack.CMS.SetLatency(100*time.Millisecond, 0)
	l := f.factory.New(0)
	ids := f.ids(t, devstack.TeacherWithOrg, 2)

	first, cancel := context.WithCancel(loaders.With(context.Background(), l))
	second := loaders.With(context.Background(), l)
	var wg sync.WaitGroup
	var firstErr, secondErr error
	wg.Add(2)
	go func() { defer wg.Done(); _, firstErr = loaders.Class(first, ids[0]) }()
	time.Sleep(5 * time.Millisecond) // let the first caller open the window
	go func() { defer wg.Done(); _, secondErr = loaders.Class(second, ids[1]) }()
	time.Sleep(40 * time.Millisecond) // the batch is in flight
	cancel()
	wg.Wait()

	_ = firstErr // the cancelled caller may or may not get its value
	assert.NoError(t, secondErr)
	assert.Equal(t, 1, f.stack.CMS.Count("class-info"))
}

// A failed lookup fails the keys of that lookup only, with the upstream's
// typed error.
func TestUpstreamFailureReachesEveryKeyTyped(t *testing.T) {
	f := newFixture(t, loaders.Config{})
	f.stack.CMS.SetFault(devstack.Fault{Kind: devstack.FaultStatus, StatusCode: 503, Endpoint: "class-info"})
	ctx := loaders.With(context.Background(), f.factory.New(1))
	ids := f.ids(t, devstack.TeacherWithOrg, 3)
	loaders.PageLoaded(ctx, ids)
	for _, id := range ids {
		_, err := loaders.Class(ctx, id)
		var up *upstream.Error
		require.ErrorAs(t, err, &up)
		assert.Equal(t, upstream.ServiceCMS, up.Service)
		_, err = loaders.Validation(ctx, id)
		assert.NoError(t, err, "validation is a separate lookup")
	}
}

// A page that never comes (an operation that fails before it) holds the
// others back for PageWait at most.
func TestGateReleasesAfterPageWait(t *testing.T) {
	f := newFixture(t, loaders.Config{PageWait: 30 * time.Millisecond})
	ctx := loaders.With(context.Background(), f.factory.New(2))
	ids := f.ids(t, devstack.TeacherWithOrg, 3)
	done := make(chan struct{})
	go func() {
		loaders.PageLoaded(ctx, ids)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("a lone page was never released")
	}
	for _, id := range ids {
		_, err := loaders.Class(ctx, id)
		require.NoError(t, err)
	}
	assert.Equal(t, 1, f.stack.CMS.Count("class-info"), "released pages are prefetched")
}

// Credits are asked for once per operation however often they are resolved.
func TestCreditsOncePerOperation(t *testing.T) {
	f := newFixture(t, loaders.Config{})
	ctx := loaders.With(context.Background(), f.factory.New(0))
	var wg sync.WaitGroup
	for range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b, err := loaders.Credits(ctx, devstack.TeacherWithOrg)
			assert.NoError(t, err)
			assert.Equal(t, devstack.TeacherWithOrgBalance, b.UserBalance)
		}()
	}
	wg.Wait()
	assert.Equal(t, 1, f.stack.Entitlements.Count("balance"))
}

// With batching off every load is its own call: the baseline benchmarks
// compare against.
func TestDisabledBatchingCallsPerKey(t *testing.T) {
	f := newFixture(t, loaders.Config{Disabled: true})
	ctx := loaders.With(context.Background(), f.factory.New(1))
	ids := f.ids(t, devstack.TeacherWithOrg, 4)
	loaders.PageLoaded(ctx, ids)
	for _, id := range ids {
		_, err := loaders.Class(ctx, id)
		require.NoError(t, err)
	}
	assert.Equal(t, 4, f.stack.CMS.Count("class-info"))
}

func TestNoLoadersInContext(t *testing.T) {
	_, err := loaders.Class(context.Background(), "x")
	assert.ErrorIs(t, err, loaders.ErrNoLoaders)
}

// Keys known to be complete are dispatched at once, not after the wait:
// with a wait of a minute, these lookups would otherwise take a minute.
func TestKnownKeysDoNotWaitOutTheWindow(t *testing.T) {
	f := newFixture(t, loaders.Config{Wait: time.Minute})
	ctx := loaders.With(context.Background(), f.factory.New(1))
	id := f.ids(t, devstack.TeacherWithOrg, 1)[0]
	done := make(chan struct{})
	go func() {
		defer close(done)
		b, err := loaders.BatchNow(ctx, id)
		assert.NoError(t, err)
		assert.Equal(t, id, b.ID)
		loaders.PageLoaded(ctx, []string{id})
		_, err = loaders.Class(ctx, id)
		assert.NoError(t, err)
		_, err = loaders.Validation(ctx, id)
		assert.NoError(t, err)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("a complete set of keys waited for the loader's window")
	}
	assert.Equal(t, 1, f.stack.RAS.Count("batch-status"))
	assert.Equal(t, 1, f.stack.CMS.Count("class-info"))
	assert.Equal(t, 1, f.stack.CMS.Count("validation-status"))
}

// A key is fetched once, whichever path asked first: a key loaded one by one
// is not fetched again by a later page's round, and a page's keys are not
// fetched again when loaded one by one.
func TestRoundAndLoaderNeverFetchAKeyTwice(t *testing.T) {
	f := newFixture(t, loaders.Config{})
	ctx := loaders.With(context.Background(), f.factory.New(1))
	ids := f.ids(t, devstack.TeacherWithOrg, 6)

	_, err := loaders.Class(ctx, ids[0]) // one by one, before the page
	require.NoError(t, err)
	loaders.PageLoaded(ctx, ids)
	for _, id := range ids {
		_, err := loaders.Class(ctx, id)
		require.NoError(t, err)
	}

	calls := requestedIDs(f.stack.CMS, "class-info")
	require.Len(t, calls, 2)
	assert.Equal(t, []string{ids[0]}, calls[0])
	assert.ElementsMatch(t, ids[1:], calls[1], "the page's round leaves out the key already loaded")
}
