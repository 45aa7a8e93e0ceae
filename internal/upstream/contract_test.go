package upstream_test

import (
	"strings"
	"testing"
	"time"

	"github.com/essaylab/teacher-bff/internal/upstream"
)

func ptr[T any](v T) *T { return &v }

func TestCheck(t *testing.T) {
	var c upstream.Check
	if c.ID("id", ptr("x")) != "x" || c.String("s", ptr("")) != "" || c.OptString(nil) != "" ||
		c.Count("n", ptr(3)) != 3 || c.Int("i", ptr(-3)) != -3 || c.OptCount("o", nil) != nil ||
		c.OptTime("t", nil) != nil {
		t.Error("a valid field was not returned as is")
	}
	if got := c.Time("t", ptr("2025-12-10T09:15:00+01:00")); !got.Equal(time.Date(2025, 12, 10, 8, 15, 0, 0, time.UTC)) {
		t.Errorf("Time = %v", got)
	}
	if err := c.Err(); err != nil {
		t.Fatalf("valid fields: %v", err)
	}

	c.ID("a", nil)
	c.ID("b", ptr(""))
	c.Count("c", ptr(-1))
	c.OptCount("d", ptr(-2))
	c.Time("e", ptr("2025-12-10 09:15:00"))
	c.OptTime("f", ptr("2025-12-10T09:15:00")) // no zone
	c.Int("g", nil)
	c.Failf("h: custom")
	c.Unknown("i", "queued")
	c.Mismatch("j", strings.Repeat("x", 100), "y")
	err := c.Err()
	for _, want := range []string{"a: missing", "b: empty", "c: -1 is negative", "d: -2 is negative",
		"e: not an RFC 3339", "f: not an RFC 3339", "g: missing", "h: custom",
		`i: unknown value "queued"`, `j: "` + strings.Repeat("x", 64) + `"…, want "y"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Err() = %v, want it to report %q", err, want)
		}
	}
}

func TestPathSegment(t *testing.T) {
	for in, want := range map[string]string{"teacher-1": "teacher-1", "a/b": "a%2Fb", "a b?": "a%20b%3F", "...": "..."} {
		if got, err := upstream.PathSegment(in); err != nil || got != want {
			t.Errorf("PathSegment(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", ".", ".."} {
		if _, err := upstream.PathSegment(in); err == nil {
			t.Errorf("PathSegment(%q) = nil error", in)
		}
	}
}
