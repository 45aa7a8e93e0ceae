package gqlwire

import (
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The Accept headers real clients send by default.
const (
	// @urql/core 6.x, every fetch (queries and mutations).
	acceptURQL = "application/graphql-response+json, application/graphql+json, application/json, text/event-stream, multipart/mixed"
	// Apollo Client 3.x HttpLink.
	acceptApollo3 = "*/*"
	// Apollo Client 3.x and 4.x for an operation with @defer.
	acceptApolloDefer = "multipart/mixed;deferSpec=20220824,application/json"
	// Apollo Client 4.x HttpLink.
	acceptApollo4 = "application/graphql-response+json,application/json;q=0.9"
	// graphql-http's client and audit.
	acceptGraphQLHTTP = "application/graphql-response+json, application/json"
	// graphql-sse's client.
	acceptGraphQLSSE = "text/event-stream"
)

// offers is the order the BFF offers a query's media types in.
var offers = []string{MediaJSON, MediaGraphQLResponse, MediaEventStream, MediaMultipartMixed}

func TestNegotiate(t *testing.T) {
	for _, tt := range []struct {
		name   string
		accept []string // one element per header line
		offers []string // nil: offers
		want   string   // "": not acceptable
	}{
		{"no header: the server's first", nil, nil, MediaJSON},
		{"blank header", []string{"  "}, nil, MediaJSON},
		{"urql: the first JSON type it lists", []string{acceptURQL}, nil, MediaGraphQLResponse},
		{"Apollo 3: anything, so the server's first", []string{acceptApollo3}, nil, MediaJSON},
		{"Apollo @defer: multipart first", []string{acceptApolloDefer}, nil, MediaMultipartMixed},
		{"Apollo 4: q decides", []string{acceptApollo4}, nil, MediaGraphQLResponse},
		{"graphql-http", []string{acceptGraphQLHTTP}, nil, MediaGraphQLResponse},
		{"graphql-sse", []string{acceptGraphQLSSE}, nil, MediaEventStream},
		{"event stream listed first", []string{"text/event-stream, application/json"}, nil, MediaEventStream},
		{"event stream listed second", []string{"application/json, text/event-stream"}, nil, MediaJSON},
		{"event stream refused with q=0", []string{"text/event-stream;q=0, application/json;q=0.1"}, nil, MediaJSON},
		{"q=0 beats a wildcard", []string{"*/*, application/json;q=0"}, JSONTypes, MediaGraphQLResponse},
		{"q=0 on every offer", []string{"application/*;q=0, text/*;q=0, multipart/*;q=0"}, nil, ""},
		{"a higher q beats client order", []string{"application/json;q=0.5, text/event-stream"}, nil, MediaEventStream},
		{"order among equals", []string{"application/json, application/graphql-response+json"}, nil, MediaJSON},
		{"order among equal q below 1", []string{"application/graphql-response+json;q=0.9, application/json;q=0.9"}, nil, MediaGraphQLResponse},
		{"named beats a wildcard listed earlier", []string{"*/*, application/graphql-response+json"}, nil, MediaGraphQLResponse},
		{"type wildcard: the server's first of that type", []string{"application/*"}, nil, MediaJSON},
		{"type wildcard reaches multipart", []string{"multipart/*"}, nil, MediaMultipartMixed},
		{"the specific range decides q", []string{"application/*;q=0.2, application/json;q=0.1"}, JSONTypes, MediaGraphQLResponse},
		{"split over header lines", []string{"text/html", "application/graphql-response+json"}, nil, MediaGraphQLResponse},
		{"a bad q skips only its element", []string{"text/html;q=x, application/json"}, nil, MediaJSON},
		{"q out of range: element ignored", []string{"application/json;q=2"}, JSONTypes, ""},
		{"*/json is not a range", []string{"*/json, application/json;q=0.1"}, nil, MediaJSON},
		{"case-insensitive", []string{"Application/JSON"}, nil, MediaJSON},
		{"repeated range: the higher q", []string{"application/json, application/json;q=0"}, JSONTypes, MediaJSON},
		{"only other types", []string{"text/html, image/png"}, nil, ""},
		{"event stream is no JSON type", []string{"text/event-stream"}, JSONTypes, ""},
		{"multipart alone", []string{"multipart/mixed"}, nil, MediaMultipartMixed},
		{"charset UTF-8 in quotes", []string{`application/json; charset="UTF-8"`}, nil, MediaJSON},
		{"another charset matches nothing", []string{"application/json; charset=utf-16"}, nil, ""},
		{"no offers", []string{"*/*"}, []string{}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/graphql", nil)
			for _, v := range tt.accept {
				r.Header.Add("Accept", v)
			}
			o := tt.offers
			if o == nil {
				o = offers
			}
			got, ok := Negotiate(r, o...)
			if tt.want == "" {
				assert.False(t, ok, "got %s", got)
				return
			}
			assert.True(t, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestAccepts(t *testing.T) {
	for _, tt := range []struct {
		accept string
		media  string
		want   bool
	}{
		{"", MediaEventStream, true},
		{acceptURQL, MediaEventStream, true},
		{acceptURQL, MediaMultipartMixed, true},
		{"text/event-stream;q=0, */*", MediaEventStream, false},
		{"*/*", MediaEventStream, true},
		{"application/json", MediaEventStream, false},
	} {
		r := httptest.NewRequest("POST", "/graphql", nil)
		if tt.accept != "" {
			r.Header.Set("Accept", tt.accept)
		}
		assert.Equal(t, tt.want, Accepts(r, tt.media), "%q accepts %s", tt.accept, tt.media)
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
		assert.Equal(t, want, JSONContentType(ct), "%q", ct)
	}
}
