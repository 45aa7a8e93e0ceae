package cms

import (
	"context"
	"sync/atomic"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
)

// Cache defaults: a class's name almost never changes once batches are in
// it, so five minutes of staleness is invisible, while 10k entries (a few
// MB) hold every batch the active teachers of a school term look at. "No
// class" is another matter: a batch gets its class once CMS has matched its
// students, and the dashboard must show it soon after, so that answer is
// kept for seconds.
const (
	DefaultClassInfoTTL     = 5 * time.Minute
	DefaultClassInfoMissTTL = 10 * time.Second
	DefaultClassInfoSize    = 10_000
)

// CacheOptions size a class-info cache; zero fields take the defaults.
type CacheOptions struct {
	// TTL is how long a class CMS reported is reused.
	TTL time.Duration
	// MissTTL is how long CMS's "no class" (null) answer is reused.
	MissTTL time.Duration
	// Size is the most batch ids kept (least recently used out first).
	Size int
}

// ClassInfoSource is what the cache sits in front of: *Client, or another
// cache layer.
type ClassInfoSource interface {
	ClassInfo(ctx context.Context, batchIDs []string) (map[string]*ClassInfo, error)
}

// CachedClassInfo remembers class-info answers per batch id for a while.
//
// It keeps "CMS knows no class" (a nil value) too, for MissTTL only: guest
// batches are asked about on every dashboard, but a batch whose students
// are not matched yet gets its class later, and must show it soon. A batch
// event drops what is kept about its batch (Forget). Sharing one cache between teachers is safe: an entry is a fact
// about a batch, the same whoever asks, and the BFF only asks about batches
// it has already shown to belong to the caller.
//
// Why golang-lru's plain LRU plus an expiry time per entry, and not its
// expirable package: expirable (v2.0.7) starts a cleanup goroutine per cache
// that can never be stopped, which every goleak-checked test would report.
// Here an expired entry is simply a miss; it stays until the fresh answer
// replaces it or the LRU evicts it, so memory stays bounded by size all the
// same.
type CachedClassInfo struct {
	next    ClassInfoSource
	ttl     time.Duration
	missTTL time.Duration
	entries *lru.Cache[string, classEntry]
	now     func() time.Time // time.Now; tests move it

	hits, misses atomic.Uint64

	// OnLookup, when set, is told of each distinct id looked up, whether
	// the cache had it (e.g. to count hits and misses in metrics). Set it
	// before the first lookup.
	OnLookup func(hit bool)
}

type classEntry struct {
	info    *ClassInfo // nil: CMS knows no class for the batch
	expires time.Time
}

// NewCachedClassInfo caches next's answers as o says; values <= 0 in o
// mean the defaults.
func NewCachedClassInfo(next ClassInfoSource, o CacheOptions) *CachedClassInfo {
	if o.TTL <= 0 {
		o.TTL = DefaultClassInfoTTL
	}
	if o.MissTTL <= 0 {
		o.MissTTL = DefaultClassInfoMissTTL
	}
	if o.Size <= 0 {
		o.Size = DefaultClassInfoSize
	}
	entries, err := lru.New[string, classEntry](o.Size)
	if err != nil {
		panic(err) // only for size <= 0, excluded above
	}
	return &CachedClassInfo{next: next, ttl: o.TTL, missTTL: o.MissTTL, entries: entries, now: time.Now}
}

// Forget drops what the cache holds about a batch, so the next lookup asks
// CMS. A batch event calls it: whatever changed, the class may have too.
func (c *CachedClassInfo) Forget(batchID string) { c.entries.Remove(batchID) }

// ClassInfo answers what it has fresh and asks next only for the rest, in
// one call. As with Client.ClassInfo, the map has every given id as a key
// (nil = no class), and an error fails the whole lookup.
func (c *CachedClassInfo) ClassInfo(ctx context.Context, batchIDs []string) (map[string]*ClassInfo, error) {
	out := make(map[string]*ClassInfo, len(batchIDs))
	seen := make(map[string]bool, len(batchIDs))
	var missing []string
	now := c.now()
	for _, id := range batchIDs {
		if seen[id] {
			continue
		}
		seen[id] = true
		e, ok := c.entries.Get(id)
		hit := ok && now.Before(e.expires)
		c.count(hit)
		if hit {
			out[id] = clone(e.info)
		} else {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return out, nil
	}

	got, err := c.next.ClassInfo(ctx, missing)
	if err != nil {
		return nil, err
	}
	now = c.now()
	for _, id := range missing {
		info, ok := got[id]
		if !ok {
			continue // not answered: neither cached nor guessed
		}
		ttl := c.ttl
		if info == nil {
			ttl = c.missTTL
		}
		c.entries.Add(id, classEntry{info: clone(info), expires: now.Add(ttl)})
		out[id] = info
	}
	return out, nil
}

// Stats is how many id lookups were served from the cache and how many
// had to go to CMS.
func (c *CachedClassInfo) Stats() (hits, misses uint64) {
	return c.hits.Load(), c.misses.Load()
}

func (c *CachedClassInfo) count(hit bool) {
	if hit {
		c.hits.Add(1)
	} else {
		c.misses.Add(1)
	}
	if c.OnLookup != nil {
		c.OnLookup(hit)
	}
}

// clone keeps callers from sharing (and mutating) the cached value.
func clone(info *ClassInfo) *ClassInfo {
	if info == nil {
		return nil
	}
	cp := *info
	return &cp
}

// CachedClient is a *Client whose class-info lookups go through a cache. It
// has the Client's methods, so it drops in wherever one is used (the
// loaders' ClassSource, the health checks).
type CachedClient struct {
	*CachedClassInfo
	client *Client
}

// NewCachedClient caches client's class info (o as in NewCachedClassInfo).
func NewCachedClient(client *Client, o CacheOptions) *CachedClient {
	return &CachedClient{CachedClassInfo: NewCachedClassInfo(client, o), client: client}
}

// ValidationStatus is never cached: it changes as teachers confirm
// matches, and a dashboard must show that at once.
func (c *CachedClient) ValidationStatus(ctx context.Context, batchIDs []string) (map[string]*ValidationStatus, error) {
	return c.client.ValidationStatus(ctx, batchIDs)
}

// Healthy reports whether CMS answers its health check.
func (c *CachedClient) Healthy(ctx context.Context) error { return c.client.Healthy(ctx) }

// Close releases the client's idle connections.
func (c *CachedClient) Close() { c.client.Close() }
