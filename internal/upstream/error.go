package upstream

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
)

// Kind classifies an upstream failure by what the caller can do about it:
// retry later (unavailable, timeout), report an upstream fault (status,
// malformed), or nothing because its own caller gave up (canceled).
type Kind string

const (
	KindUnavailable Kind = "unavailable" // no answer: refused, reset, EOF, DNS
	KindTimeout     Kind = "timeout"     // no answer in time (our timeout or the caller's deadline)
	KindStatus      Kind = "status"      // a non-2xx answer
	KindMalformed   Kind = "malformed"   // a 2xx answer that breaks the contract
	KindCanceled    Kind = "canceled"    // the caller canceled before the answer came
)

// Error is every failure of an upstream call. Its Error() text names the
// service, endpoint and kind but leaves out Detail: Detail is the upstream's
// own error text, which belongs in logs (see LogValue), never in answers to
// the BFF's clients.
type Error struct {
	Service    string // ServiceRAS, ServiceCMS, ServiceEntitlements
	Endpoint   string // e.g. "list-batches"; a bounded set, fit for metric labels
	Kind       Kind
	StatusCode int    // KindStatus only
	Detail     string // the upstream's error text, shortened; logs only
	Err        error  // the cause, when there is one
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %s", e.Service, e.Endpoint, e.Kind)
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, " %d", e.StatusCode)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// LogValue makes slog record every field, Detail included, as a group.
func (e *Error) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("service", e.Service),
		slog.String("endpoint", e.Endpoint),
		slog.String("kind", string(e.Kind)),
	}
	if e.StatusCode != 0 {
		attrs = append(attrs, slog.Int("status", e.StatusCode))
	}
	if e.Detail != "" {
		attrs = append(attrs, slog.String("detail", e.Detail))
	}
	if e.Err != nil {
		attrs = append(attrs, slog.String("cause", e.Err.Error()))
	}
	return slog.GroupValue(attrs...)
}

// KindOf returns the Kind of the *Error in err's chain, or "" when err is
// not an upstream failure.
func KindOf(err error) Kind {
	var ue *Error
	if errors.As(err, &ue) {
		return ue.Kind
	}
	return ""
}
