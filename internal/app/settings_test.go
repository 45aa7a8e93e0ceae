package app_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/devstack"
	"github.com/essaylab/teacher-bff/internal/testenv"
)

// Each limit setting, set through the environment as cmd/bff reads it,
// changes what a running server accepts: the query under the setting runs,
// the one just over it is refused with the setting's limit.
func TestLimitSettingsOnARunningServer(t *testing.T) {
	tests := []struct {
		setting, value string
		limit          string
		within, over   string
	}{
		{"BFF_MAX_DEPTH", "3", "depth",
			`{ viewer { credits { userBalance } } }`,
			`{ viewer { batches(limit: 1) { nodes { id } } } }`},
		{"BFF_MAX_COMPLEXITY", "12", "complexity",
			`{ viewer { batches(limit: 2) { nodes { id title } } } }`,
			`{ viewer { batches(limit: 5) { nodes { id title } } } }`},
		{"BFF_MAX_ALIASES", "1", "aliases",
			`{ viewer { a: id } }`,
			`{ viewer { a: id b: id } }`},
	}
	for _, tt := range tests {
		t.Run(tt.setting, func(t *testing.T) {
			env := testenv.StartWith(t, map[string]string{tt.setting: tt.value})
			token := env.Token(t, devstack.TeacherWithOrg)

			ok := env.Do(t, testenv.Request{Query: tt.within, Token: token}, nil)
			assert.Empty(t, ok.Errors, "%s=%s lets %s run", tt.setting, tt.value, tt.within)

			refused := env.Do(t, testenv.Request{Query: tt.over, Token: token}, nil)
			require.NotEmpty(t, refused.Errors, "%s=%s refuses %s", tt.setting, tt.value, tt.over)
			assert.Equal(t, "OPERATION_LIMIT_EXCEEDED", refused.Code())
			assert.Equal(t, tt.limit, refused.Errors[0].Extensions["limit"])
			assert.Equal(t, http.StatusBadRequest, refused.Status)
		})
	}
}

// BFF_MAX_BODY_BYTES bounds the body of every transport that reads one:
// POST and SSE both answer 413 just over it and serve just under it.
func TestMaxBodyBytesSetting(t *testing.T) {
	env := testenv.StartWith(t, map[string]string{"BFF_MAX_BODY_BYTES": "300"})
	token := env.Token(t, devstack.TeacherWithOrg)
	body := func(size int) []byte {
		b := []byte(`{"query":"{ viewer { id } }","extensions":{"pad":"`)
		b = append(b, strings.Repeat("x", size-len(b)-3)...)
		return append(b, `"}}`...)
	}
	for _, accept := range []string{"application/graphql-response+json", "text/event-stream"} {
		for _, tc := range []struct {
			size int
			want int
		}{{300, http.StatusOK}, {301, http.StatusRequestEntityTooLarge}} {
			req, err := http.NewRequest(http.MethodPost, env.Server.URL+"/graphql", bytes.NewReader(body(tc.size)))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", accept)
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := env.Server.Client().Do(req)
			require.NoError(t, err)
			_ = resp.Body.Close()
			assert.Equal(t, tc.want, resp.StatusCode, "%s, %d bytes", accept, tc.size)
		}
	}
}
