package gqlerr

import (
	"net/http"
	"slices"

	"github.com/99designs/gqlgen/graphql/errcode"
)

// Code is an extensions.code value: every error the BFF answers carries one
// from the closed list below, and no other. A new code goes here, with its
// HTTP status and its line in the README's codes list (a test checks both).
type Code string

// Request errors: the request was refused before any resolver ran. The
// response has no data key (GraphQL-over-HTTP, "Request error").
const (
	// CodeBadRequest: not a well-formed GraphQL-over-HTTP request (a body
	// that is not a JSON object, a parameter of the wrong type, a batch, a
	// malformed WebSocket message).
	CodeBadRequest Code = "BAD_REQUEST"
	// CodeMethodNotAllowed: an HTTP method other than GET and POST, or a
	// mutation or subscription over GET (RFC 9110 §15.5.6; with Allow).
	CodeMethodNotAllowed Code = "METHOD_NOT_ALLOWED"
	// CodeNotAcceptable: the Accept header allows no media type the
	// operation can be answered in (RFC 9110 §15.5.7).
	CodeNotAcceptable Code = "NOT_ACCEPTABLE"
	// CodePayloadTooLarge: a request body over the configured limit
	// (BFF_MAX_BODY_BYTES), for every transport (RFC 9110 §15.5.14).
	CodePayloadTooLarge Code = "PAYLOAD_TOO_LARGE"
	// CodeURITooLong: a GET whose URL query component is longer than the
	// body limit (BFF_MAX_BODY_BYTES), the bound of every request however
	// it is sent (RFC 9110 §15.5.15); the client sends it with POST.
	CodeURITooLong Code = "URI_TOO_LONG"
	// CodeUnsupportedMediaType: a POST body that is not application/json in
	// UTF-8 (RFC 9110 §15.5.16).
	CodeUnsupportedMediaType Code = "UNSUPPORTED_MEDIA_TYPE"
	// CodeParseFailed: the document does not parse (gqlgen's code).
	CodeParseFailed Code = errcode.ParseFailed
	// CodeValidationFailed: the document or its variables do not validate
	// against the schema (gqlgen's code).
	CodeValidationFailed Code = errcode.ValidationFailed
	// CodeLimitExceeded: the operation is too deep, too costly or too wide
	// (internal/limits; extensions.limit names the limit).
	CodeLimitExceeded Code = "OPERATION_LIMIT_EXCEEDED"
	// CodeIntrospectionDisabled: an introspection query (__schema, __type)
	// to a server that does not serve it (production): a client error, not
	// a fault of the BFF.
	CodeIntrospectionDisabled Code = "INTROSPECTION_DISABLED"
	// CodePersistedQueryNotAllowed: trusted-documents mode and the document
	// is not registered (internal/persisted).
	CodePersistedQueryNotAllowed Code = "PERSISTED_QUERY_NOT_ALLOWED"
	// CodePersistedQueryNotFound: an automatic persisted query whose hash
	// the BFF does not know yet; the client resends it with the document
	// (Apollo's APQ protocol; gqlgen's code).
	CodePersistedQueryNotFound Code = "PERSISTED_QUERY_NOT_FOUND"
	// CodeCSRF: a request a browser could have sent cross-site without a
	// CORS preflight.
	CodeCSRF Code = "CSRF_PREVENTED"
	// CodeRateLimited: the teacher's request budget for the window is spent
	// (with Retry-After).
	CodeRateLimited Code = "RATE_LIMITED"
	// CodeUnauthenticated: no valid teacher identity. Also a field error,
	// when an anonymous (demo) request reaches viewer.
	CodeUnauthenticated Code = "UNAUTHENTICATED"
	// CodeTooManySubscriptions: a WebSocket connection already runs as many
	// operations as it may.
	CodeTooManySubscriptions Code = "TOO_MANY_SUBSCRIPTIONS"
	// CodeShuttingDown: the server is going away; retry on another replica.
	CodeShuttingDown Code = "SHUTTING_DOWN"
)

// Field errors: a resolver failed, and only what depends on it is null.
const (
	// CodeBadUserInput: an argument the client got wrong (the message says
	// which).
	CodeBadUserInput Code = "BAD_USER_INPUT"
	// CodeUpstreamUnavailable, CodeUpstreamTimeout, CodeUpstreamError: an
	// upstream (extensions.service: ras, cms or entitlements) could not be
	// reached, did not answer in time, or answered with an error.
	CodeUpstreamUnavailable Code = "UPSTREAM_UNAVAILABLE"
	CodeUpstreamTimeout     Code = "UPSTREAM_TIMEOUT"
	CodeUpstreamError       Code = "UPSTREAM_ERROR"
	// CodeInternal: a fault of the BFF itself; the details are logged with
	// the correlation id, never sent.
	CodeInternal Code = "INTERNAL_SERVER_ERROR"
	// CodeCursorStale: a page cursor's batch is gone from the list, or has
	// moved further than the re-alignment window (20 rows) since the
	// cursor was made; the client reloads the list from the top.
	CodeCursorStale Code = "CURSOR_STALE"
)

// codes is the closed list: each code with the HTTP status of a response
// refused with it (a field error's response is 200: it carries data).
var codes = map[Code]int{
	CodeBadRequest:               http.StatusBadRequest,
	CodeMethodNotAllowed:         http.StatusMethodNotAllowed,
	CodeNotAcceptable:            http.StatusNotAcceptable,
	CodePayloadTooLarge:          http.StatusRequestEntityTooLarge,
	CodeURITooLong:               http.StatusRequestURITooLong,
	CodeUnsupportedMediaType:     http.StatusUnsupportedMediaType,
	CodeParseFailed:              http.StatusBadRequest,
	CodeValidationFailed:         http.StatusBadRequest,
	CodeLimitExceeded:            http.StatusBadRequest,
	CodeIntrospectionDisabled:    http.StatusBadRequest,
	CodePersistedQueryNotAllowed: http.StatusBadRequest,
	CodePersistedQueryNotFound:   http.StatusBadRequest,
	CodeCSRF:                     http.StatusBadRequest,
	CodeRateLimited:              http.StatusTooManyRequests,
	CodeUnauthenticated:          http.StatusUnauthorized,
	CodeTooManySubscriptions:     http.StatusBadRequest,
	CodeShuttingDown:             http.StatusServiceUnavailable,
	CodeBadUserInput:             http.StatusOK,
	CodeUpstreamUnavailable:      http.StatusOK,
	CodeUpstreamTimeout:          http.StatusOK,
	CodeUpstreamError:            http.StatusOK,
	CodeInternal:                 http.StatusInternalServerError,
	CodeCursorStale:              http.StatusOK,
}

func init() {
	// gqlgen's errcode registry (a plain map, so before any request) tells
	// its executor which codes are request errors rather than field errors.
	for _, c := range []Code{CodeLimitExceeded, CodeIntrospectionDisabled, CodePersistedQueryNotAllowed} {
		errcode.RegisterErrorType(string(c), errcode.KindProtocol)
	}
}

// Status is the HTTP status of a response refused with c: 400 to 503 for a
// request error, 200 for a field error (the response still has data), 500
// for a code outside the list.
func (c Code) Status() int {
	if s, ok := codes[c]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// Known reports whether c is in the closed list.
func (c Code) Known() bool {
	_, ok := codes[c]
	return ok
}

// Codes returns the closed list, sorted.
func Codes() []Code {
	out := make([]Code, 0, len(codes))
	for c := range codes {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}
