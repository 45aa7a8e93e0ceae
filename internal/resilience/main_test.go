package resilience_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/essaylab/teacher-bff/internal/cms"
	"github.com/essaylab/teacher-bff/internal/devstack"
	"github.com/essaylab/teacher-bff/internal/resilience"
	"github.com/essaylab/teacher-bff/internal/upstream"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// testConfig is Defaults with waits that suit tests: millisecond backoffs
// and a breaker that lets probes through after 100ms.
func testConfig() resilience.Config {
	cfg := resilience.Defaults()
	cfg.RetryBase, cfg.RetryMax = time.Millisecond, 5*time.Millisecond
	cfg.Breaker.OpenTimeout = 100 * time.Millisecond
	return cfg
}

// newClient makes an upstream client of RAS with the resilience layer.
func newClient(t *testing.T, ucfg upstream.Config, rcfg resilience.Config) (*upstream.Client, *resilience.Layer) {
	t.Helper()
	layer := resilience.New(upstream.ServiceRAS, rcfg)
	ucfg.Middleware = layer
	c, err := upstream.New(upstream.ServiceRAS, ucfg)
	if err != nil {
		t.Fatalf("upstream.New: %v", err)
	}
	t.Cleanup(c.Close)
	return c, layer
}

// call makes one GET through c.
func call(ctx context.Context, c *upstream.Client) error {
	return c.GetJSON(ctx, "list-batches", "/x", nil, &struct{}{})
}

// sequence answers the n-th request with hs[n], and every later one with
// the last handler.
func sequence(hs ...http.Handler) http.Handler {
	var mu sync.Mutex
	n := 0
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		h := hs[min(n, len(hs)-1)]
		n++
		mu.Unlock()
		h.ServeHTTP(w, r)
	})
}

// stateLog records a layer's breaker transitions.
type stateLog struct {
	mu  sync.Mutex
	got []string
}

func (l *stateLog) record(service, from, to string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.got = append(l.got, service+": "+from+" -> "+to)
}

func (l *stateLog) transitions() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.got...)
}

// startStack runs the reference upstreams for one test.
func startStack(t *testing.T) *devstack.Stack {
	t.Helper()
	st, err := devstack.Start(devstack.Options{Now: time.Date(2025, 12, 10, 9, 15, 0, 0, time.UTC), Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Error(err)
		}
	})
	return st
}

// cmsClient is a CMS client of the stack with the resilience layer.
func cmsClient(t *testing.T, st *devstack.Stack, rcfg resilience.Config) (*cms.Client, *resilience.Layer) {
	t.Helper()
	layer := resilience.New(upstream.ServiceCMS, rcfg)
	c, err := cms.New(upstream.Config{BaseURL: st.CMS.URL, APIKey: devstack.DefaultAPIKey,
		ServiceID: "bff-teacher-service", Timeout: 2 * time.Second, Middleware: layer})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c, layer
}

// wantClasses is what CMS must answer for ids, from the stack's store.
func wantClasses(t *testing.T, st *devstack.Stack, ids []string) map[string]string {
	t.Helper()
	want := map[string]string{}
	for _, id := range ids {
		b, ok := st.Store.Batch(id)
		if !ok {
			t.Fatalf("batch %s not in the store", id)
		}
		want[id] = ""
		if c, ok := st.Store.Class(b.ClassID); ok {
			want[id] = c.Name
		}
	}
	return want
}

func classNames(got map[string]*cms.ClassInfo) map[string]string {
	out := map[string]string{}
	for id, ci := range got {
		out[id] = ""
		if ci != nil {
			out[id] = ci.ClassName
		}
	}
	return out
}
