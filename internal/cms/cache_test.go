package cms

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/essaylab/teacher-bff/internal/upstream"
	"github.com/essaylab/teacher-bff/internal/upstream/upstreamtest"
)

// fakeCMS answers both lookups from its maps (an id it doesn't know is
// null) and records the ids each request asked for.
type fakeCMS struct {
	classes map[string]string // batch id → class name

	mu    sync.Mutex
	asked map[string][][]string // endpoint path → ids per request
}

func (f *fakeCMS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ids := strings.Split(r.URL.Query().Get("batch_ids"), ",")
	f.mu.Lock()
	f.asked[r.URL.Path] = append(f.asked[r.URL.Path], ids)
	f.mu.Unlock()
	parts := make([]string, len(ids))
	for i, id := range ids {
		name, ok := f.classes[id]
		switch {
		case !ok:
			parts[i] = fmt.Sprintf("%q: null", id)
		case strings.HasSuffix(r.URL.Path, "/class-info"):
			parts[i] = fmt.Sprintf(`%q: {"class_id": "c-%s", "class_name": %q}`, id, name, name)
		default:
			parts[i] = fmt.Sprintf(`%q: {"batch_id": %q, "deviation_count": 0, "total_associations": 1, "confirmed_associations": 1}`, id, id)
		}
	}
	upstreamtest.JSON(200, "{"+strings.Join(parts, ",")+"}").ServeHTTP(w, r)
}

// classRequests returns the ids of every class-info request so far.
func (f *fakeCMS) classRequests() [][]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.asked["/internal/v1/batches/class-info"])
}

func (f *fakeCMS) validationRequests() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.asked["/internal/v1/batches/validation-status"])
}

// clock is a time source that tests move by hand.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

func bid(n int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }

// newCached serves classes from a fake CMS behind a cache sized by o on a
// hand-moved clock.
func newCached(t *testing.T, o CacheOptions) (*CachedClient, *fakeCMS, *clock) {
	t.Helper()
	f := &fakeCMS{asked: map[string][][]string{}, classes: map[string]string{
		bid(1): "SA22A", bid(2): "SA22B", bid(3): "NA23", bid(4): "TE21",
	}}
	s := upstreamtest.NewServer(t, f)
	c := NewCachedClient(upstreamtest.NewClient(t, s, New), o)
	clk := &clock{now: time.Date(2025, 12, 10, 9, 0, 0, 0, time.UTC)}
	c.now = clk.Now
	return c, f, clk
}

// names flattens a lookup for comparison ("" = no class).
func names(m map[string]*ClassInfo) map[string]string {
	out := map[string]string{}
	for id, ci := range m {
		out[id] = ""
		if ci != nil {
			out[id] = ci.ClassName
		}
	}
	return out
}

// step is one lookup of a cache test: the ids looked up, the ids CMS must
// be asked for (nil = no request), after moving the clock by advance.
type step struct {
	ids, asked []string
	advance    time.Duration
	forget     []string // ids to Forget before the lookup
}

func TestClassInfoCache(t *testing.T) {
	guest := bid(99) // CMS knows no class for it: null
	tests := []struct {
		name  string
		steps []step
		size  int
	}{
		{name: "second lookup of the same ids: no CMS call", steps: []step{
			{ids: []string{bid(1), bid(2)}, asked: []string{bid(1), bid(2)}},
			{ids: []string{bid(2), bid(1), bid(1)}},
		}},
		{name: "partial hit: only the missing ids", steps: []step{
			{ids: []string{bid(1), bid(2)}, asked: []string{bid(1), bid(2)}},
			{ids: []string{bid(3), bid(1), bid(4), bid(2)}, asked: []string{bid(3), bid(4)}},
		}},
		{name: "no class is cached too, for the miss TTL", steps: []step{
			{ids: []string{guest, bid(1)}, asked: []string{guest, bid(1)}},
			{ids: []string{guest}, advance: 9 * time.Second},
			{ids: []string{guest, bid(1)}, asked: []string{guest}, advance: 2 * time.Second},
		}},
		{name: "expired entries are asked again", steps: []step{
			{ids: []string{bid(1), guest}, asked: []string{bid(1), guest}},
			{ids: []string{bid(2)}, asked: []string{bid(2)}, advance: 3 * time.Minute},
			{ids: []string{bid(1), bid(2), guest}, asked: []string{bid(1), guest}, advance: 3 * time.Minute},
			{ids: []string{bid(1), bid(2), guest}},
		}},
		{name: "forgotten entries are asked again at once", steps: []step{
			{ids: []string{bid(1), bid(2), guest}, asked: []string{bid(1), bid(2), guest}},
			{forget: []string{bid(2), guest}},
			{ids: []string{bid(1), bid(2), guest}, asked: []string{bid(2), guest}},
		}},
		{name: "size bound: least recently used goes first", size: 2, steps: []step{
			{ids: []string{bid(1)}, asked: []string{bid(1)}},
			{ids: []string{bid(2)}, asked: []string{bid(2)}},
			{ids: []string{bid(1)}}, // bid(1) is now the most recent
			{ids: []string{bid(3)}, asked: []string{bid(3)}},
			{ids: []string{bid(1), bid(3)}},
			{ids: []string{bid(2)}, asked: []string{bid(2)}},
		}},
		{name: "empty lookup", steps: []step{{ids: nil}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, f, clk := newCached(t, CacheOptions{TTL: 5 * time.Minute, MissTTL: 10 * time.Second, Size: tt.size})
			var wantAsked [][]string
			for i, st := range tt.steps {
				clk.now = clk.now.Add(st.advance)
				for _, id := range st.forget {
					c.Forget(id)
				}
				got, err := c.ClassInfo(context.Background(), st.ids)
				if err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
				want := map[string]string{}
				for _, id := range st.ids {
					want[id] = f.classes[id]
				}
				if g := names(got); !maps.Equal(g, want) {
					t.Errorf("step %d: got %v, want %v", i, g, want)
				}
				if st.asked != nil {
					wantAsked = append(wantAsked, st.asked)
				}
				if asked := f.classRequests(); fmt.Sprint(asked) != fmt.Sprint(wantAsked) {
					t.Fatalf("after step %d CMS was asked %v, want %v", i, asked, wantAsked)
				}
			}
		})
	}
}

