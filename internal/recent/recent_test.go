package recent_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/essaylab/teacher-bff/internal/recent"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestBurstSharesOneFetch(t *testing.T) {
	c := recent.New[int](time.Minute, 10, time.Second)
	var calls atomic.Int32
	release := make(chan struct{})
	fetch := func(context.Context) (int, error) {
		calls.Add(1)
		<-release
		return 42, nil
	}
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := c.Get(context.Background(), "b1", fetch)
			assert.NoError(t, err)
			assert.Equal(t, 42, v)
		}()
	}
	time.Sleep(20 * time.Millisecond)
	close(release)
	wg.Wait()
	v, err := c.Get(context.Background(), "b1", fetch)
	require.NoError(t, err)
	assert.Equal(t, 42, v)
	assert.Equal(t, int32(1), calls.Load(), "in flight and fresh: one fetch")
}

func TestExpiresAndErrorsAreNotCached(t *testing.T) {
	c := recent.New[string](30*time.Millisecond, 10, time.Second)
	var calls atomic.Int32
	fail := true
	fetch := func(context.Context) (string, error) {
		calls.Add(1)
		if fail {
			return "", errors.New("down")
		}
		return "ok", nil
	}
	_, err := c.Get(context.Background(), "k", fetch)
	require.Error(t, err)
	fail = false
	v, err := c.Get(context.Background(), "k", fetch)
	require.NoError(t, err)
	assert.Equal(t, "ok", v)
	assert.Equal(t, int32(2), calls.Load(), "an error is fetched again")

	require.Eventually(t, func() bool {
		_, _ = c.Get(context.Background(), "k", fetch)
		return calls.Load() == 3
	}, time.Second, 10*time.Millisecond, "expired entries are fetched again")
}

func TestLeavingCallerDoesNotFailOthers(t *testing.T) {
	c := recent.New[int](time.Minute, 10, time.Second)
	release := make(chan struct{})
	fetch := func(ctx context.Context) (int, error) {
		select {
		case <-release:
			return 7, nil
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	leaving, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { _, err := c.Get(leaving, "k", fetch); errc <- err }()
	time.Sleep(10 * time.Millisecond)
	cancel()
	assert.ErrorIs(t, <-errc, context.Canceled)
	done := make(chan int, 1)
	go func() { v, _ := c.Get(context.Background(), "k", fetch); done <- v }()
	close(release)
	assert.Equal(t, 7, <-done)
}
