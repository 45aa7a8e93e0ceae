// Package cms is the client of the Class Management Service: which class a
// batch belongs to, and how far its student–essay matching has come. Both
// are bulk lookups keyed by batch id, made for the BFF's loaders.
package cms

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/essaylab/teacher-bff/internal/upstream"
)

// MaxBatchIDs is the most ids CMS accepts in one lookup; it answers more
// with 400, so callers (the loaders) must split larger batches.
const MaxBatchIDs = 100

// Endpoint names, as they appear in upstream.Error.Endpoint.
const (
	EndpointClassInfo        = "class-info"
	EndpointValidationStatus = "validation-status"
)

// ClassInfo is the class a batch belongs to.
type ClassInfo struct {
	ClassID, ClassName string
}

// ValidationStatus is the state of a batch's student–essay matching.
type ValidationStatus struct {
	BatchID               string
	DeviationCount        int        // associations still pending validation
	AutoConfirmDeadline   *time.Time // nil when none is pending
	TotalAssociations     int
	ConfirmedAssociations int // confirmed or timeout-confirmed
}

// Client calls CMS. It is safe for concurrent use.
type Client struct {
	up *upstream.Client
}

// New returns a CMS client.
func New(cfg upstream.Config) (*Client, error) {
	up, err := upstream.New(upstream.ServiceCMS, cfg)
	if err != nil {
		return nil, err
	}
	return &Client{up: up}, nil
}

// ClassInfo looks up the class of each batch. The map has every given id as
// a key; a nil value means CMS knows no class for it (a guest batch).
func (c *Client) ClassInfo(ctx context.Context, batchIDs []string) (map[string]*ClassInfo, error) {
	return lookup(ctx, c, EndpointClassInfo, "/internal/v1/batches/class-info", batchIDs, decodeClassInfo)
}

// ValidationStatus looks up the matching state of each batch. The map has
// every given id as a key; a nil value means CMS has no validation data.
func (c *Client) ValidationStatus(ctx context.Context, batchIDs []string) (map[string]*ValidationStatus, error) {
	return lookup(ctx, c, EndpointValidationStatus, "/internal/v1/batches/validation-status", batchIDs, decodeValidationStatus)
}

// lookup is the shape both endpoints share: ids deduplicated and sent
// comma-joined in one batch_ids parameter, the answer keyed by id.
func lookup[T any](ctx context.Context, c *Client, endpoint, path string, batchIDs []string,
	decode func(data []byte, ids []string) (map[string]*T, error)) (map[string]*T, error) {
	ids, err := uniqueIDs(batchIDs)
	if err != nil {
		return nil, fmt.Errorf("cms %s: %w", endpoint, err)
	}
	if len(ids) == 0 {
		return map[string]*T{}, nil
	}
	q := url.Values{"batch_ids": {strings.Join(ids, ",")}}
	return upstream.Get(ctx, c.up, endpoint, path, q, func(data []byte) (map[string]*T, error) {
		return decode(data, ids)
	})
}

// uniqueIDs deduplicates ids, keeping their order, and refuses what would be
// a programming error: an id that can't be sent in a comma-separated list,
// or more distinct ids than one request may carry.
func uniqueIDs(ids []string) ([]string, error) {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if id == "" || strings.Contains(id, ",") {
			return nil, fmt.Errorf("batch id %q can't be sent in batch_ids", id)
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	if len(out) > MaxBatchIDs {
		return nil, fmt.Errorf("%d batch ids, more than the %d CMS accepts per request", len(out), MaxBatchIDs)
	}
	return out, nil
}

// Healthy reports whether CMS answers its health check.
func (c *Client) Healthy(ctx context.Context) error { return c.up.Healthy(ctx) }

// Close releases idle connections.
func (c *Client) Close() { c.up.Close() }