func TestValidationStatusIsNeverCached(t *testing.T) {
	c, f, _ := newCached(t, CacheOptions{})
	for range 3 {
		got, err := c.ValidationStatus(context.Background(), []string{bid(1)})
		if err != nil || got[bid(1)] == nil || got[bid(1)].BatchID != bid(1) {
			t.Fatalf("ValidationStatus = %v, %v", got, err)
		}
	}
	if n := f.validationRequests(); n != 3 {
		t.Errorf("CMS saw %d validation requests for 3 lookups, want 3", n)
	}
}

// A failed lookup caches nothing and fails whole, as the client does.
func TestClassInfoCacheErrors(t *testing.T) {
	var fail bool
	var mu sync.Mutex
	ok := &fakeCMS{asked: map[string][][]string{}, classes: map[string]string{bid(1): "SA22A"}}
	s := upstreamtest.NewServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		f := fail
		mu.Unlock()
		if f {
			upstreamtest.JSON(502, `{"error":"bad gateway"}`).ServeHTTP(w, r)
			return
		}
		ok.ServeHTTP(w, r)
	}))
	c := NewCachedClient(upstreamtest.NewClient(t, s, New), CacheOptions{})
	if _, err := c.ClassInfo(context.Background(), []string{bid(1)}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	fail = true
	mu.Unlock()
	got, err := c.ClassInfo(context.Background(), []string{bid(1), bid(2)})
	if got != nil {
		t.Errorf("partial result %v on error", got)
	}
	upstreamtest.AssertError(t, err, upstream.ServiceCMS, EndpointClassInfo, upstream.KindStatus)

	mu.Lock()
	fail = false
	mu.Unlock()
	if _, err := c.ClassInfo(context.Background(), []string{bid(1), bid(2)}); err != nil {
		t.Fatal(err)
	}
	if n := len(ok.classRequests()); n != 2 {
		t.Errorf("CMS answered %d lookups, want 2 (bid 2 was asked again after the failure)", n)
	}
	// Invalid ids are the client's to refuse, cached or not.
	if _, err := c.ClassInfo(context.Background(), []string{bid(1), ""}); err == nil {
		t.Error("empty id accepted")
	}
}

func TestClassInfoCacheCountsAndCopies(t *testing.T) {
	c, _, _ := newCached(t, CacheOptions{})
	var hooked []bool
	c.OnLookup = func(hit bool) { hooked = append(hooked, hit) }

	first, err := c.ClassInfo(context.Background(), []string{bid(1), bid(2)})
	if err != nil {
		t.Fatal(err)
	}
	first[bid(1)].ClassName = "changed by a caller"
	second, err := c.ClassInfo(context.Background(), []string{bid(1), bid(3), bid(1)})
	if err != nil {
		t.Fatal(err)
	}
	if second[bid(1)].ClassName != "SA22A" {
		t.Errorf("a caller's change reached the cache: %q", second[bid(1)].ClassName)
	}
	if hits, misses := c.Stats(); hits != 1 || misses != 3 {
		t.Errorf("Stats() = %d hits, %d misses; want 1, 3", hits, misses)
	}
	if want := []bool{false, false, true, false}; !slices.Equal(hooked, want) {
		t.Errorf("OnLookup saw %v, want %v", hooked, want)
	}
}

// CachedClient drops in wherever the loaders take a CMS source.
var _ interface {
	ClassInfo(context.Context, []string) (map[string]*ClassInfo, error)
	ValidationStatus(context.Context, []string) (map[string]*ValidationStatus, error)
	Healthy(context.Context) error
	Close()
} = (*CachedClient)(nil)

var _ ClassInfoSource = (*Client)(nil)
