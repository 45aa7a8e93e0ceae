// Package persisted serves persisted operations: the caches behind gqlgen's
// automatic persisted queries (Apollo's APQ protocol), and trusted
// documents, a mode that runs only the operations the frontend registered.
package persisted

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/redis/go-redis/v9"
)

// Hash is a document's id in both protocols: the hex SHA-256 of its text,
// byte for byte, as gqlgen's APQ extension computes it.
func Hash(document string) string {
	sum := sha256.Sum256([]byte(document))
	return hex.EncodeToString(sum[:])
}

// isHash tells a well-formed hash from anything else a client may send as
// one, which never needs a Redis round trip (nor a key of its choosing).
func isHash(s string) bool {
	if len(s) != sha256.Size*2 {
		return false
	}
	for _, c := range []byte(s) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// DefaultMemorySize is the number of documents a memory cache of size 0
// keeps.
const DefaultMemorySize = 1000

// NewMemoryCache is an APQ cache of at most size documents (the least
// recently used go first), for one replica. Any client can add documents,
// so the bound is what keeps them from filling the memory.
func NewMemoryCache(size int) graphql.Cache[string] {
	if size <= 0 {
		size = DefaultMemorySize
	}
	c, err := lru.New[string, string](size)
	if err != nil {
		panic(err) // only for size <= 0, excluded above
	}
	return memoryCache{c}
}

type memoryCache struct{ c *lru.Cache[string, string] }

func (m memoryCache) Get(_ context.Context, key string) (string, bool) { return m.c.Get(key) }
func (m memoryCache) Add(_ context.Context, key, value string)         { m.c.Add(key, value) }

// KeyPrefix prefixes the Redis keys of APQ documents: bff:apq:<hash>.
const KeyPrefix = "bff:apq:"

const (
	// DefaultTTL is how long Redis keeps a document for a ttl of 0. A
	// document that expired costs its clients one more round trip.
	DefaultTTL = 24 * time.Hour
	// redisTimeout bounds each Redis call: the cache is an optimisation
	// and must not hold a request up for longer.
	redisTimeout = 250 * time.Millisecond
	// retryAfter is how long a failed Redis is left alone, so an outage
	// costs each request nothing rather than a timeout.
	retryAfter = 5 * time.Second
)

// RedisOption configures NewRedisCache.
type RedisOption func(*redisCache)

// WithLogger sets the logger of Redis outages; slog.Default() otherwise.
func WithLogger(log *slog.Logger) RedisOption {
	return func(c *redisCache) { c.log = log }
}

// NewRedisCache is an APQ cache shared by all replicas through Redis keys
// KeyPrefix+hash that expire after ttl (DefaultTTL for 0), with local (a
// memory cache, say) in front so a hot document costs no Redis call.
//
// Redis never fails a request: on an error the cache answers from local
// alone, logs a warning once per outage and leaves Redis alone for a few
// seconds before trying again. Documents read from Redis must match their
// hash, so whoever else can write to Redis cannot swap an operation.
func NewRedisCache(client *redis.Client, ttl time.Duration, local graphql.Cache[string], opts ...RedisOption) graphql.Cache[string] {
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	c := &redisCache{client: client, ttl: ttl, local: local, log: slog.Default()}
	for _, o := range opts {
		o(c)
	}
	return c
}

type redisCache struct {
	client *redis.Client
	ttl    time.Duration
	local  graphql.Cache[string]
	log    *slog.Logger
	// downUntil is when to try a failed Redis again (Unix nanoseconds);
	// 0 while Redis works.
	downUntil atomic.Int64
}

func (c *redisCache) Get(ctx context.Context, key string) (string, bool) {
	if v, ok := c.local.Get(ctx, key); ok {
		return v, true
	}
	if !isHash(key) || c.resting() {
		return "", false
	}
	rctx, cancel := context.WithTimeout(ctx, redisTimeout)
	defer cancel()
	v, err := c.client.Get(rctx, KeyPrefix+key).Result()
	switch {
	case errors.Is(err, redis.Nil):
		c.recovered()
		return "", false
	case err != nil:
		c.failed(ctx, "get", err)
		return "", false
	}
	c.recovered()
	if Hash(v) != key {
		c.log.WarnContext(ctx, "APQ document in Redis does not match its hash; ignored", slog.String("key", KeyPrefix+key))
		return "", false
	}
	c.local.Add(ctx, key, v)
	return v, true
}

func (c *redisCache) Add(ctx context.Context, key, value string) {
	// gqlgen's APQ extension checks the hash before adding; checking again
	// keeps any other caller from storing a mismatch for every replica.
	if Hash(value) != key {
		return
	}
	c.local.Add(ctx, key, value)
	if c.resting() {
		return
	}
	rctx, cancel := context.WithTimeout(ctx, redisTimeout)
	defer cancel()
	if err := c.client.Set(rctx, KeyPrefix+key, value, c.ttl).Err(); err != nil {
		c.failed(ctx, "set", err)
		return
	}
	c.recovered()
}

// resting tells whether Redis failed recently enough to be left alone.
func (c *redisCache) resting() bool {
	until := c.downUntil.Load()
	return until != 0 && time.Now().UnixNano() < until
}

// failed records a Redis failure, unless the request itself was cancelled:
// a client that hangs up says nothing about Redis.
func (c *redisCache) failed(ctx context.Context, op string, err error) {
	if ctx.Err() != nil {
		return
	}
	if c.downUntil.Swap(time.Now().Add(retryAfter).UnixNano()) == 0 {
		c.log.WarnContext(ctx, "APQ Redis unavailable; using the local cache only",
			slog.String("op", op), slog.String("error", err.Error()), slog.Float64("retry_after_ms", float64(retryAfter)/float64(time.Millisecond)))
	}
}

func (c *redisCache) recovered() {
	if c.downUntil.Swap(0) != 0 {
		c.log.Info("APQ Redis available again")
	}
}
