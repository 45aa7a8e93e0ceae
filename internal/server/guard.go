package server

import (
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/essaylab/teacher-bff/internal/gqlwire"

	"github.com/go-chi/cors"
	"github.com/go-chi/httprate"

	"github.com/essaylab/teacher-bff/internal/auth"
	"github.com/essaylab/teacher-bff/internal/gqlerr"
)

// preflightHeaders are headers a browser cannot add to a simple request:
// their presence proves a CORS preflight happened (Apollo's convention, so
// Apollo clients send them already).
var preflightHeaders = []string{"Apollo-Require-Preflight", "X-Apollo-Operation-Name", "GraphQL-Preflight"}

// simpleContentTypes are the content types a cross-site form or fetch may
// send without a preflight.
var simpleContentTypes = map[string]bool{
	"application/x-www-form-urlencoded": true,
	"multipart/form-data":               true,
	"text/plain":                        true,
}

// csrf refuses requests a browser could send cross-site without a CORS
// preflight. A POST must carry a non-simple content type (application/json)
// or a preflight header. A GET runs queries only and, with bearer tokens, a
// browser never attaches the identity by itself; when the identity comes
// from gateway headers (which a gateway may derive from a cookie), a GET
// must carry a preflight header too.
func csrf(gatewayIdentity bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if isWebSocketUpgrade(r) || hasPreflightHeader(r) {
				next.ServeHTTP(w, r)
				return
			}
			refuse := false
			switch r.Method {
			case http.MethodPost:
				mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
				refuse = err != nil || simpleContentTypes[strings.ToLower(mt)]
			case http.MethodGet:
				refuse = gatewayIdentity
			}
			if refuse {
				gqlwire.WriteRefusal(w, r, gqlwire.Refuse(gqlerr.CodeCSRF,
					"this request could have been sent cross-site: send it as application/json or with an Apollo-Require-Preflight header"))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

func hasPreflightHeader(r *http.Request) bool {
	for _, h := range preflightHeaders {
		if r.Header.Get(h) != "" {
			return true
		}
	}
	return false
}

// corsPolicy lets the allowed browser origins call the API. Credentials
// (cookies) are not allowed: identity travels in the Authorization header.
func corsPolicy(check func(*http.Request) bool) func(http.Handler) http.Handler {
	return cors.Handler(cors.Options{
		AllowOriginFunc: func(r *http.Request, origin string) bool { return origin != "" && check(r) },
		AllowedMethods:  []string{http.MethodGet, http.MethodPost},
		AllowedHeaders: append([]string{"Authorization", "Content-Type", "Accept",
			"X-Correlation-ID", "traceparent", "tracestate"}, preflightHeaders...),
		ExposedHeaders: []string{"X-Correlation-ID", "Retry-After"},
		MaxAge:         600,
	})
}

// rateLimit bounds each teacher's requests per window (anonymous demo
// requests are keyed by address); past it the answer is 429 with
// Retry-After. It runs after authentication so the key is the teacher, not
// an address a school's NAT shares among hundreds of them.
func rateLimit(requests int, window time.Duration) func(http.Handler) http.Handler {
	if requests <= 0 {
		return func(next http.Handler) http.Handler { return next }
	}
	return httprate.LimitBy(requests, window,
		func(r *http.Request) (string, error) {
			if t, ok := auth.TeacherFrom(r.Context()); ok {
				return "teacher:" + t.ID, nil
			}
			return httprate.KeyByIP(r)
		},
		httprate.WithLimitHandler(func(w http.ResponseWriter, r *http.Request) {
			gqlwire.WriteRefusal(w, r, gqlwire.Refuse(gqlerr.CodeRateLimited,
				"too many requests: wait for the time in Retry-After"))
		}))
}
