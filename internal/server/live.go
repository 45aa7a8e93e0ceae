package server

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/essaylab/teacher-bff/internal/auth"
)

// wsInit checks a WebSocket's connection_init payload like an HTTP request's
// credentials; the teacher it names is in every operation of the
// connection, and the connection ends when the token does.
func wsInit(a *auth.Authenticator) func(context.Context, map[string]any) (context.Context, time.Time, error) {
	return func(ctx context.Context, payload map[string]any) (context.Context, time.Time, error) {
		t, err := a.FromConnectionParams(payload)
		if errors.Is(err, auth.ErrNotAuthenticated) {
			// No credential in the payload: the trusted gateway's identity
			// of the upgrade request, if it named one.
			if gt, ok := upgradeTeacher(ctx); ok {
				t, err = gt, nil
			}
		}
		if err != nil {
			return ctx, time.Time{}, err
		}
		return auth.WithTeacher(ctx, t), t.ExpiresAt, nil
	}
}

type upgradeKey struct{}

// withUpgradeTeacher remembers the gateway's identity of a WebSocket upgrade
// for connection_init, without making it the operations' identity before
// the connection is initialised.
func withUpgradeTeacher(ctx context.Context, t auth.Teacher) context.Context {
	return context.WithValue(ctx, upgradeKey{}, t)
}

func upgradeTeacher(ctx context.Context) (auth.Teacher, bool) {
	t, ok := ctx.Value(upgradeKey{}).(auth.Teacher)
	return t, ok
}

// expiry is when the identity of an SSE stream runs out.
func expiry(ctx context.Context) time.Time {
	t, _ := auth.TeacherFrom(ctx)
	return t.ExpiresAt
}

// originChecker allows requests without an Origin header (not from a
// browser, so not a cross-site request) and browser requests from the
// allowed origins only (and, with local set, the local development
// origins: see isLocalOrigin). There is no "allow all".
func originChecker(allowed []string, local bool) func(*http.Request) bool {
	set := make(map[string]bool, len(allowed))
	for _, o := range allowed {
		set[normalizeOrigin(o)] = true
	}
	return func(r *http.Request) bool {
		origin := r.Header.Get("Origin")
		if origin == "" {
			return true
		}
		return set[normalizeOrigin(origin)] || (local && isLocalOrigin(origin))
	}
}

// isLocalOrigin reports whether origin is a page served from this machine:
// http or https on localhost, 127.0.0.1 or [::1], any port. Such a page can
// only be opened by someone at this machine, which is what makes it safe to
// allow in the demo (which listens on loopback).
func isLocalOrigin(origin string) bool {
	u, err := url.Parse(strings.TrimSpace(origin))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.User != nil || (u.Path != "" && u.Path != "/") {
		return false
	}
	switch strings.ToLower(u.Hostname()) {
	case "localhost", "127.0.0.1", "::1":
		return true
	}
	return false
}

// normalizeOrigin lowercases scheme and host and drops a trailing slash, so
// "HTTP://Example.com/" and "http://example.com" are one origin.
func normalizeOrigin(o string) string {
	u, err := url.Parse(strings.TrimSpace(o))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "\x00invalid"
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host)
}
