// Package upstream is the HTTP plumbing shared by the clients of the BFF's
// internal services (RAS, CMS, Entitlements): authentication and correlation
// headers, timeouts, connection reuse, bounded body reads, and the
// classification of every failure into an *Error. The service packages only
// build paths and decode answers.
package upstream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/essaylab/teacher-bff/internal/correlation"
	"github.com/essaylab/teacher-bff/internal/tracing"
)

// The services, as they appear in Error.Service.
const (
	ServiceRAS          = "ras"
	ServiceCMS          = "cms"
	ServiceEntitlements = "entitlements"
)

const (
	defaultTimeout = 5 * time.Second
	// maxBody bounds a success answer held in memory: the largest contract
	// answer (a RAS page of 100 batches, or a batch with its essays) is far
	// below it, so more means a broken upstream, not a big page.
	maxBody = MaxBody
	// maxErrorBody bounds what is read of an error answer to find its message.
	maxErrorBody = 4 << 10
	// maxDrain bounds what is discarded to keep a connection reusable; past
	// it, closing the connection is cheaper than reading on.
	maxDrain = 64 << 10
	// maxDetail bounds Error.Detail so an HTML error page can't flood logs.
	maxDetail = 200
)

// MaxBody bounds an answer body held in memory. It is exported for
// transport wrappers that buffer answers (package resilience shares one
// answer between identical calls): they read at most MaxBody+1 bytes, so
// the client still tells an oversized answer from one at the limit.
const MaxBody = 4 << 20

// Header names of the contract's conventions.
const (
	headerAPIKey    = "X-Internal-API-Key"
	headerServiceID = "X-Service-ID"
)

// Config configures the client of one upstream service.
type Config struct {
	BaseURL   string            // e.g. http://127.0.0.1:4201
	APIKey    string            // sent as X-Internal-API-Key
	ServiceID string            // sent as X-Service-ID
	Timeout   time.Duration     // per call; 0 means 5s
	Transport http.RoundTripper // optional; nil means a tuned *http.Transport

	// MaxConnsPerHost bounds the connections (busy and idle) the default
	// transport opens to the service; excess calls wait for a free one,
	// within their own timeout. 0 means 128. Ignored when Transport is set.
	MaxConnsPerHost int
	// Middleware, when set, wraps the transport (Transport, or the default
	// one) with behaviour that must see every request to the service:
	// retries, a circuit breaker, deduplication (see package resilience).
	Middleware Middleware
	// Observe, when set, hears the outcome of every call (metrics): its
	// duration and its error, nil for a good answer.
	Observe func(ctx context.Context, service, endpoint string, d time.Duration, err error)
}

// Middleware wraps the transport of one service's client. New calls Wrap
// once, giving it what a wrapper can't know on its own: the service (for
// its errors and metrics) and the per-call timeout (to bound work done on
// behalf of several calls). An error is reported as a configuration error.
//
// A wrapper may refuse a call without sending it by returning an *Error
// from RoundTrip (an open circuit breaker does): the client reports it as
// is, with its own Service and Endpoint filled in.
type Middleware interface {
	Wrap(service string, next http.RoundTripper, callTimeout time.Duration) (http.RoundTripper, error)
}

// Client calls one upstream service. It is safe for concurrent use.
type Client struct {
	service   string
	baseURL   string // absolute, without a trailing slash
	apiKey    string
	serviceID string
	timeout   time.Duration
	http      *http.Client
	observe   func(ctx context.Context, service, endpoint string, d time.Duration, err error)
}

