package entitlements

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/essaylab/teacher-bff/internal/correlation"
	"github.com/essaylab/teacher-bff/internal/upstream"
	"github.com/essaylab/teacher-bff/internal/upstream/upstreamtest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestDecodeBalance(t *testing.T) {
	b, err := decodeBalance([]byte(`{"user_balance": 847, "org_balance": 12000, "org_id": "org-7"}`))
	if err != nil || b.UserBalance != 847 || b.OrgBalance == nil || *b.OrgBalance != 12000 || b.OrgID == nil || *b.OrgID != "org-7" {
		t.Errorf("balance = %+v, %v", b, err)
	}
	for _, body := range []string{
		`{"user_balance": 5, "org_balance": null, "org_id": null}`,
		`{"user_balance": 5}`,
	} {
		b, err := decodeBalance([]byte(body))
		if err != nil || b.UserBalance != 5 || b.OrgBalance != nil || b.OrgID != nil {
			t.Errorf("%s: balance = %+v, %v", body, b, err)
		}
	}
	if b, err := decodeBalance([]byte(`{"user_balance": -3, "org_balance": null, "org_id": null}`)); err != nil || b.UserBalance != -3 {
		t.Errorf("overdraft: balance = %+v, %v", b, err)
	}

	for body, want := range map[string]string{
		`{`:                                 "decode",
		`null`:                              "user_balance: missing",
		`[]`:                                "decode",
		`{"org_balance": 1, "org_id": "o"}`: "user_balance: missing",
		`{"user_balance": null}`:            "user_balance: missing",
		`{"user_balance": "847"}`:           "decode",
		`{"user_balance": 847.5}`:           "decode",
		`{"user_balance": 1, "org_balance": "12000"}`: "decode",
		`{"user_balance": 1, "org_id": 7}`:            "decode",
		`{"user_balance": 1, "org_id": ""}`:           "org_id: empty",
	} {
		if _, err := decodeBalance([]byte(body)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error = %v, want it to contain %q", body, err, want)
		}
	}
}

func TestBalanceRequest(t *testing.T) {
	s := upstreamtest.NewServer(t, upstreamtest.Expect(t, upstreamtest.Want{
		Path:          "/v1/entitlements/balance/teacher%2F1",
		CorrelationID: "corr-9",
	}, upstreamtest.JSON(200, `{"user_balance": 847, "org_balance": null, "org_id": null}`)))
	b, err := upstreamtest.NewClient(t, s, New).Balance(correlation.WithID(context.Background(), "corr-9"), "teacher/1")
	if err != nil || b.UserBalance != 847 {
		t.Errorf("Balance = %+v, %v", b, err)
	}
}

func TestBalanceFailures(t *testing.T) {
	tests := []struct {
		name    string
		handler http.Handler
		kind    upstream.Kind
	}{
		{"wrong type", upstreamtest.JSON(200, `{"user_balance": "many"}`), upstream.KindMalformed},
		{"missing field", upstreamtest.JSON(200, `{"org_id": "o"}`), upstream.KindMalformed},
		{"text body", upstreamtest.Reply(200, "text/plain", "847"), upstream.KindMalformed},
		{"500", upstreamtest.JSON(500, `{"error": "ledger offline"}`), upstream.KindStatus},
		{"401", upstreamtest.JSON(401, `{"error": "bad key"}`), upstream.KindStatus},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := upstreamtest.NewServer(t, tt.handler)
			_, err := upstreamtest.NewClient(t, s, New).Balance(context.Background(), "teacher-1")
			upstreamtest.AssertError(t, err, upstream.ServiceEntitlements, EndpointBalance, tt.kind)
		})
	}

	s := upstreamtest.NewServer(t, upstreamtest.JSON(200, `{}`))
	if _, err := upstreamtest.NewClient(t, s, New).Balance(context.Background(), ""); err == nil || s.Requests() != 0 {
		t.Errorf("empty user id: err = %v after %d requests, want an error and none", err, s.Requests())
	}
}

func TestHealthy(t *testing.T) {
	s := upstreamtest.NewServer(t, upstreamtest.Expect(t, upstreamtest.Want{Path: "/healthz", NoAuth: true},
		upstreamtest.Reply(200, "application/json", `{"status":"ok"}`)))
	if err := upstreamtest.NewClient(t, s, New).Healthy(context.Background()); err != nil {
		t.Errorf("Healthy = %v", err)
	}
}
