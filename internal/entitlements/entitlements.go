// Package entitlements is the client of the Entitlements service: a
// teacher's credit balance and that of their organisation.
package entitlements

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/essaylab/teacher-bff/internal/upstream"
)

// EndpointBalance names the balance call in upstream.Error.Endpoint.
const EndpointBalance = "balance"

// Balance is a teacher's credits. OrgBalance and OrgID are nil for a
// teacher without an organisation.
type Balance struct {
	UserBalance int
	OrgBalance  *int
	OrgID       *string
}

// Client calls Entitlements. It is safe for concurrent use.
type Client struct {
	up *upstream.Client
}

// New returns an Entitlements client.
func New(cfg upstream.Config) (*Client, error) {
	up, err := upstream.New(upstream.ServiceEntitlements, cfg)
	if err != nil {
		return nil, err
	}
	return &Client{up: up}, nil
}

// Balance returns userID's balance.
func (c *Client) Balance(ctx context.Context, userID string) (Balance, error) {
	user, err := upstream.PathSegment(userID)
	if err != nil {
		return Balance{}, fmt.Errorf("entitlements balance: user id: %w", err)
	}
	return upstream.Get(ctx, c.up, EndpointBalance, "/v1/entitlements/balance/"+user, nil, decodeBalance)
}

// Healthy reports whether Entitlements answers its health check.
func (c *Client) Healthy(ctx context.Context) error { return c.up.Healthy(ctx) }

// Close releases idle connections.
func (c *Client) Close() { c.up.Close() }

type wireBalance struct {
	UserBalance *int    `json:"user_balance"`
	OrgBalance  *int    `json:"org_balance"`
	OrgID       *string `json:"org_id"`
}

// decodeBalance decodes and checks a balance answer. Balances may be
// negative: they are ledger sums (an overdraft is the service's business),
// not counts. An org_id, when present, must name something.
func decodeBalance(data []byte) (Balance, error) {
	var w wireBalance
	if err := json.Unmarshal(data, &w); err != nil {
		return Balance{}, fmt.Errorf("decode balance: %w", err)
	}
	var c upstream.Check
	b := Balance{UserBalance: c.Int("user_balance", w.UserBalance), OrgBalance: w.OrgBalance, OrgID: w.OrgID}
	if w.OrgID != nil && *w.OrgID == "" {
		c.Failf("org_id: empty")
	}
	return b, c.Err()
}
