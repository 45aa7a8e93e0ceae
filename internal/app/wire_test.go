package app_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/devstack"
	"github.com/essaylab/teacher-bff/internal/testenv"
)

// Every refusal of /graphql, whoever makes it (router, guards, transports),
// is a GraphQL error with a code and the correlation id, in a JSON media
// type, without a data key (GraphQL-over-HTTP: a request error has none).
func TestRefusalsAreCodedGraphQLErrors(t *testing.T) {
	env := testenv.Start(t)
	token := env.Token(t, devstack.TeacherWithOrg)
	body := `{"query":"{ viewer { id } }"}`
	for _, tt := range []struct {
		name      string
		method    string
		header    map[string]string
		status    int
		code      string
		mediaType string
		allow     string
	}{
		{name: "PUT", method: http.MethodPut, status: 405, code: "METHOD_NOT_ALLOWED", mediaType: "application/graphql-response+json", allow: "GET, POST"},
		{name: "DELETE", method: http.MethodDelete, status: 405, code: "METHOD_NOT_ALLOWED", mediaType: "application/graphql-response+json", allow: "GET, POST"},
		{name: "PATCH", method: http.MethodPatch, status: 405, code: "METHOD_NOT_ALLOWED", mediaType: "application/graphql-response+json", allow: "GET, POST"},
		{name: "PUT, no Accept", method: http.MethodPut, header: map[string]string{"Accept": ""}, status: 405, code: "METHOD_NOT_ALLOWED", mediaType: "application/json", allow: "GET, POST"},
		{name: "Accept nothing matches", method: http.MethodPost, header: map[string]string{"Accept": "text/html"}, status: 406, code: "NOT_ACCEPTABLE", mediaType: "application/json"},
		{name: "Accept all refused", method: http.MethodPost, header: map[string]string{"Accept": "application/*;q=0, text/*;q=0, multipart/*;q=0"}, status: 406, code: "NOT_ACCEPTABLE", mediaType: "application/json"},
		{name: "no identity", method: http.MethodPost, header: map[string]string{"Authorization": ""}, status: 401, code: "UNAUTHENTICATED", mediaType: "application/graphql-response+json"},
		{name: "form post", method: http.MethodPost, header: map[string]string{"Content-Type": "text/plain"}, status: 400, code: "CSRF_PREVENTED", mediaType: "application/graphql-response+json"},
		{name: "body too large", method: http.MethodPost, header: map[string]string{"X-Pad": "1"}, status: 413, code: "PAYLOAD_TOO_LARGE", mediaType: "application/graphql-response+json"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := body
			if tt.header["X-Pad"] != "" {
				b = `{"query":"{ viewer { id } }","extensions":{"pad":"` + strings.Repeat("x", 2<<20) + `"}}`
			}
			req, err := http.NewRequest(tt.method, env.Server.URL+"/graphql", strings.NewReader(b))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/graphql-response+json")
			req.Header.Set("Authorization", "Bearer "+token)
			for k, v := range tt.header {
				if v == "" {
					req.Header.Del(k)
				} else {
					req.Header.Set(k, v)
				}
			}
			res := env.Send(t, req, nil)
			assert.Equal(t, tt.status, res.Status)
			assert.Equal(t, tt.mediaType+"; charset=utf-8", res.Header.Get("Content-Type"))
			assert.Equal(t, tt.allow, res.Header.Get("Allow"))
			require.Len(t, res.Errors, 1)
			assert.Equal(t, tt.code, res.Code())
			assert.Equal(t, res.Header.Get("X-Correlation-ID"), res.Errors[0].Extensions["correlationId"])
			assert.NotEmpty(t, res.Errors[0].Extensions["correlationId"])
			var top map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(res.Body, &top))
			assert.NotContains(t, top, "data", "a request error has no data key: %s", res.Body)
		})
	}
}
