package gqlerr_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/essaylab/teacher-bff/internal/auth"
	"github.com/essaylab/teacher-bff/internal/gqlerr"
	"github.com/essaylab/teacher-bff/internal/upstream"
)

func TestClassify(t *testing.T) {
	up := func(kind upstream.Kind) error {
		return fmt.Errorf("resolve: %w", &upstream.Error{Service: "cms", Endpoint: "class-info", Kind: kind,
			Detail: "dial tcp 10.0.0.7:8080: secret detail"})
	}
	cases := []struct {
		name    string
		err     error
		code    gqlerr.Code
		service string
	}{
		{"bad input", gqlerr.BadInput("limit must be between 1 and 100, got %d", 0), gqlerr.CodeBadUserInput, ""},
		{"stale cursor", fmt.Errorf("page: %w", gqlerr.StaleCursor("the cursor's batch is gone")), gqlerr.CodeCursorStale, ""},
		{"no identity", auth.ErrNotAuthenticated, gqlerr.CodeUnauthenticated, ""},
		{"invalid token", fmt.Errorf("x: %w", auth.ErrInvalidToken), gqlerr.CodeUnauthenticated, ""},
		{"unavailable", up(upstream.KindUnavailable), gqlerr.CodeUpstreamUnavailable, "cms"},
		{"canceled", up(upstream.KindCanceled), gqlerr.CodeUpstreamUnavailable, "cms"},
		{"timeout", up(upstream.KindTimeout), gqlerr.CodeUpstreamTimeout, "cms"},
		{"status", up(upstream.KindStatus), gqlerr.CodeUpstreamError, "cms"},
		{"malformed", up(upstream.KindMalformed), gqlerr.CodeUpstreamError, "cms"},
		{"anything else", errors.New("nil map write in resolver"), gqlerr.CodeInternal, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, msg, service := gqlerr.Classify(tc.err)
			assert.Equal(t, tc.code, code)
			assert.Equal(t, tc.service, service)
			assert.NotContains(t, msg, "10.0.0.7", "no upstream detail reaches the message")
			assert.NotContains(t, msg, "nil map", "no internal text reaches the message")
		})
	}
}

func TestNewCarriesCodeAndNoCorrelationWithoutOne(t *testing.T) {
	e := gqlerr.New(context.Background(), gqlerr.CodeBadUserInput, "nope")
	assert.Equal(t, string(gqlerr.CodeBadUserInput), e.Extensions["code"], "a plain string, as JSON decoding gives it back")
	_, has := e.Extensions["correlationId"]
	assert.False(t, has)
}
