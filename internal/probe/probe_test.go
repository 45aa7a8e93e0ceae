package probe_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/essaylab/teacher-bff/internal/probe"
)

func TestGet(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/readyz" {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	for _, tc := range []struct {
		url, err string
	}{
		{srv.URL + "/healthz", ""},
		{srv.URL + "/readyz", "503 Service Unavailable"},
		{closed.URL + "/healthz", "connection refused"},
		{"::not a url", "missing protocol scheme"},
	} {
		err := probe.Get(context.Background(), tc.url)
		if tc.err == "" {
			assert.NoError(t, err, tc.url)
		} else {
			assert.ErrorContains(t, err, tc.err, tc.url)
		}
	}
}
