package persisted_test

import (
	"testing"

	"go.uber.org/goleak"
)

// The tests close their go-redis clients and httptest servers: nothing may
// be left running.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
