package gqlhttp

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql/executor/testexecutor"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/correlation"
	"github.com/essaylab/teacher-bff/internal/gqlerr"
)

func TestTransport_MaxBodyBytes(t *testing.T) {
	const limit = 64
	srv := newServer(t, Options{MaxBodyBytes: limit}, nil)
	fits := gqlPOST("{hello}")
	padded := `{"query":"{hello}","extensions":{"pad":"` + strings.Repeat("x", limit) + `"}}`
	for _, tt := range []struct {
		name       string
		call       call
		wantStatus int
		wantCode   gqlerr.Code
	}{
		{"fits", call{accept: acceptGQL, body: fits}, 200, ""},
		{"fits, chunked", call{accept: acceptGQL, body: fits, chunked: true}, 200, ""},
		{"Content-Length over the limit", call{accept: acceptGQL, body: padded}, 413, gqlerr.CodePayloadTooLarge},
		{"chunked over the limit", call{accept: acceptGQL, body: padded, chunked: true}, 413, gqlerr.CodePayloadTooLarge},
		{"over the limit (json)", call{accept: acceptJSON, body: padded}, 413, gqlerr.CodePayloadTooLarge},
		{"one byte over", call{accept: acceptGQL, body: fits + strings.Repeat(" ", limit+1-len(fits)), chunked: true}, 413, gqlerr.CodePayloadTooLarge},
		{"exactly the limit", call{accept: acceptGQL, body: fits + strings.Repeat(" ", limit-len(fits)), chunked: true}, 200, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := do(t, srv, tt.call)
			assert.Equal(t, tt.wantStatus, got.status)
			assert.Equal(t, tt.wantCode, got.code())
		})
	}
}

// The default limit is 1 MiB.
func TestTransport_DefaultMaxBodyBytes(t *testing.T) {
	srv := newServer(t, Options{}, nil)
	big := `{"query":"{hello}","extensions":{"pad":"` + strings.Repeat("x", DefaultMaxBodyBytes) + `"}}`
	got := do(t, srv, call{accept: acceptGQL, body: big, chunked: true})
	assert.Equal(t, http.StatusRequestEntityTooLarge, got.status)
	assert.Equal(t, fmt.Sprintf("the request body is larger than %d bytes", 1<<20), got.errors[0].Message)

	under := `{"query":"{hello}","extensions":{"pad":"` + strings.Repeat("x", DefaultMaxBodyBytes-100) + `"}}`
	got = do(t, srv, call{accept: acceptGQL, body: under})
	assert.Equal(t, http.StatusOK, got.status)
}

// Every refusal carries the request's correlation id; parse and validation
// errors are the executor's (its error presenter shapes them).
func TestTransport_RefusalsCarryCorrelationID(t *testing.T) {
	h := handler.New(tinySchema())
	h.AddTransport(Transport{})
	srv := httptest.NewServer(correlation.Middleware(h))
	t.Cleanup(srv.Close)

	for _, tt := range []struct {
		name string
		call call
		want gqlerr.Code
	}{
		{"415", call{accept: acceptGQL, contentType: "text/plain", body: "x"}, gqlerr.CodeUnsupportedMediaType},
		{"400", call{accept: acceptGQL, body: `[]`}, gqlerr.CodeBadRequest},
		{"406", call{accept: "text/html", body: gqlPOST("{hello}")}, gqlerr.CodeNotAcceptable},
		{"405", call{method: http.MethodPut, accept: acceptGQL}, gqlerr.CodeMethodNotAllowed},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := do(t, srv, tt.call)
			assert.Equal(t, tt.want, got.code())
			assert.Equal(t, tt.want.Status(), got.status)
			assert.NotEmpty(t, got.header.Get("X-Correlation-ID"))
			assert.Equal(t, got.header.Get("X-Correlation-ID"), got.errors[0].Extensions["correlationId"])
			assert.False(t, got.hasData, "a request error has no data key")
		})
	}
}

