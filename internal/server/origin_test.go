package server

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Local development origins are a page on this machine only: loopback
// names on any port, nothing that merely starts with them.
func TestIsLocalOrigin(t *testing.T) {
	for origin, want := range map[string]bool{
		"http://localhost:5173":        true,
		"http://localhost:3000":        true,
		"http://LOCALHOST:8080/":       true,
		"https://localhost:5173":       true,
		"http://127.0.0.1:5173":        true,
		"http://[::1]:5173":            true,
		"http://localhost":             true,
		"http://localhost.evil.com":    false,
		"http://127.0.0.1.nip.io:5173": false,
		"http://evil.com#localhost":    false,
		"http://user@localhost:5173":   false,
		"http://localhost:5173/path":   false,
		"ws://localhost:5173":          false,
		"null":                         false,
		"http://192.168.1.10:5173":     false,
		"https://teacher.example.com":  false,
		"http://[::ffff:127.0.0.1]:80": false,
		"http://127.0.0.2:5173":        false,
	} {
		assert.Equal(t, want, isLocalOrigin(origin), origin)
	}
}
