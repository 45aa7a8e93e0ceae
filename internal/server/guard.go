package server

import (
	"context"
	"math"
	"mime"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/essaylab/teacher-bff/internal/gqlwire"
	"github.com/essaylab/teacher-bff/internal/ratelimit"

	"github.com/99designs/gqlgen/graphql"
	"github.com/go-chi/cors"
	"github.com/vektah/gqlparser/v2/gqlerror"

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

// rateLimit debits each HTTP request from its teacher's budget (anonymous
// demo requests and WebSocket upgrades, which carry no teacher yet, from
// their address's); past it the answer is 429 with Retry-After. It runs
// after authentication so the key is the teacher, not an address a school's
// NAT shares among hundreds of them. The operations a WebSocket carries are
// debited one by one by operationBudget.
func rateLimit(l ratelimit.Limiter) func(http.Handler) http.Handler {
	if l == nil {
		return func(next http.Handler) http.Handler { return next }
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			key, ok := budgetKey(r.Context())
			if !ok {
				// The TCP peer, never a header a client could forge.
				// Behind a proxy every anonymous caller shares its
				// bucket, which only the demo allows anyway.
				host, _, err := net.SplitHostPort(r.RemoteAddr)
				if err != nil {
					host = r.RemoteAddr
				}
				key = "ip:" + host
			}
			allowed, retry, _ := l.Allow(r.Context(), key)
			if !allowed {
				w.Header().Set("Retry-After", strconv.Itoa(retrySeconds(retry)))
				gqlwire.WriteRefusal(w, r, gqlwire.Refuse(gqlerr.CodeRateLimited,
					"too many requests: wait for the time in Retry-After"))
				return
			}
			if !isWebSocketUpgrade(r) {
				r = r.WithContext(context.WithValue(r.Context(), debitedKey{}, true))
			}
			next.ServeHTTP(w, r)
		})
	}
}

// budgetKey is the budget an operation of ctx is debited from: its
// teacher's.
func budgetKey(ctx context.Context) (string, bool) {
	t, ok := auth.TeacherFrom(ctx)
	if !ok {
		return "", false
	}
	return "teacher:" + t.ID, true
}

// retrySeconds is d as Retry-After's delay-seconds (RFC 9110 §10.2.3):
// whole seconds, rounded up and at least 1.
func retrySeconds(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}

// debitedKey marks the context of an HTTP request rateLimit has debited:
// its operation is not debited again. The operations of a WebSocket derive
// their contexts from the upgrade request, which is never marked.
type debitedKey struct{}

// operationBudget debits every operation not debited as an HTTP request
// (those a WebSocket carries: queries and subscriptions alike) from its
// teacher's budget. Past the budget that operation gets a RATE_LIMITED
// error; the connection stays.
type operationBudget struct{ limiter ratelimit.Limiter }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = operationBudget{}

func (operationBudget) ExtensionName() string                   { return "OperationBudget" }
func (operationBudget) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationParameters debits the operation before it is parsed.
func (b operationBudget) MutateOperationParameters(ctx context.Context, _ *graphql.RawParams) *gqlerror.Error {
	if debited, _ := ctx.Value(debitedKey{}).(bool); debited {
		return nil
	}
	key, ok := budgetKey(ctx)
	if !ok {
		return nil // no teacher: the demo's anonymous schema loads
	}
	if allowed, retry, _ := b.limiter.Allow(ctx, key); !allowed {
		secs := retrySeconds(retry)
		err := gqlerr.New(ctx, gqlerr.CodeRateLimited,
			"too many operations: retry in "+strconv.Itoa(secs)+" s")
		err.Extensions["retryAfter"] = secs
		return err
	}
	return nil
}
