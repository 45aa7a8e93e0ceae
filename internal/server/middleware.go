package server

import (
	"bufio"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"

	"github.com/essaylab/teacher-bff/internal/gqlwire"

	"github.com/essaylab/teacher-bff/internal/auth"
	"github.com/essaylab/teacher-bff/internal/correlation"
	"github.com/essaylab/teacher-bff/internal/gqlerr"
)

// authenticate attaches the teacher of the request to its context. A
// credential that is presented but invalid is refused outright; a request
// with none is refused unless anonymous access is allowed (the demo).
// WebSocket upgrades pass: their identity arrives in connection_init.
func authenticate(a *auth.Authenticator, allowAnonymous bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if isWebSocketUpgrade(r) {
				// Browsers cannot set headers on an upgrade: the identity
				// comes in connection_init. Only the gateway, when trusted,
				// can name the teacher on the upgrade request itself.
				if a.TrustsGateway() {
					if t, err := a.FromRequest(r); err == nil {
						r = r.WithContext(withUpgradeTeacher(r.Context(), t))
					}
				}
				next.ServeHTTP(w, r)
				return
			}
			t, err := a.FromRequest(r)
			switch {
			case err == nil:
				next.ServeHTTP(w, r.WithContext(auth.WithTeacher(r.Context(), t)))
			case errors.Is(err, auth.ErrNotAuthenticated) && allowAnonymous:
				next.ServeHTTP(w, r)
			default:
				w.Header().Set("WWW-Authenticate", `Bearer realm="teacher-bff"`)
				gqlwire.WriteRefusal(w, r, gqlwire.Refuse(gqlerr.CodeUnauthenticated, "a valid teacher identity is required"))
			}
		})
	}
}

func isWebSocketUpgrade(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

// recoverer turns a panic outside gqlgen (which has its own) into a 500 with
// a GraphQL error body, logged with its correlation id.
func recoverer(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				p := recover()
				if p == nil {
					return
				}
				if p == http.ErrAbortHandler {
					// net/http's own signal to drop the connection.
					panic(p)
				}
				log.LogAttrs(r.Context(), slog.LevelError, "panic in handler",
					slog.String("correlation_id", correlation.FromContext(r.Context())),
					slog.String("panic", fmt.Sprint(p)),
					slog.String("stack", string(debug.Stack())))
				gqlwire.WriteRefusal(w, r, gqlwire.Refuse(gqlerr.CodeInternal, "internal server error"))
			}()
			next.ServeHTTP(w, r)
		})
	}
}

// statusWriter records the status for the access log. It passes Flush and
// Hijack through: SSE streams and WebSocket upgrades go through it.
type statusWriter struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wroteHeader {
		w.status, w.wroteHeader = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wroteHeader = true
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("server: connection cannot be hijacked")
	}
	w.status = http.StatusSwitchingProtocols
	return h.Hijack()
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
