// Command bffbench measures the BFF under load: it starts the reference
// upstreams in-process with a configurable latency, the BFF as a
// subprocess (the built cmd/bff), drives the contract operations from
// concurrent virtual teachers or holds thousands of subscriptions open while
// events flow through Redis, and reports throughput, latency percentiles,
// upstream calls per operation, errors and the BFF's CPU time and peak RSS:
// progress on stderr, one JSON document on stdout (and in -out) at the end.
//
//	go run ./cmd/bffbench -scenario dashboard -duration 20s -teachers 50 -latency 5ms
//	go run ./cmd/bffbench -scenario suite     # every comparison, ~5 minutes
//
// docs/BENCHMARKS.md has the figures and the command behind each.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "bffbench:", err)
		os.Exit(1)
	}
}

// run is the tool; `bffbench serve` is the server mode the tool starts
// itself in for the variants cmd/bff has no switch for.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "serve" {
		return serve(ctx, args[1:], stderr)
	}
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	raiseFileLimit(stderr)
	if cfg.toolProfile != "" {
		f, err := os.Create(cfg.toolProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	b, err := newBench(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer b.close()
	res, err := b.runScenario(ctx)
	if err != nil {
		return err
	}
	return b.report(res, stdout)
}
