// Package ras is the client of the Result Aggregator Service: teachers'
// batches, their statuses and progress, and their essays.
package ras

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/essaylab/teacher-bff/internal/batchstatus"
	"github.com/essaylab/teacher-bff/internal/upstream"
)

// Endpoint names, as they appear in upstream.Error.Endpoint.
const (
	EndpointListBatches = "list-batches"
	EndpointBatchStatus = "batch-status"
)

// MaxLimit is the largest page RAS serves.
const MaxLimit = 100

// ErrNotFound is GetBatch's answer for a batch RAS does not have.
var ErrNotFound = errors.New("ras: batch not found")

// Client calls RAS. It is safe for concurrent use.
type Client struct {
	up *upstream.Client
}

// New returns a RAS client.
func New(cfg upstream.Config) (*Client, error) {
	up, err := upstream.New(upstream.ServiceRAS, cfg)
	if err != nil {
		return nil, err
	}
	return &Client{up: up}, nil
}

// ListParams selects one page of a teacher's batches.
type ListParams struct {
	UserID string
	Limit  int // 1–MaxLimit; 0 leaves RAS's default (20)
	Offset int // ≥ 0
	// Statuses are internal statuses (see batchstatus.Internal), sent as
	// repeated status=; a batch matches any of them. Empty = all batches.
	Statuses []string
}

// Page is one page of batches, newest first.
type Page struct {
	Batches              []Batch
	Limit, Offset, Total int // Total counts every batch matching the filter
}

// Batch is one batch as RAS reports it, checked against the contract.
type Batch struct {
	ID, UserID        string
	Title             string // display title: title, else assignment_id, else "Untitled Batch"
	AssignmentID      string // "" when absent
	Status            string // as RAS sent it (internal or client value), known to batchstatus
	ClientStatus      string // batchstatus.ToClient(Status)
	Phase             string // current_phase while Status is processing_pipelines, else ""
	RequestedPipeline string // "" when absent

	EssayCount, CompletedEssayCount, FailedEssayCount int

	CreatedAt, LastUpdated                     time.Time
	ProcessingStartedAt, ProcessingCompletedAt *time.Time

	Essays []Essay // GetBatch only
}

// Essay is one essay of a batch; its per-phase statuses are free text in
// the contract, so they are passed on as sent.
type Essay struct {
	ID, Filename                         string
	SpellcheckStatus, CJAssessmentStatus *string
	CJRank                               *int
	CJScore                              *float64
	LastUpdated                          *time.Time
}

// ListBatches returns one page of p.UserID's batches. Every batch in the
// answer must belong to that user: anything else is a malformed answer, so
// another teacher's batch can never reach the caller.
func (c *Client) ListBatches(ctx context.Context, p ListParams) (Page, error) {
	user, err := upstream.PathSegment(p.UserID)
	if err != nil {
		return Page{}, fmt.Errorf("ras: list batches: user id: %w", err)
	}
	q, err := p.query()
	if err != nil {
		return Page{}, fmt.Errorf("ras: list batches: %w", err)
	}
	return upstream.Get(ctx, c.up, EndpointListBatches, "/internal/v1/batches/user/"+user, q,
		func(data []byte) (Page, error) {
			page, err := decodeBatchPage(data)
			if err != nil {
				return Page{}, err
			}
			var check upstream.Check
			for i, b := range page.Batches {
				if b.UserID != p.UserID {
					check.Mismatch(fmt.Sprintf("batches[%d].user_id", i), b.UserID, p.UserID)
				}
			}
			return page, check.Err()
		})
}

func (p ListParams) query() (url.Values, error) {
	if p.Limit < 0 || p.Limit > MaxLimit {
		return nil, fmt.Errorf("limit %d out of range 1–%d", p.Limit, MaxLimit)
	}
	if p.Offset < 0 {
		return nil, fmt.Errorf("offset %d is negative", p.Offset)
	}
	q := url.Values{}
	if p.Limit > 0 {
		q.Set("limit", strconv.Itoa(p.Limit))
	}
	if p.Offset > 0 {
		q.Set("offset", strconv.Itoa(p.Offset))
	}
	seen := map[string]bool{}
	for _, s := range p.Statuses {
		if !batchstatus.IsInternal(s) {
			return nil, fmt.Errorf("status %q is not an internal batch status", s)
		}
		if !seen[s] {
			seen[s] = true
			q.Add("status", s)
		}
	}
	return q, nil
}

// GetBatch returns one batch with its essays, or an error matching
// ErrNotFound when RAS has no such batch. It does not check the owner:
// callers must compare Batch.UserID with the viewer.
func (c *Client) GetBatch(ctx context.Context, batchID string) (*Batch, error) {
	id, err := upstream.PathSegment(batchID)
	if err != nil {
		// No batch has such an id; say so the way RAS would.
		return nil, fmt.Errorf("ras: get batch: %w: %w", ErrNotFound, err)
	}
	b, err := upstream.Get(ctx, c.up, EndpointBatchStatus, "/internal/v1/batches/"+id+"/status", nil,
		func(data []byte) (*Batch, error) {
			b, err := decodeBatchStatus(data)
			if err != nil {
				return nil, err
			}
			if b.ID != batchID {
				var check upstream.Check
				check.Mismatch("batch_id", b.ID, batchID)
				return nil, check.Err()
			}
			return b, nil
		})
	var ue *upstream.Error
	if errors.As(err, &ue) && ue.Kind == upstream.KindStatus && ue.StatusCode == http.StatusNotFound {
		return nil, fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	return b, err
}

// Healthy reports whether RAS answers its health check.
func (c *Client) Healthy(ctx context.Context) error { return c.up.Healthy(ctx) }

// Close releases idle connections.
func (c *Client) Close() { c.up.Close() }
