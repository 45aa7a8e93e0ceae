package resilience_test

import (
	"context"
	"maps"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/essaylab/teacher-bff/internal/cms"
	"github.com/essaylab/teacher-bff/internal/correlation"
	"github.com/essaylab/teacher-bff/internal/devstack"
	"github.com/essaylab/teacher-bff/internal/upstream"
	"github.com/essaylab/teacher-bff/internal/upstream/upstreamtest"
)

// concurrently runs n calls of f at once and returns their results.
func concurrently[T any](n int, f func(i int) (T, error)) ([]T, []error) {
	vals, errs := make([]T, n), make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { vals[i], errs[i] = f(i) })
	}
	wg.Wait()
	return vals, errs
}

// Ten identical lookups against a slow CMS cost one request, and each
// caller decodes its own copy of the answer.
func TestDedupeSharesOneRequest(t *testing.T) {
	st := startStack(t)
	st.CMS.SetLatency(300*time.Millisecond, 0)
	c, _ := cmsClient(t, st, testConfig())
	ids := st.Store.BatchIDs(devstack.TeacherWithOrg)[:5]
	want := wantClasses(t, st, ids)

	results, errs := concurrently(10, func(i int) (map[string]*cms.ClassInfo, error) {
		// Every caller has its own correlation id: it is not part of what
		// is asked, so it must not keep the calls apart.
		ctx := correlation.WithID(context.Background(), correlation.New())
		return c.ClassInfo(ctx, ids)
	})
	for i := range results {
		if errs[i] != nil {
			t.Fatalf("caller %d: %v", i, errs[i])
		}
		if got := classNames(results[i]); !maps.Equal(got, want) {
			t.Errorf("caller %d got %v, want %v", i, got, want)
		}
	}
	if n := st.CMS.Count(devstack.EndpointClassInfo); n != 1 {
		t.Errorf("CMS saw %d class-info requests, want 1", n)
	}
	// Shared bytes, separate decodes: no caller holds another's objects.
	for id, ci := range results[0] {
		if ci != nil && ci == results[1][id] {
			t.Errorf("callers 0 and 1 share the decoded class of %s", id)
		}
	}
}

// Only identical requests share: another query, path or endpoint is its
// own request.
func TestDedupeKeepsDifferentRequestsApart(t *testing.T) {
	st := startStack(t)
	st.CMS.SetLatency(200*time.Millisecond, 0)
	c, _ := cmsClient(t, st, testConfig())
	ids := st.Store.BatchIDs(devstack.TeacherWithOrg)
	lookups := [][]string{ids[:2], ids[2:4], ids[:2], ids[2:4], ids[:3]}

	_, errs := concurrently(len(lookups)*2, func(i int) (any, error) {
		if i%2 == 0 {
			return c.ClassInfo(context.Background(), lookups[i/2])
		}
		return c.ValidationStatus(context.Background(), lookups[i/2])
	})
	for i, err := range errs {
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	for _, ep := range []string{devstack.EndpointClassInfo, devstack.EndpointValidationStatus} {
		if n := st.CMS.Count(ep); n != 3 {
			t.Errorf("%s: %d requests for 3 distinct id sets, want 3", ep, n)
		}
	}
}

// A caller that gives up leaves the shared request running for the others.
func TestDedupeCallerCancelDoesNotFailOthers(t *testing.T) {
	arrived, release := make(chan struct{}, 10), make(chan struct{})
	s := upstreamtest.NewServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		select {
		case <-release:
			upstreamtest.JSON(200, `{"n": 7}`).ServeHTTP(w, r)
		case <-r.Context().Done():
		}
	}))
	c, _ := newClient(t, s.ClientConfig(), testConfig())
	get := func(ctx context.Context) (int, error) {
		var out struct{ N int }
		err := c.GetJSON(ctx, "list-batches", "/x", url.Values{"limit": {"5"}}, &out)
		return out.N, err
	}

	// The first caller starts the shared request, then gives up.
	leaderCtx, cancelLeader := context.WithCancel(context.Background())
	leaderErr := make(chan error, 1)
	go func() { _, err := get(leaderCtx); leaderErr <- err }()
	<-arrived

	type result struct {
		n   int
		err error
	}
	followers := make(chan result, 5)
	for range 5 {
		go func() { n, err := get(context.Background()); followers <- result{n, err} }()
	}
	time.Sleep(100 * time.Millisecond) // let the followers join the flight
	cancelLeader()
	upstreamtest.AssertError(t, <-leaderErr, upstream.ServiceRAS, "list-batches", upstream.KindCanceled)

	close(release)
	for range 5 {
		if r := <-followers; r.err != nil || r.n != 7 {
			t.Errorf("follower got %d, %v; want 7, nil", r.n, r.err)
		}
	}
	if s.Requests() != 1 {
		t.Errorf("server saw %d requests, want 1", s.Requests())
	}
}

