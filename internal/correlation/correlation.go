// Package correlation carries a request's correlation id from the BFF's
// caller, through the request context, to every upstream call it causes, so
// one user action can be followed across the logs of all services.
package correlation

import (
	"context"
	"net/http"

	"github.com/google/uuid"
)

// Header is the HTTP header that carries the id, inbound and outbound.
const Header = "X-Correlation-ID"

// maxLen bounds an accepted inbound id: it is echoed and forwarded, so a
// caller must not be able to make it arbitrarily large.
const maxLen = 128

type ctxKey struct{}

// New makes a fresh id (a random UUID, as the upstream contract expects).
func New() string { return uuid.NewString() }

// WithID returns a context that carries id.
func WithID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, ctxKey{}, id)
}

// FromContext returns the id carried by ctx, or "" when there is none.
func FromContext(ctx context.Context) string {
	id, _ := ctx.Value(ctxKey{}).(string)
	return id
}

// Valid reports whether id is safe to adopt, echo and forward: 1–128
// characters of [A-Za-z0-9._:-]. Anything else (header injection, log
// forging, huge values) is replaced by a fresh id rather than trusted.
func Valid(id string) bool {
	if id == "" || len(id) > maxLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '.', c == '_', c == ':', c == '-':
		default:
			return false
		}
	}
	return true
}

// Middleware adopts the caller's X-Correlation-ID when it is Valid, else
// makes a new one; stores it in the request context and echoes it on the
// response so the caller can quote it in a bug report.
func Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(Header)
		if !Valid(id) {
			id = New()
		}
		w.Header().Set(Header, id)
		next.ServeHTTP(w, r.WithContext(WithID(r.Context(), id)))
	})
}
