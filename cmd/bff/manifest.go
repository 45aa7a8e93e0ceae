package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/essaylab/teacher-bff/graph"
	"github.com/essaylab/teacher-bff/internal/operations"
	"github.com/essaylab/teacher-bff/internal/persisted"
)

// writeManifest is `bff persisted-manifest`: it validates the .graphql
// files of -dir against the schema and writes their operations as a
// persisted-documents manifest (-format apollo or codegen) to -o or stdout,
// for the frontend's client and BFF_TRUSTED_DOCUMENTS.
func writeManifest(args []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("bff persisted-manifest", flag.ContinueOnError)
	flags.SetOutput(stderr)
	dir := flags.String("dir", "testdata/operations", "folder of .graphql files (operations and fragments)")
	format := flags.String("format", persisted.FormatApollo,
		"apollo: Apollo's persisted query manifest, as Apollo Client sends the documents; codegen: GraphQL Code Generator's {hash: body}, as urql sends them")
	out := flags.String("o", "", "file to write (default: standard output)")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("persisted-manifest: unexpected argument %q", flags.Arg(0))
	}
	ops, err := operations.Load(graph.NewSchema(graph.Deps{}).Schema(), *dir)
	if err != nil {
		return fmt.Errorf("persisted-manifest: %w", err)
	}
	var buf bytes.Buffer
	if err := persisted.WriteManifest(&buf, ops, *format); err != nil {
		return fmt.Errorf("persisted-manifest: %w", err)
	}
	if *out == "" {
		_, err = stdout.Write(buf.Bytes())
		return err
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("persisted-manifest: %w", err)
	}
	return nil
}
