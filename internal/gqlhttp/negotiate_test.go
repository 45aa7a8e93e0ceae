package gqlhttp

import (
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Accept headers the server tests do not reach; "" means 406.
func TestNegotiate(t *testing.T) {
	for _, tt := range []struct {
		accept []string // one element per header line
		want   string
	}{
		{nil, mediaJSON},
		{[]string{"  "}, mediaJSON},
		{[]string{"text/html", "application/graphql-response+json"}, mediaGraphQLResponse}, // split over lines
		{[]string{"text/html;q=x, application/json"}, mediaJSON},                           // bad q skips only its element
		{[]string{"application/json;q=2"}, ""},                                             // q out of range: element ignored
		{[]string{"*/json, application/json;q=0.1"}, mediaJSON},                            // "*/json" is not a range
		{[]string{"Application/JSON"}, mediaJSON},                                          // case-insensitive
		{[]string{"application/graphql-response+json;q=0.9, application/json;q=0.9"}, mediaGraphQLResponse},
		{[]string{"application/*;q=0.2, application/json;q=0.1"}, mediaGraphQLResponse}, // the specific range wins for json
		{[]string{"application/json, application/json;q=0"}, mediaJSON},                 // repeated: the higher q
		{[]string{"text/event-stream"}, ""},
		{[]string{"application/json; charset=\"UTF-8\""}, mediaJSON},
		{[]string{"application/json; charset=utf-16"}, ""},
	} {
		r := httptest.NewRequest("POST", "/graphql", nil)
		for _, v := range tt.accept {
			r.Header.Add("Accept", v)
		}
		got, ok := negotiate(r)
		if tt.want == "" {
			assert.False(t, ok, "%q: got %s", tt.accept, got)
			continue
		}
		assert.True(t, ok, "%q", tt.accept)
		assert.Equal(t, tt.want, got, "%q", tt.accept)
	}
}

func TestJSONContentType(t *testing.T) {
	for ct, want := range map[string]bool{
		"application/json":                     true,
		"Application/JSON; Charset=UTF-8":      true,
		"application/json;charset=utf8":        true,
		"application/json; boundary=x":         true,
		"":                                     false,
		"application/json; charset=iso-8859-1": false,
		"application/graphql-response+json":    false,
		"application/x-www-form-urlencoded":    false,
		"application/json; charset":            false, // unparsable
	} {
		assert.Equal(t, want, jsonContentType(ct), "%q", ct)
	}
}
