package persisted_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/persisted"
	"github.com/essaylab/teacher-bff/internal/testenv/testkit"
)

// Apollo's APQ protocol over a real server with each cache: a hash the
// server does not know asks for the document, a document that does not
// match its hash is refused and not stored, and a stored one runs by hash.
func TestAPQRoundTrip(t *testing.T) {
	caches := []struct {
		name  string
		cache func(t *testing.T, query string) graphql.Cache[string]
	}{
		{"memory", func(*testing.T, string) graphql.Cache[string] { return persisted.NewMemoryCache(10) }},
		{"redis", func(t *testing.T, query string) graphql.Cache[string] {
			r := testkit.Redis(t, "")
			forget(t, r, query)
			return persisted.NewRedisCache(r, time.Minute, persisted.NewMemoryCache(10))
		}},
		{"redis down", func(t *testing.T, _ string) graphql.Cache[string] {
			down, _ := downClient(t)
			return persisted.NewRedisCache(down, time.Minute, persisted.NewMemoryCache(10))
		}},
	}
	for _, c := range caches {
		t.Run(c.name, func(t *testing.T) {
			query := uniqueQuery()
			hash := persisted.Hash(query)
			url := newServer(t, extension.AutomaticPersistedQuery{Cache: c.cache(t, query)})

			status, res := testkit.Post(t, url, apq(hash, ""))
			assert.Equal(t, http.StatusOK, status)
			require.Len(t, res.Errors, 1)
			assert.Equal(t, "PersistedQueryNotFound", res.Errors[0].Message)
			assert.Equal(t, "PERSISTED_QUERY_NOT_FOUND", res.Code())

			// gqlgen's extension checks the hash before storing.
			_, res = testkit.Post(t, url, apq(hash, "{ __typename }"))
			require.Len(t, res.Errors, 1)
			assert.Equal(t, "provided APQ hash does not match query", res.Errors[0].Message)
			_, res = testkit.Post(t, url, apq(hash, ""))
			assert.Equal(t, "PERSISTED_QUERY_NOT_FOUND", res.Code(), "the mismatch was not stored")

			status, res = testkit.Post(t, url, apq(hash, query))
			assert.Equal(t, http.StatusOK, status)
			assert.Empty(t, res.Errors)
			assert.JSONEq(t, `{"__typename":"Query"}`, string(res.Data))

			status, res = testkit.Post(t, url, apq(hash, ""))
			assert.Equal(t, http.StatusOK, status)
			assert.Empty(t, res.Errors)
			assert.JSONEq(t, `{"__typename":"Query"}`, string(res.Data))
		})
	}
}

// Two replicas with their own clients and local caches share documents
// through Redis: the second runs by hash what the first stored.
func TestAPQSharedThroughRedis(t *testing.T) {
	query := uniqueQuery()
	hash := persisted.Hash(query)
	replica := func() string {
		r := testkit.Redis(t, "")
		forget(t, r, query)
		return newServer(t, extension.AutomaticPersistedQuery{
			Cache: persisted.NewRedisCache(r, time.Minute, persisted.NewMemoryCache(10)),
		})
	}
	first, second := replica(), replica()

	_, res := testkit.Post(t, first, apq(hash, query))
	require.Empty(t, res.Errors)

	status, res := testkit.Post(t, second, apq(hash, ""))
	assert.Equal(t, http.StatusOK, status)
	assert.Empty(t, res.Errors)
	assert.JSONEq(t, `{"__typename":"Query"}`, string(res.Data))
}
