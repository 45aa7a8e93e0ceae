package limits_test

import (
	"testing"

	"go.uber.org/goleak"
)

// The HTTP tests close their httptest servers (and so their clients' idle
// connections); nothing may be left running.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
