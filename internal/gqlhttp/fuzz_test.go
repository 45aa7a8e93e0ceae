package gqlhttp

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql/handler"
)

// FuzzPOSTBody sends arbitrary POST bodies: the transport must never panic
// and must always answer a GraphQL JSON body with a status that fits it.
// Seeds: testdata/fuzz/FuzzPOSTBody (run `go test -fuzz FuzzPOSTBody`).
func FuzzPOSTBody(f *testing.F) {
	f.Add([]byte(`{"query":"{hello}"}`))
	f.Add([]byte(`{"query":"query($n:Int!){echo(n:$n)}","variables":{"n":1}}`))

	// A small limit lets the fuzzer reach the 413 path too.
	h := handler.New(tinySchema())
	h.AddTransport(Transport{Options: Options{MaxBodyBytes: 4096}})

	f.Fuzz(func(t *testing.T, body []byte) {
		for _, accept := range []string{acceptGQL, acceptJSON} {
			r := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set("Accept", accept)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			checkGraphQLResponse(t, accept, w)
		}
	})
}

func checkGraphQLResponse(t *testing.T, accept string, w *httptest.ResponseRecorder) {
	t.Helper()
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, accept+";") {
		t.Fatalf("Content-Type %q for Accept %q", ct, accept)
	}
	var resp struct {
		Data   *json.RawMessage `json:"data"`
		Errors []struct {
			Message    string         `json:"message"`
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil {
		t.Fatalf("status %d, body is not JSON (%v): %q", w.Code, err, w.Body.String())
	}
	hasData := resp.Data != nil
	switch {
	case !hasData && len(resp.Errors) == 0:
		t.Fatalf("neither data nor errors: %s", w.Body.String())
	case hasData && w.Code != http.StatusOK:
		t.Fatalf("status %d with data: %s", w.Code, w.Body.String())
	case !hasData && accept == acceptGQL && w.Code < 400:
		t.Fatalf("status %d without data: %s", w.Code, w.Body.String())
	case w.Code >= 400 && hasData:
		t.Fatalf("status %d with data", w.Code)
	}
	if !hasData {
		for _, e := range resp.Errors {
			if e.Message == "" || e.Extensions["code"] == nil {
				t.Fatalf("error without message or code: %s", w.Body.String())
			}
		}
	}
}
