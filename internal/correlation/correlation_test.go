package correlation

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/uuid"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestNewIsUUID(t *testing.T) {
	a, b := New(), New()
	if _, err := uuid.Parse(a); err != nil {
		t.Fatalf("New() = %q, not a UUID: %v", a, err)
	}
	if a == b {
		t.Fatalf("New() twice = %q", a)
	}
}

func TestContextRoundTrip(t *testing.T) {
	if got := FromContext(context.Background()); got != "" {
		t.Errorf("FromContext(empty) = %q, want \"\"", got)
	}
	if got := FromContext(WithID(context.Background(), "abc-1")); got != "abc-1" {
		t.Errorf("FromContext = %q, want abc-1", got)
	}
}

func TestMiddleware(t *testing.T) {
	tests := []struct {
		name    string
		inbound string // "" = header not sent
		keep    bool   // the inbound id is adopted
	}{
		{"uuid adopted", "0d6f3c2a-1b2c-4d5e-8f90-123456789abc", true},
		{"all allowed characters", "Ab9._:-z", true},
		{"exactly 128", strings.Repeat("a", 128), true},
		{"missing", "", false},
		{"too long", strings.Repeat("a", 129), false},
		{"space", "a b", false},
		{"slash", "a/b", false},
		{"non-ascii", "åäö", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var seen string
			h := Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				seen = FromContext(r.Context())
			}))
			req := httptest.NewRequest(http.MethodGet, "/graphql", nil)
			if tt.inbound != "" {
				req.Header.Set(Header, tt.inbound)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)

			if echoed := rec.Header().Get(Header); echoed != seen {
				t.Errorf("echoed %q, context has %q", echoed, seen)
			}
			if tt.keep {
				if seen != tt.inbound {
					t.Errorf("context id = %q, want the inbound %q", seen, tt.inbound)
				}
				return
			}
			if _, err := uuid.Parse(seen); err != nil {
				t.Errorf("inbound %q: context id %q is not a fresh UUID", tt.inbound, seen)
			}
		})
	}
}
