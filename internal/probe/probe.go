// Package probe is a container health check for images without a shell or
// curl (distroless): the binary itself asks one of its HTTP endpoints, as in
// compose.yaml's `test: ["CMD", "/bff", "probe", "http://127.0.0.1:4101/readyz"]`.
package probe

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Timeout bounds one probe; container engines kill slower checks anyway.
const Timeout = 3 * time.Second

// Get asks url and returns nil when it answers 200 within Timeout, else an
// error saying what it answered or why it did not.
func Get(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("probe: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("probe: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("probe: %s answered %s", url, resp.Status)
	}
	return nil
}
