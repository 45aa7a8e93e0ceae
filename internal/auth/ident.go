package auth

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxIDBytes bounds user and org ids. Real ids are UUID-sized; anything far
// longer is a mistake or an attack on the logs and upstream headers these
// ids end up in.
const maxIDBytes = 256

// invalid builds a refusal. reason must be a fixed string written in this
// package, never text taken from the credential.
func invalid(reason string) error {
	return fmt.Errorf("%w: %s", ErrInvalidToken, reason)
}

// cleanID trims an id and checks it is safe to log and forward upstream.
// what names the field in the reason ("sub", "X-User-ID", ...).
func cleanID(raw, what string) (string, error) {
	id := strings.TrimSpace(raw)
	switch {
	case id == "":
		return "", invalid(what + " is empty")
	case len(id) > maxIDBytes:
		return "", invalid(what + " is too long")
	case !utf8.ValidString(id):
		return "", invalid(what + " is not valid UTF-8")
	case strings.IndexFunc(id, unicode.IsControl) >= 0:
		// Control characters would let an id forge log lines or headers.
		return "", invalid(what + " contains control characters")
	}
	return id, nil
}

// cleanOptionalID is cleanID for ids that may be absent: blank means "none".
func cleanOptionalID(raw, what string) (string, error) {
	if strings.TrimSpace(raw) == "" {
		return "", nil
	}
	return cleanID(raw, what)
}
