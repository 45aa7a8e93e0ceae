package persisted_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/persisted"
	"github.com/essaylab/teacher-bff/internal/testenv/testkit"
)

func TestHash(t *testing.T) {
	// echo -n '{ __typename }' | sha256sum
	assert.Equal(t, "7f56e67dd21ab3f30d1ff8b7bed08893f0a0db86449836189b361dd1e56ddb4b", persisted.Hash("{ __typename }"))
}

// The memory cache keeps the most recently used documents up to its size.
func TestMemoryCacheIsBounded(t *testing.T) {
	ctx := context.Background()
	c := persisted.NewMemoryCache(2)
	c.Add(ctx, "a", "A")
	c.Add(ctx, "b", "B")
	_, _ = c.Get(ctx, "a") // a is now more recent than b
	c.Add(ctx, "c", "C")

	for key, want := range map[string]bool{"a": true, "b": false, "c": true} {
		_, ok := c.Get(ctx, key)
		assert.Equal(t, want, ok, key)
	}

	// Size 0 is the default size, not a panic.
	d := persisted.NewMemoryCache(0)
	d.Add(ctx, "a", "A")
	v, ok := d.Get(ctx, "a")
	assert.True(t, ok)
	assert.Equal(t, "A", v)
}

// A document added on one replica is found by another through Redis, under
// bff:apq:<hash> with the TTL, and lands in the second replica's local
// cache.
func TestRedisCacheSharesDocuments(t *testing.T) {
	ctx := context.Background()
	r := testkit.Redis(t, "")
	q := uniqueQuery()
	forget(t, r, q)
	h := persisted.Hash(q)

	a := persisted.NewRedisCache(r, time.Minute, persisted.NewMemoryCache(10))
	a.Add(ctx, h, q)
	stored, err := r.Get(ctx, "bff:apq:"+h).Result()
	require.NoError(t, err)
	assert.Equal(t, q, stored)
	ttl, err := r.TTL(ctx, "bff:apq:"+h).Result()
	require.NoError(t, err)
	assert.Greater(t, ttl, time.Duration(0))
	assert.LessOrEqual(t, ttl, time.Minute)

	local := persisted.NewMemoryCache(10)
	b := persisted.NewRedisCache(r, time.Minute, local)
	got, ok := b.Get(ctx, h)
	require.True(t, ok)
	assert.Equal(t, q, got)
	got, ok = local.Get(ctx, h)
	assert.True(t, ok, "a Redis hit fills the local cache")
	assert.Equal(t, q, got)
}

// What the Redis cache refuses to store or to serve.
func TestRedisCacheRefuses(t *testing.T) {
	ctx := context.Background()
	r := testkit.Redis(t, "")
	tests := []struct {
		name string
		// prepare runs against Redis and the cache and returns the key to
		// get.
		prepare func(t *testing.T, c graphql.Cache[string]) string
		warns   int
	}{
		{
			name: "an add whose hash does not match",
			prepare: func(t *testing.T, c graphql.Cache[string]) string {
				q, other := uniqueQuery(), uniqueQuery()
				forget(t, r, q)
				c.Add(ctx, persisted.Hash(q), other)
				n, err := r.Exists(ctx, persisted.KeyPrefix+persisted.Hash(q)).Result()
				require.NoError(t, err)
				assert.Zero(t, n, "not stored in Redis")
				return persisted.Hash(q)
			},
		},
		{
			name: "a Redis entry that does not match its hash",
			prepare: func(t *testing.T, _ graphql.Cache[string]) string {
				q := uniqueQuery()
				forget(t, r, q)
				require.NoError(t, r.Set(ctx, persisted.KeyPrefix+persisted.Hash(q), "{ viewer { id } }", time.Minute).Err())
				return persisted.Hash(q)
			},
			warns: 1,
		},
		{
			name: "a key that is no hash",
			prepare: func(*testing.T, graphql.Cache[string]) string {
				return "../../etc"
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs := &testkit.Buffer{}
			c := persisted.NewRedisCache(r, time.Minute, persisted.NewMemoryCache(10),
				persisted.WithLogger(slog.New(slog.NewTextHandler(logs, nil))))
			key := tt.prepare(t, c)
			_, ok := c.Get(ctx, key)
			assert.False(t, ok)
			assert.Equal(t, tt.warns, strings.Count(logs.String(), "level=WARN"))
		})
	}
}

// With Redis down the cache works from its local part: one warning for
// the outage, and Redis left alone afterwards.
func TestRedisCacheDown(t *testing.T) {
	ctx := context.Background()
	down, dials := downClient(t)
	logs := &testkit.Buffer{}
	c := persisted.NewRedisCache(down, time.Minute, persisted.NewMemoryCache(10),
		persisted.WithLogger(slog.New(slog.NewTextHandler(logs, nil))))
	q := uniqueQuery()
	h := persisted.Hash(q)

	_, ok := c.Get(ctx, h)
	assert.False(t, ok)
	tried := dials.Load()
	assert.Positive(t, tried)

	c.Add(ctx, h, q)
	got, ok := c.Get(ctx, h)
	assert.True(t, ok)
	assert.Equal(t, q, got)
	_, ok = c.Get(ctx, persisted.Hash(uniqueQuery()))
	assert.False(t, ok)

	assert.Equal(t, tried, dials.Load(), "Redis is left alone after a failure")
	assert.Equal(t, 1, strings.Count(logs.String(), "level=WARN"))
	assert.Equal(t, 1, strings.Count(logs.String(), "APQ Redis unavailable"))
}