// When every caller has left, the shared request is cancelled rather than
// left running for nobody.
func TestDedupeFlightEndsWhenAllCallersLeave(t *testing.T) {
	arrived, gone := make(chan struct{}, 1), make(chan struct{})
	s := upstreamtest.NewServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-r.Context().Done()
		close(gone)
	}))
	ucfg := s.ClientConfig()
	ucfg.Timeout = 10 * time.Second
	c, _ := newClient(t, ucfg, testConfig())

	ctx, cancel := context.WithCancel(context.Background())
	errs := make(chan error, 3)
	for range 3 {
		go func() { errs <- call(ctx, c) }()
	}
	<-arrived
	cancel()
	for range 3 {
		upstreamtest.AssertError(t, <-errs, upstream.ServiceRAS, "list-batches", upstream.KindCanceled)
	}
	select {
	case <-gone:
	case <-time.After(2 * time.Second):
		t.Fatal("the shared request outlived all its callers")
	}
}

// Failures are shared like answers: ten callers, one request, ten errors
// of the same kind.
func TestDedupeSharesFailures(t *testing.T) {
	for _, tt := range []struct {
		name    string
		handler http.Handler
		kind    upstream.Kind
	}{
		{"404", upstreamtest.JSON(404, `{"error":"no such batch"}`), upstream.KindStatus},
		{"malformed", upstreamtest.JSON(200, `{"n":`), upstream.KindMalformed},
		{"hang up", upstreamtest.HangUp(), upstream.KindUnavailable},
	} {
		t.Run(tt.name, func(t *testing.T) {
			slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				time.Sleep(200 * time.Millisecond)
				tt.handler.ServeHTTP(w, r)
			})
			s := upstreamtest.NewServer(t, slow)
			rcfg := testConfig()
			rcfg.Retries = 0
			c, _ := newClient(t, s.ClientConfig(), rcfg)
			_, errs := concurrently(10, func(int) (any, error) { return nil, call(context.Background(), c) })
			for i, err := range errs {
				upstreamtest.AssertError(t, err, upstream.ServiceRAS, "list-batches", tt.kind)
				if i > 0 && err == errs[0] {
					t.Errorf("callers 0 and %d got the same *Error value", i)
				}
			}
			if s.Requests() != 1 {
				t.Errorf("server saw %d requests, want 1", s.Requests())
			}
		})
	}
}

// Without dedupe every call is its own request.
func TestDedupeOff(t *testing.T) {
	s := upstreamtest.NewServer(t, upstreamtest.Slow(100*time.Millisecond))
	rcfg := testConfig()
	rcfg.Dedupe = false
	c, _ := newClient(t, s.ClientConfig(), rcfg)
	_, errs := concurrently(5, func(int) (any, error) { return nil, call(context.Background(), c) })
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if s.Requests() != 5 {
		t.Errorf("server saw %d requests, want 5", s.Requests())
	}
}

// The whole chain on the reference CMS: a 503 blip is retried once, the
// answer shared by all.
func TestChainRetriesSharedRequest(t *testing.T) {
	st := startStack(t)
	st.CMS.SetLatency(100*time.Millisecond, 0)
	st.CMS.SetFault(devstack.Fault{Kind: devstack.FaultStatus, StatusCode: 503, Endpoint: devstack.EndpointClassInfo, Times: 1})
	c, layer := cmsClient(t, st, testConfig())
	ids := st.Store.BatchIDs(devstack.TeacherWithOrg)[:4]
	want := wantClasses(t, st, ids)
	results, errs := concurrently(5, func(int) (map[string]*cms.ClassInfo, error) {
		return c.ClassInfo(context.Background(), ids)
	})
	for i := range results {
		if errs[i] != nil || !maps.Equal(classNames(results[i]), want) {
			t.Errorf("caller %d: %v, %v", i, classNames(results[i]), errs[i])
		}
	}
	if n := st.CMS.Count(devstack.EndpointClassInfo); n != 2 {
		t.Errorf("CMS saw %d requests, want 2 (the 503 and its retry)", n)
	}
	if layer.State() != "closed" || layer.Service() != upstream.ServiceCMS {
		t.Errorf("layer %s is %s", layer.Service(), layer.State())
	}
}