// New validates cfg and returns a client for service (one of the Service
// constants), reporting every configuration problem at once.
func New(service string, cfg Config) (*Client, error) {
	var errs []error
	if service == "" {
		errs = append(errs, errors.New("service name is empty"))
	}
	base, err := parseBaseURL(cfg.BaseURL)
	if err != nil {
		errs = append(errs, err)
	}
	if cfg.APIKey == "" {
		errs = append(errs, errors.New("API key is empty"))
	}
	if cfg.ServiceID == "" {
		errs = append(errs, errors.New("service id is empty"))
	}
	if cfg.Timeout < 0 {
		errs = append(errs, fmt.Errorf("timeout %v is negative", cfg.Timeout))
	}
	if cfg.MaxConnsPerHost < 0 {
		errs = append(errs, fmt.Errorf("max conns per host %d is negative", cfg.MaxConnsPerHost))
	}
	timeout := cfg.Timeout
	if timeout == 0 {
		timeout = defaultTimeout
	}
	rt := cfg.Transport
	if rt == nil {
		rt = newTransport(timeout, cfg.MaxConnsPerHost)
	}
	if cfg.Middleware != nil && len(errs) == 0 {
		wrapped, err := cfg.Middleware.Wrap(service, rt, timeout)
		if err != nil {
			errs = append(errs, err)
		}
		rt = wrapped
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("upstream %s: invalid config: %w", service, err)
	}
	return &Client{
		service:   service,
		baseURL:   base,
		apiKey:    cfg.APIKey,
		serviceID: cfg.ServiceID,
		timeout:   timeout,
		observe:   cfg.Observe,
		http: &http.Client{
			Transport: rt,
			// Never follow redirects: net/http would resend our custom
			// X-Internal-API-Key to wherever the Location points. An internal
			// service has no business redirecting, so a 3xx is a KindStatus.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}, nil
}

// CheckBaseURL reports what is wrong with raw as a service's base URL (nil
// when New would accept it): configuration checks it up front, with every
// other setting.
func CheckBaseURL(raw string) error {
	_, err := parseBaseURL(raw)
	return err
}

func parseBaseURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	switch {
	case raw == "":
		return "", errors.New("base URL is empty")
	case err != nil:
		return "", fmt.Errorf("base URL: %w", err)
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("base URL %q: scheme must be http or https", raw)
	case u.Host == "":
		return "", fmt.Errorf("base URL %q: no host", raw)
	case u.User != nil:
		// Credentials in the URL would end up in every error message.
		return "", errors.New("base URL must not contain user info")
	case u.RawQuery != "" || u.Fragment != "":
		return "", fmt.Errorf("base URL %q: must not have a query or fragment", raw)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// Service returns the service name the client was made for.
func (c *Client) Service() string { return c.service }

// Close releases idle connections; a Client is unusable only by convention
// afterwards (a later call just dials again).
func (c *Client) Close() { c.http.CloseIdleConnections() }

// GetJSON GETs path (already escaped, starting with "/") with query, and
// decodes the JSON answer into out. endpoint names the call in errors.
func (c *Client) GetJSON(ctx context.Context, endpoint, path string, query url.Values, out any) error {
	_, err := Get(ctx, c, endpoint, path, query, func(body []byte) (struct{}, error) {
		return struct{}{}, json.Unmarshal(body, out)
	})
	return err
}

// Get is GetJSON for decoders that take the raw answer: the service packages
// check the contract on []byte (so fuzzing reaches exactly what production
// runs). Any error from decode is a KindMalformed *Error.
func Get[T any](ctx context.Context, c *Client, endpoint, path string, query url.Values, decode func([]byte) (T, error)) (v T, err error) {
	ctx, end := tracing.Upstream(ctx, c.service, endpoint)
	start := time.Now()
	defer func() {
		end(err)
		if c.observe != nil {
			c.observe(ctx, c.service, endpoint, time.Since(start), err)
		}
	}()
	var zero T
	a, err := c.do(ctx, endpoint, path, query, true)
	if err != nil {
		return zero, err
	}
	if !isJSON(a.contentType) {
		return zero, c.fail(endpoint, KindMalformed, fmt.Errorf("content type %q is not JSON", a.contentType))
	}
	v, err = decode(a.body)
	if err != nil {
		return zero, c.fail(endpoint, KindMalformed, err)
	}
	return v, nil
}

// Healthy asks GET /healthz, which the contract serves without
// credentials; only a 200 means healthy.
func (c *Client) Healthy(ctx context.Context) error {
	a, err := c.do(ctx, "healthz", "/healthz", nil, false)
	if err != nil {
		return err
	}
	if a.status != http.StatusOK {
		return &Error{Service: c.service, Endpoint: "healthz", Kind: KindStatus, StatusCode: a.status}
	}
	return nil
}

// answer is a 2xx answer, its body read in full.
type answer struct {
	status      int
	contentType string
	body        []byte
}

// do is the one path every call takes. It returns a 2xx answer or an *Error;
// the response body is always drained and closed so the connection is reused.
func (c *Client) do(ctx context.Context, endpoint, path string, query url.Values, auth bool) (*answer, error) {
	callCtx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()

	target := c.baseURL + path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(callCtx, http.MethodGet, target, nil)
	if err != nil {
		return nil, fmt.Errorf("%s %s: build request: %w", c.service, endpoint, err)
	}
	req.Header.Set("Accept", "application/json")
	tracing.Inject(ctx, req.Header)
	id := correlation.FromContext(ctx)
	if !correlation.Valid(id) {
		id = correlation.New()
	}
	req.Header.Set(correlation.Header, id)
	if auth {
		req.Header.Set(headerAPIKey, c.apiKey)
		req.Header.Set(headerServiceID, c.serviceID)
	}

	resp, err := c.http.Do(req)
	if err != nil {
		var refused *Error
		if ctx.Err() == nil && errors.As(err, &refused) {
			// A Middleware refused the call (an open circuit breaker) and
			// classified the refusal itself. A copy: the wrapper may hand
			// the same error to many calls.
			e := *refused
			e.Service, e.Endpoint = c.service, endpoint
			return nil, &e
		}
		return nil, c.fail(endpoint, classify(ctx, err), err)
	}
	defer func() {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxDrain))
		_ = resp.Body.Close()
	}()

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, &Error{Service: c.service, Endpoint: endpoint, Kind: KindStatus,
			StatusCode: resp.StatusCode, Detail: errorDetail(resp.Body)}
	}
	// Read one byte past the limit to tell "exactly at the limit" from "cut off".
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return nil, c.fail(endpoint, classify(ctx, err), fmt.Errorf("read answer: %w", err))
	}
	if len(body) > maxBody {
		return nil, c.fail(endpoint, KindMalformed, fmt.Errorf("answer exceeds %d bytes", maxBody))
	}
	return &answer{status: resp.StatusCode, contentType: resp.Header.Get("Content-Type"), body: body}, nil
}

