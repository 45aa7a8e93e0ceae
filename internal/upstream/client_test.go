package upstream_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/essaylab/teacher-bff/internal/correlation"
	"github.com/essaylab/teacher-bff/internal/upstream"
	"github.com/essaylab/teacher-bff/internal/upstream/upstreamtest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// newClient makes a client of the RAS service (any would do) with cfg.
func newClient(t *testing.T, cfg upstream.Config) *upstream.Client {
	t.Helper()
	c, err := upstream.New(upstream.ServiceRAS, cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(c.Close)
	return c
}

func TestNewValidatesConfig(t *testing.T) {
	ok := upstream.Config{BaseURL: "http://127.0.0.1:4201", APIKey: "secret-key", ServiceID: "bff"}
	tests := []struct {
		name   string
		modify func(*upstream.Config)
		want   string // substring of the error; "" = valid
	}{
		{"valid", func(*upstream.Config) {}, ""},
		{"https with path prefix", func(c *upstream.Config) { c.BaseURL = "https://ras.internal/prefix/" }, ""},
		{"empty base URL", func(c *upstream.Config) { c.BaseURL = "" }, "base URL is empty"},
		{"relative base URL", func(c *upstream.Config) { c.BaseURL = "/ras" }, "scheme"},
		{"ftp", func(c *upstream.Config) { c.BaseURL = "ftp://host" }, "scheme"},
		{"no host", func(c *upstream.Config) { c.BaseURL = "http://" }, "no host"},
		{"user info", func(c *upstream.Config) { c.BaseURL = "http://u:p@host" }, "user info"},
		{"query", func(c *upstream.Config) { c.BaseURL = "http://host?x=1" }, "query"},
		{"no API key", func(c *upstream.Config) { c.APIKey = "" }, "API key is empty"},
		{"no service id", func(c *upstream.Config) { c.ServiceID = "" }, "service id is empty"},
		{"negative timeout", func(c *upstream.Config) { c.Timeout = -time.Second }, "negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := ok
			tt.modify(&cfg)
			c, err := upstream.New(upstream.ServiceRAS, cfg)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				c.Close()
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New error = %v, want it to mention %q", err, tt.want)
			}
		})
	}

	// Every problem is reported at once.
	_, err := upstream.New(upstream.ServiceRAS, upstream.Config{})
	for _, want := range []string{"base URL", "API key", "service id"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("New(zero config) = %v, want it to mention %q", err, want)
		}
	}
}

func TestGetJSONSendsContractRequest(t *testing.T) {
	s := upstreamtest.NewServer(t, upstreamtest.Expect(t, upstreamtest.Want{
		Path:          "/prefix/internal/v1/batches/user/a%2Fb",
		Query:         url.Values{"status": {"x", "y"}, "limit": {"5"}},
		CorrelationID: "corr-123",
	}, upstreamtest.JSON(http.StatusOK, `{"n": 7}`)))
	cfg := s.ClientConfig()
	cfg.BaseURL = s.URL + "/prefix/"
	c := newClient(t, cfg)

	var out struct{ N int }
	ctx := correlation.WithID(context.Background(), "corr-123")
	err := c.GetJSON(ctx, "list-batches", "/internal/v1/batches/user/"+url.PathEscape("a/b"),
		url.Values{"status": {"x", "y"}, "limit": {"5"}}, &out)
	if err != nil {
		t.Fatalf("GetJSON: %v", err)
	}
	if out.N != 7 {
		t.Errorf("decoded N = %d, want 7", out.N)
	}
	if c.Service() != upstream.ServiceRAS {
		t.Errorf("Service() = %q", c.Service())
	}
}

func TestCorrelationIDIsMadeWhenMissingOrInvalid(t *testing.T) {
	var got []string
	s := upstreamtest.NewServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Header.Get(correlation.Header))
		upstreamtest.JSON(http.StatusOK, `{}`).ServeHTTP(w, r)
	}))
	c := newClient(t, s.ClientConfig())
	for _, ctx := range []context.Context{
		context.Background(),
		correlation.WithID(context.Background(), "bad id\r\nX-Evil: 1"),
	} {
		if err := c.GetJSON(ctx, "e", "/p", nil, &struct{}{}); err != nil {
			t.Fatalf("GetJSON: %v", err)
		}
	}
	if len(got) != 2 || !correlation.Valid(got[0]) || !correlation.Valid(got[1]) || got[0] == got[1] {
		t.Errorf("correlation ids sent = %q, want two distinct fresh ids", got)
	}
}

