package gqlhttp

import (
	"testing"

	"go.uber.org/goleak"
)

// Every test server, client connection and audit process must be gone when
// the tests end.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
