package gqlwire_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/gqlerr"
	"github.com/essaylab/teacher-bff/internal/gqlwire"
)

// One bound for a request however it is sent: a POST's body and a GET's URL
// query both take up to maxBody bytes, and past it each is refused with its
// own code and status (RFC 9110 §15.5.14 and §15.5.15).
func TestReadRequestBoundsBodyAndURL(t *testing.T) {
	const maxBody = 64
	post := func(size int) *http.Request {
		body := `{"query":"{ viewer { id } }","extensions":{"p":"`
		body += strings.Repeat("x", size-len(body)-3) + `"}}`
		r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		return r
	}
	get := func(size int) *http.Request {
		raw := "query=%7Bviewer%7Bid%7D%7D%0A%23" // "{viewer{id}}\n#": the rest is a comment
		return httptest.NewRequest(http.MethodGet, "/graphql?"+raw+strings.Repeat("x", size-len(raw)), nil)
	}
	tests := []struct {
		name   string
		req    *http.Request
		want   gqlerr.Code // "" when read
		status int
	}{
		{"POST at the limit", post(maxBody), "", 0},
		{"POST over it", post(maxBody + 1), gqlerr.CodePayloadTooLarge, http.StatusRequestEntityTooLarge},
		{"GET at the limit", get(maxBody), "", 0},
		{"GET over it", get(maxBody + 1), gqlerr.CodeURITooLong, http.StatusRequestURITooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			params, bad := gqlwire.ReadRequest(httptest.NewRecorder(), tt.req, maxBody)
			if tt.want == "" {
				require.Nil(t, bad)
				assert.True(t, strings.HasPrefix(params.Query, "{"), "query %q", params.Query)
				return
			}
			require.NotNil(t, bad)
			assert.Equal(t, tt.want, bad.Code)
			assert.Equal(t, tt.status, bad.Status)
			assert.Contains(t, bad.Message, "64 bytes")
		})
	}
}