func (c *Client) fail(endpoint string, kind Kind, err error) *Error {
	return &Error{Service: c.service, Endpoint: endpoint, Kind: kind, Err: err}
}

// classify tells apart who gave up on a failed call: the caller (its ctx is
// done), our per-call timeout or the transport's own timeouts, or the
// connection itself (refused, reset, EOF, DNS).
func classify(callerCtx context.Context, err error) Kind {
	if cerr := callerCtx.Err(); cerr != nil {
		if errors.Is(cerr, context.DeadlineExceeded) {
			return KindTimeout
		}
		return KindCanceled
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return KindTimeout
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return KindTimeout
	}
	return KindUnavailable
}

// errorDetail extracts the message of an error answer: the contract's
// {"error": "..."}, or else the start of whatever text came (an HTML page
// from a proxy, say), shortened and on one line.
func errorDetail(body io.Reader) string {
	b, _ := io.ReadAll(io.LimitReader(body, maxErrorBody))
	var e struct {
		Message *string `json:"error"`
	}
	text := string(b)
	if json.Unmarshal(b, &e) == nil && e.Message != nil {
		text = *e.Message
	}
	text = strings.Join(strings.Fields(strings.ToValidUTF8(text, "\uFFFD")), " ")
	if len(text) <= maxDetail {
		return text
	}
	cut := maxDetail
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	return text[:cut] + "…"
}

func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// PathSegment escapes s as one path segment of a request. It refuses what
// can't name a resource: empty, and "." or "..", which escaping leaves as is
// and a router would resolve to another path.
func PathSegment(s string) (string, error) {
	switch s {
	case "", ".", "..":
		return "", fmt.Errorf("invalid path segment %q", s)
	}
	return url.PathEscape(s), nil
}
