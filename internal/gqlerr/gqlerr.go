// Package gqlerr holds every GraphQL error a client can see: the closed list
// of extensions.code values (codes.go), the one constructor of errors made
// outside resolvers (New), and the presenter that turns the errors of
// resolvers and upstream clients into a safe message with a code, plus the
// request's correlation id. Whatever the underlying
// error says (upstream URLs, upstream messages, stack traces) stays in the
// logs.
package gqlerr

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/essaylab/teacher-bff/internal/auth"
	"github.com/essaylab/teacher-bff/internal/correlation"
	"github.com/essaylab/teacher-bff/internal/upstream"
)

// inputError is an error whose message is written for the client.
type inputError struct{ msg string }

func (e *inputError) Error() string { return e.msg }

// BadInput reports an argument the client got wrong. Its message is shown
// to the client as it is.
func BadInput(format string, args ...any) error {
	return &inputError{msg: fmt.Sprintf(format, args...)}
}

// staleError is a cursor that can no longer be followed; its message is
// written for the client.
type staleError struct{ msg string }

func (e *staleError) Error() string { return e.msg }

// StaleCursor reports a cursor whose batch cannot be found where it should
// be (CodeCursorStale). Its message is shown to the client as it is.
func StaleCursor(format string, args ...any) error {
	return &staleError{msg: fmt.Sprintf(format, args...)}
}

// Classify returns the client-facing code, message and upstream service (""
// when none) for err.
func Classify(err error) (code Code, message, service string) {
	var in *inputError
	var stale *staleError
	var up *upstream.Error
	switch {
	case errors.As(err, &in):
		return CodeBadUserInput, in.msg, ""
	case errors.As(err, &stale):
		return CodeCursorStale, stale.msg, ""
	case errors.Is(err, auth.ErrNotAuthenticated), errors.Is(err, auth.ErrInvalidToken):
		return CodeUnauthenticated, "a valid teacher identity is required", ""
	case errors.As(err, &up):
		switch up.Kind {
		case upstream.KindTimeout:
			return CodeUpstreamTimeout, up.Service + " did not answer in time", up.Service
		case upstream.KindUnavailable, upstream.KindCanceled:
			return CodeUpstreamUnavailable, up.Service + " is unavailable", up.Service
		default:
			return CodeUpstreamError, up.Service + " answered with an error", up.Service
		}
	default:
		return CodeInternal, "internal server error", ""
	}
}

// Presenter is gqlgen's error presenter: every error leaves with a code and
// the correlation id, and any error not meant for clients is logged in full
// and replaced by a generic one.
func Presenter(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		var gqlErr *gqlerror.Error
		if errors.As(err, &gqlErr) && gqlErr.Err == nil {
			// Made by the GraphQL layer (parse, validation, coercion) or by
			// us with a code already: its message is for the client.
			out := graphql.DefaultErrorPresenter(ctx, err)
			finish(ctx, out, CodeBadUserInput)
			return out
		}
		out := graphql.DefaultErrorPresenter(ctx, err)
		code, msg, service := Classify(err)
		if code == CodeInternal || service != "" {
			log.LogAttrs(ctx, levelFor(code), "operation error",
				slog.String("correlation_id", correlation.FromContext(ctx)),
				slog.String("code", string(code)),
				slog.String("path", out.Path.String()),
				slog.String("error", err.Error()))
		}
		out.Message = msg
		out.Err = nil
		out.Extensions = map[string]any{"code": string(code)}
		if service != "" {
			out.Extensions["service"] = service
		}
		finish(ctx, out, code)
		return out
	}
}

func levelFor(code Code) slog.Level {
	if code == CodeInternal {
		return slog.LevelError
	}
	return slog.LevelWarn
}

// finish makes sure err has a code and carries the correlation id.
func finish(ctx context.Context, err *gqlerror.Error, defaultCode Code) {
	if err.Extensions == nil {
		err.Extensions = map[string]any{}
	}
	if _, ok := err.Extensions["code"]; !ok {
		err.Extensions["code"] = string(defaultCode)
	}
	if id := correlation.FromContext(ctx); id != "" {
		err.Extensions["correlationId"] = id
	}
}

// New returns a GraphQL error with code and the correlation id of ctx (when
// it has one), for errors raised outside resolvers: transports, middleware,
// extensions. Every refusal is built here.
func New(ctx context.Context, code Code, message string) *gqlerror.Error {
	err := &gqlerror.Error{Message: message}
	err.Extensions = map[string]any{"code": string(code)}
	finish(ctx, err, code)
	return err
}

// Recover is gqlgen's recover function: a panic in a resolver is logged with
// its stack and the correlation id, and the client gets INTERNAL_SERVER_ERROR
// for that field while the process keeps serving.
func Recover(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		log.LogAttrs(ctx, slog.LevelError, "panic in resolver",
			slog.String("correlation_id", correlation.FromContext(ctx)),
			slog.String("panic", fmt.Sprint(p)),
			slog.String("stack", string(debug.Stack())))
		return errors.New("panic in resolver")
	}
}
