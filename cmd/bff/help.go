package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/essaylab/teacher-bff/internal/config"
	"github.com/essaylab/teacher-bff/internal/probe"
)

// options are the command line of `bff` (the server); its settings come
// from the environment (config.Settings).
type options struct {
	demo        bool
	demoLatency time.Duration
}

// parseFlags reads the command line. -h prints the usage (flags, the token
// command and every setting with its default) on stdout and returns
// flag.ErrHelp, which run treats as success; a bad flag prints the usage on
// stderr and returns the error.
func parseFlags(args []string, stdout, stderr io.Writer) (options, error) {
	var o options
	flags := flag.NewFlagSet("bff", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.BoolVar(&o.demo, "demo", false, "start the reference upstreams in-process and serve a ready-to-use playground")
	flags.DurationVar(&o.demoLatency, "demo-latency", 0, "with -demo: added latency of every reference upstream call (e.g. 20ms)")
	flags.Usage = func() {}
	err := flags.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		printUsage(stdout, flags)
		return o, err
	case err != nil:
		printUsage(stderr, flags)
		return o, fmt.Errorf("command line: %w", err)
	case flags.NArg() > 0:
		printUsage(stderr, flags)
		return o, fmt.Errorf("command line: unexpected argument %q", flags.Arg(0))
	}
	return o, nil
}

// printUsage writes the flags and the settings table (the README's, from
// the same list).
func printUsage(w io.Writer, flags *flag.FlagSet) {
	fmt.Fprint(w, `Usage:
  bff [flags]          serve the teacher dashboard's GraphQL API (settings from the environment)
  bff -demo            the same over in-process reference upstreams, playground ready
  bff token -sub ID    mint a development token with BFF_JWT_SECRET (bff token -h for more)
  bff probe URL        exit 0 when URL answers 200 (a container health check)

Flags:
`)
	flags.SetOutput(w)
	flags.PrintDefaults()
	fmt.Fprint(w, "\nSettings (environment variables):\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, s := range config.Settings {
		help := strings.ReplaceAll(s.Help, "`", "")
		if s.Secret {
			help += " (secret: never logged)"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", s.Name, shownDefault(s), help)
	}
	_ = tw.Flush()
}

// shownDefault is a setting's default as -h shows it: "required" for the
// settings without which the BFF does not start, "-" for unset.
func shownDefault(s config.Setting) string {
	switch {
	case s.Required:
		return "required"
	case s.Default == "":
		return "-"
	}
	return s.Default
}

// runProbe is `bff probe URL`: the image has no shell and no curl, so its
// health check asks /readyz (or /healthz) through the binary itself.
func runProbe(ctx context.Context, args []string) error {
	if len(args) != 1 {
		return errors.New("probe: usage: bff probe http://127.0.0.1:4101/readyz")
	}
	return probe.Get(ctx, args[0])
}