func TestGetJSONErrorKinds(t *testing.T) {
	htmlPage := "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>" + strings.Repeat("nginx ", 100) + "</body></html>"
	tests := []struct {
		name    string
		handler http.Handler // nil = nothing listens
		timeout time.Duration
		kind    upstream.Kind
		status  int
		detail  string // exact Detail; "*" = only checked non-empty
	}{
		{name: "connection refused", kind: upstream.KindUnavailable},
		{name: "hang up (EOF)", handler: upstreamtest.HangUp(), kind: upstream.KindUnavailable},
		{name: "per-call timeout", handler: upstreamtest.Slow(time.Second), timeout: 50 * time.Millisecond,
			kind: upstream.KindTimeout},
		{name: "500 with JSON error", handler: upstreamtest.JSON(500, `{"error": "database is down"}`),
			kind: upstream.KindStatus, status: 500, detail: "database is down"},
		{name: "401", handler: upstreamtest.JSON(401, `{"error":"bad key"}`),
			kind: upstream.KindStatus, status: 401, detail: "bad key"},
		{name: "404 empty body", handler: upstreamtest.Reply(404, "", ""),
			kind: upstream.KindStatus, status: 404, detail: ""},
		{name: "502 with HTML", handler: upstreamtest.Reply(502, "text/html", htmlPage),
			kind: upstream.KindStatus, status: 502,
			detail: strings.Join(strings.Fields(htmlPage), " ")[:200] + "…"},
		{name: "redirect is not followed", handler: http.RedirectHandler("http://example.invalid/", http.StatusFound),
			kind: upstream.KindStatus, status: 302, detail: "*"},
		{name: "200 HTML", handler: upstreamtest.Reply(200, "text/html", "<html></html>"), kind: upstream.KindMalformed},
		{name: "200 without content type", handler: upstreamtest.Reply(200, "", `{}`), kind: upstream.KindMalformed},
		{name: "200 invalid JSON", handler: upstreamtest.JSON(200, `{"n": `), kind: upstream.KindMalformed},
		{name: "200 wrong type", handler: upstreamtest.JSON(200, `{"n": "7"}`), kind: upstream.KindMalformed},
		{name: "200 oversized", handler: upstreamtest.JSON(200, `{"pad":"`+strings.Repeat("x", 4<<20)+`"}`),
			kind: upstream.KindMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := upstream.Config{BaseURL: upstreamtest.ClosedURL(t), APIKey: upstreamtest.APIKey,
				ServiceID: upstreamtest.ServiceID, Timeout: tt.timeout}
			if tt.handler != nil {
				cfg = upstreamtest.NewServer(t, tt.handler).ClientConfig()
				if tt.timeout != 0 {
					cfg.Timeout = tt.timeout
				}
			}
			c := newClient(t, cfg)
			var out struct{ N int }
			err := c.GetJSON(context.Background(), "list-batches", "/x", nil, &out)
			ue := upstreamtest.AssertError(t, err, upstream.ServiceRAS, "list-batches", tt.kind)
			if ue == nil {
				return
			}
			if ue.StatusCode != tt.status {
				t.Errorf("StatusCode = %d, want %d", ue.StatusCode, tt.status)
			}
			if (tt.detail == "*" && ue.Detail == "") || (tt.detail != "*" && ue.Detail != tt.detail) {
				t.Errorf("Detail = %q, want %q", ue.Detail, tt.detail)
			}
			if strings.Contains(err.Error(), upstreamtest.APIKey) || strings.Contains(ue.Detail, upstreamtest.APIKey) {
				t.Errorf("error leaks the API key: %v", err)
			}
		})
	}
}

