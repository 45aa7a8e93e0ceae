package upstream

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Check collects the contract violations of one answer object, so the
// service decoders share one notion of "present", "integer count" and
// "timestamp". A decoder unmarshals into a struct of pointer fields (nil =
// absent or null, which the contract treats alike), reads every field
// through Check, and returns Err: all violations at once, for the log.
type Check struct {
	errs []string
}

// Failf records a violation that no field helper covers.
func (c *Check) Failf(format string, args ...any) {
	c.errs = append(c.errs, fmt.Sprintf(format, args...))
}

// Unknown records a value outside the contract's vocabulary (a status, a
// phase): an upstream fault to report, never to guess at.
func (c *Check) Unknown(field, value string) {
	c.Failf("%s: unknown value %s", field, short(value))
}

// Mismatch records a field that does not match what was asked for (another
// batch's id, another user's batch).
func (c *Check) Mismatch(field, got, want string) {
	c.Failf("%s: %s, want %s", field, short(got), short(want))
}

// short quotes an upstream value for an error message, cut so a hostile or
// broken answer can't blow up the log line.
func short(s string) string {
	const maxLen = 64
	if len(s) > maxLen {
		return strconv.Quote(s[:maxLen]) + "…"
	}
	return strconv.Quote(s)
}

// Err returns every recorded violation on one line (for one log line), or nil.
func (c *Check) Err() error {
	if len(c.errs) == 0 {
		return nil
	}
	return errors.New(strings.Join(c.errs, "; "))
}

// String returns a required string field (empty allowed).
func (c *Check) String(field string, v *string) string {
	if v == nil {
		c.Failf("%s: missing", field)
		return ""
	}
	return *v
}

// ID returns a required, non-empty string field.
func (c *Check) ID(field string, v *string) string {
	if v != nil && *v == "" {
		c.Failf("%s: empty", field)
	}
	return c.String(field, v)
}

// OptString returns an optional string field, "" when absent or null.
func (c *Check) OptString(v *string) string {
	if v == nil {
		return ""
	}
	return *v
}

// Int returns a required integer field. Integer-ness and range are already
// enforced by encoding/json decoding into an int.
func (c *Check) Int(field string, v *int) int {
	if v == nil {
		c.Failf("%s: missing", field)
		return 0
	}
	return *v
}

// Count returns a required, non-negative integer field.
func (c *Check) Count(field string, v *int) int {
	n := c.Int(field, v)
	if n < 0 {
		c.Failf("%s: %d is negative", field, n)
	}
	return n
}

// OptCount returns an optional, non-negative integer field (nil = absent).
func (c *Check) OptCount(field string, v *int) *int {
	if v != nil && *v < 0 {
		c.Failf("%s: %d is negative", field, *v)
	}
	return v
}

// Time returns a required RFC 3339 timestamp field.
func (c *Check) Time(field string, v *string) time.Time {
	if v == nil {
		c.Failf("%s: missing", field)
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, *v)
	if err != nil {
		// Not the parse error: it quotes the whole value, which may be huge.
		c.Failf("%s: not an RFC 3339 timestamp", field)
	}
	return t
}

// OptTime returns an optional RFC 3339 timestamp field (nil = absent).
func (c *Check) OptTime(field string, v *string) *time.Time {
	if v == nil {
		return nil
	}
	t := c.Time(field, v)
	return &t
}
