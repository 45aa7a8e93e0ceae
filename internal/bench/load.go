package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Op is one request of virtual teacher `worker`; it returns an error for a
// failed or wrong answer.
type Op func(ctx context.Context, worker int) error

// LoadOptions configure a closed-loop run: Workers virtual teachers, each
// sending its next request as soon as the previous one is answered.
type LoadOptions struct {
	Workers  int
	Warmup   time.Duration // not recorded
	Duration time.Duration
	// Think is the pause of a virtual teacher between two requests,
	// uniform in [Think/2, 3·Think/2]; zero is a closed loop at full speed.
	Think time.Duration
	// MeasureStart runs between warm-up and measurement while no request is
	// in flight (reset the upstream counters here).
	MeasureStart func()
	// Progress receives a line every second.
	Progress func(Progress)
}

// Progress is the state of a run, once a second.
type Progress struct {
	Warmup  bool
	Elapsed time.Duration
	Ops     int
	Errors  int
	Rate    float64 // ops/s over the last second
	Last    Summary // latencies of the last second
}

// LoadResult is the outcome of the measured part of a run. Every request
// started before the deadline is counted, and waited for.
type LoadResult struct {
	Ops          int           `json:"ops"`
	Errors       int           `json:"errors"`
	ErrorSamples []string      `json:"error_samples,omitempty"`
	Elapsed      time.Duration `json:"-"`
	ElapsedSec   float64       `json:"elapsed_s"`
	Throughput   float64       `json:"throughput_per_s"`
	Latency      Summary       `json:"latency"`
}

// RunLoad drives op until the duration has passed (or ctx ends).
func RunLoad(ctx context.Context, o LoadOptions, op Op) LoadResult {
	var (
		lat      Latencies
		errs     atomic.Int64
		ops      atomic.Int64
		samplesM sync.Mutex
		samples  []string
		warm     atomic.Bool
	)
	warm.Store(o.Warmup > 0)
	record := func(d time.Duration, err error) {
		if warm.Load() {
			return
		}
		ops.Add(1)
		if err != nil {
			errs.Add(1)
			samplesM.Lock()
			if len(samples) < 5 {
				samples = append(samples, err.Error())
			}
			samplesM.Unlock()
			return
		}
		lat.Add(d)
	}

	// Phase boundaries: every worker finishes its request in flight and
	// waits, so that the counters are reset with nothing in flight.
	var (
		warmDone sync.WaitGroup
		release  = make(chan struct{})
		deadline atomic.Int64
		wg       sync.WaitGroup
	)
	warmEnd := time.Now().Add(o.Warmup)
	warmDone.Add(o.Workers)
	for w := range o.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for o.Warmup > 0 && time.Now().Before(warmEnd) && ctx.Err() == nil {
				_ = op(ctx, w)
				think(ctx, o.Think)
			}
			warmDone.Done()
			<-release
			for ctx.Err() == nil && time.Now().UnixNano() < deadline.Load() {
				start := time.Now()
				err := op(ctx, w)
				record(time.Since(start), err)
				think(ctx, o.Think)
			}
		}()
	}

	stopProgress := make(chan struct{})
	var progressDone sync.WaitGroup
	if o.Progress != nil {
		progressDone.Add(1)
		go func() {
			defer progressDone.Done()
			t := time.NewTicker(time.Second)
			defer t.Stop()
			begin, last := time.Now(), 0
			for {
				select {
				case <-stopProgress:
					return
				case <-t.C:
				}
				n := int(ops.Load())
				o.Progress(Progress{Warmup: warm.Load(), Elapsed: time.Since(begin), Ops: n, Errors: int(errs.Load()),
					Rate: float64(n - last), Last: lat.SinceLast()})
				last = n
			}
		}()
	}

	warmDone.Wait()
	if o.MeasureStart != nil {
		o.MeasureStart()
	}
	start := time.Now()
	deadline.Store(start.Add(o.Duration).UnixNano())
	warm.Store(false)
	close(release)
	wg.Wait()
	elapsed := time.Since(start)
	close(stopProgress)
	progressDone.Wait()

	r := LoadResult{
		Ops: int(ops.Load()), Errors: int(errs.Load()), ErrorSamples: samples,
		Elapsed: elapsed, ElapsedSec: elapsed.Seconds(), Latency: lat.Summary(),
	}
	if elapsed > 0 {
		r.Throughput = float64(r.Ops-r.Errors) / elapsed.Seconds()
	}
	return r
}

func think(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d/2 + rand.N(d))
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// NewHTTPClient is a client for the load: one keep-alive connection per
// virtual teacher at most.
func NewHTTPClient(workers int) *http.Client {
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns:        workers + 16,
			MaxIdleConnsPerHost: workers + 16,
			IdleConnTimeout:     time.Minute,
			DisableCompression:  true,
		},
	}
}

// GraphQLRequest posts a prepared GraphQL request body and fails on any
// HTTP status but 200 or an answer with errors.
func GraphQLRequest(ctx context.Context, c *http.Client, url, token string, body []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/graphql-response+json")
	req.Header.Set("Authorization", "Bearer "+token)
	return send(c, req)
}

// RESTRequest gets url with a bearer token and fails like GraphQLRequest.
func RESTRequest(ctx context.Context, c *http.Client, url, token string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	return send(c, req)
}

var errorsKey = []byte(`"errors"`)

func send(c *http.Client, req *http.Request) ([]byte, error) {
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	// No field of the contract operations is called "errors": its presence
	// is a GraphQL error, without decoding the whole answer.
	if resp.StatusCode != http.StatusOK || bytes.Contains(body, errorsKey) {
		return body, fmt.Errorf("%s: %.300s", resp.Status, body)
	}
	return body, nil
}