// Error messages describe what is wrong without quoting the body.
func TestTransport_ErrorsDoNotEchoTheBody(t *testing.T) {
	srv := newServer(t, Options{}, nil)
	secret := "Bearer-s3cr3t-token-value"
	for _, body := range []string{
		`{"query":"` + secret,
		`{"query":{"` + secret + `":1}}`,
		`{"query":"{hello}","variables":"` + secret + `"}`,
		secret,
	} {
		got := do(t, srv, call{accept: acceptGQL, body: body})
		require.Equal(t, 400, got.status, body)
		assert.NotContains(t, got.errors[0].Message, "s3cr3t")
	}
}

// The extensions parameter reaches gqlgen: with the APQ extension a request
// carrying only a persisted-query hash is not refused for its missing query,
// and a known hash runs the stored document, over POST and GET.
func TestTransport_PersistedQueries(t *testing.T) {
	srv := newServer(t, Options{}, nil, extension.AutomaticPersistedQuery{Cache: lru.New[string](10)})
	const query = "{hello}"
	unknown := strings.Repeat("0", 64)
	sum := sha256.Sum256([]byte(query))
	ext := func(h string) string {
		return `{"persistedQuery":{"version":1,"sha256Hash":"` + h + `"}}`
	}

	got := do(t, srv, call{accept: acceptGQL, body: `{"extensions":` + ext(unknown) + `}`})
	assert.Equal(t, 400, got.status)
	assert.Equal(t, gqlerr.CodePersistedQueryNotFound, got.code())

	got = do(t, srv, call{accept: acceptJSON, body: `{"query":"` + query + `","extensions":` + ext(hex.EncodeToString(sum[:])) + `}`})
	assert.Equal(t, 200, got.status)
	assert.JSONEq(t, `{"hello":"world"}`, got.data)

	got = do(t, srv, call{method: "GET", accept: acceptGQL, query: url.Values{"extensions": {ext(hex.EncodeToString(sum[:]))}}})
	assert.Equal(t, 200, got.status)
	assert.JSONEq(t, `{"hello":"world"}`, got.data)
}

// Every request but a WebSocket upgrade is the transport's, so that every
// refusal of the endpoint is a coded GraphQL error.
func TestTransport_Supports(t *testing.T) {
	for _, tt := range []struct {
		method string
		header http.Header
		want   bool
	}{
		{"GET", nil, true},
		{"POST", nil, true},
		{"POST", http.Header{"Content-Type": {"text/plain"}}, true}, // refused with 415 by Do
		{"POST", http.Header{"Accept": {"text/html"}}, true},        // refused with 406 by Do
		{"PUT", nil, true}, // refused with 405 by Do
		{"OPTIONS", nil, true},
		{"POST", http.Header{"Accept": {"text/event-stream"}}, true},
		{"POST", http.Header{"Accept": {"multipart/mixed"}}, true},
		{"GET", http.Header{"Upgrade": {"websocket"}, "Connection": {"Upgrade"}}, false},
		{"GET", http.Header{"Upgrade": {"WebSocket"}, "Connection": {"Upgrade"}}, false},
	} {
		r := httptest.NewRequest(tt.method, "/graphql", nil)
		for k, v := range tt.header {
			r.Header[k] = v
		}
		assert.Equal(t, tt.want, Transport{}.Supports(r), "%s %v", tt.method, tt.header)
	}
}

// gqlgen's own test executor works through this transport as through
// transport.POST.
func TestTransport_GqlgenTestExecutor(t *testing.T) {
	srv := newServer(t, Options{}, testexecutor.New().Schema())
	got := do(t, srv, call{accept: acceptGQL, body: gqlPOST("{name}")})
	assert.Equal(t, 200, got.status)
	assert.JSONEq(t, `{"name":"test"}`, got.data)

	got = do(t, srv, call{method: "GET", accept: acceptGQL, query: url.Values{"query": {"mutation{name}"}}})
	assert.Equal(t, 405, got.status)
}