// The caller's own deadline and cancellation are told apart from ours.
func TestGetJSONCallerGivesUp(t *testing.T) {
	arrived := make(chan struct{}, 1)
	s := upstreamtest.NewServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		upstreamtest.Slow(time.Second).ServeHTTP(w, r)
	}))
	c := newClient(t, s.ClientConfig())

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := c.GetJSON(ctx, "balance", "/x", nil, &struct{}{})
	upstreamtest.AssertError(t, err, upstream.ServiceRAS, "balance", upstream.KindTimeout)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("timeout error %v does not wrap context.DeadlineExceeded", err)
	}
	<-arrived

	ctx, cancel = context.WithCancel(context.Background())
	go func() { <-arrived; cancel() }()
	err = c.GetJSON(ctx, "balance", "/x", nil, &struct{}{})
	upstreamtest.AssertError(t, err, upstream.ServiceRAS, "balance", upstream.KindCanceled)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancel error %v does not wrap context.Canceled", err)
	}
}

func TestGetDecodeErrorIsMalformed(t *testing.T) {
	s := upstreamtest.NewServer(t, upstreamtest.JSON(200, `{}`))
	c := newClient(t, s.ClientConfig())
	bad := errors.New("batch_id: missing")
	_, err := upstream.Get(context.Background(), c, "batch-status", "/x", nil, func([]byte) (int, error) { return 0, bad })
	upstreamtest.AssertError(t, err, upstream.ServiceRAS, "batch-status", upstream.KindMalformed)
	if !errors.Is(err, bad) {
		t.Errorf("error %v does not wrap the decoder's error", err)
	}
	if upstream.KindOf(err) != upstream.KindMalformed || upstream.KindOf(bad) != "" {
		t.Errorf("KindOf = %q / %q", upstream.KindOf(err), upstream.KindOf(bad))
	}
}

// Success and error answers alike leave the connection reusable.
func TestConnectionReuse(t *testing.T) {
	n := 0
	s := upstreamtest.NewServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n++ // requests are sequential
		switch n % 3 {
		case 0:
			upstreamtest.JSON(200, `{"n":1}`).ServeHTTP(w, r)
		case 1:
			upstreamtest.JSON(500, `{"error":"boom"}`).ServeHTTP(w, r)
		default:
			upstreamtest.Reply(503, "text/html", strings.Repeat("<p>down</p>", 1000)).ServeHTTP(w, r)
		}
	}))
	c := newClient(t, s.ClientConfig())
	for range 9 {
		_ = c.GetJSON(context.Background(), "e", "/x", nil, &struct{}{})
	}
	if err := c.Healthy(context.Background()); err == nil {
		t.Error("Healthy on a 500 = nil")
	}
	if s.Requests() != 10 || s.Conns() != 1 {
		t.Errorf("requests = %d over %d connections, want 10 over 1", s.Requests(), s.Conns())
	}
}

func TestHealthy(t *testing.T) {
	ok := upstreamtest.NewServer(t, upstreamtest.Expect(t, upstreamtest.Want{Path: "/healthz", NoAuth: true},
		upstreamtest.Reply(200, "text/plain", "ok")))
	if err := newClient(t, ok.ClientConfig()).Healthy(context.Background()); err != nil {
		t.Errorf("Healthy = %v", err)
	}

	for status, kind := range map[int]upstream.Kind{204: upstream.KindStatus, 503: upstream.KindStatus} {
		s := upstreamtest.NewServer(t, upstreamtest.Reply(status, "", ""))
		err := newClient(t, s.ClientConfig()).Healthy(context.Background())
		if ue := upstreamtest.AssertError(t, err, upstream.ServiceRAS, "healthz", kind); ue != nil && ue.StatusCode != status {
			t.Errorf("StatusCode = %d, want %d", ue.StatusCode, status)
		}
	}

	cfg := ok.ClientConfig()
	cfg.BaseURL = upstreamtest.ClosedURL(t)
	err := newClient(t, cfg).Healthy(context.Background())
	upstreamtest.AssertError(t, err, upstream.ServiceRAS, "healthz", upstream.KindUnavailable)
}
