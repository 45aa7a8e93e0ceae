package events

import (
	"testing"

	"go.uber.org/goleak"
)

// Hubs and sources must leave no goroutine behind once closed; the Redis
// tests close their go-redis clients, so nothing needs ignoring.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
