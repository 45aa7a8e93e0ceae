// Package tracing propagates W3C trace context through the BFF: from the
// incoming request's traceparent, through a span per request and per
// upstream call, to the upstreams' traceparent. Spans are exported over
// OTLP/HTTP when an endpoint is configured; otherwise they are not
// recorded, but the trace context still flows to the upstreams, so a trace
// started at the gateway continues in RAS and CMS.
package tracing

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

const instrumentation = "github.com/essaylab/teacher-bff"

var propagator = propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})

// Setup installs the tracer provider. With an empty endpoint spans are not
// recorded. The returned function flushes and stops the exporter.
func Setup(ctx context.Context, endpoint string) (func(context.Context) error, error) {
	otel.SetTextMapPropagator(propagator)
	if endpoint == "" {
		return func(context.Context) error { return nil }, nil
	}
	exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(endpoint))
	if err != nil {
		return nil, fmt.Errorf("tracing: otlp exporter: %w", err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp, sdktrace.WithBatchTimeout(5*time.Second)))
	otel.SetTracerProvider(tp)
	return tp.Shutdown, nil
}

func tracer() trace.Tracer { return otel.Tracer(instrumentation) }

// Middleware continues the caller's trace (or starts one) with a span for
// the request.
func Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := propagator.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
		ctx, span := tracer().Start(ctx, r.Method+" "+r.URL.Path, trace.WithSpanKind(trace.SpanKindServer),
			trace.WithAttributes(attribute.String("http.request.method", r.Method), attribute.String("url.path", r.URL.Path)))
		defer span.End()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// Upstream starts the client span of an upstream call. Call the returned
// function with the call's outcome.
func Upstream(ctx context.Context, service, endpoint string) (context.Context, func(error)) {
	ctx, span := tracer().Start(ctx, service+" "+endpoint, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("peer.service", service), attribute.String("bff.endpoint", endpoint)))
	return ctx, func(err error) {
		if err != nil {
			span.SetStatus(codes.Error, "upstream call failed")
		}
		span.End()
	}
}

// Inject writes the trace context of ctx into outgoing headers (W3C
// traceparent and tracestate).
func Inject(ctx context.Context, h http.Header) {
	propagator.Inject(ctx, propagation.HeaderCarrier(h))
}
