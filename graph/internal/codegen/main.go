// Command codegen is `go generate` for the GraphQL layer: gqlgen's own
// generator with gqlgen.yml (the executor in graph/generated.go, the models,
// the resolver stubs), plus a plugin that writes graph/heldback_gen.go from
// the same codegen data. It is gqlgen's documented way of adding a plugin
// (api.Generate with api.AddPlugin); without the plugin it does what
// `gqlgen generate --config gqlgen.yml` does.
//
// Run from the module root (graph/generate.go does).
package main

import (
	"fmt"
	"os"

	"github.com/99designs/gqlgen/api"
	"github.com/99designs/gqlgen/codegen/config"
)

func main() {
	if err := run("gqlgen.yml", "graph/heldback_gen.go"); err != nil {
		fmt.Fprintln(os.Stderr, "codegen:", err)
		os.Exit(1)
	}
}

func run(configFile, heldBackFile string) error {
	cfg, err := config.LoadConfig(configFile)
	if err != nil {
		return fmt.Errorf("load %s: %w", configFile, err)
	}
	if err := api.Generate(cfg, api.AddPlugin(heldBackPlugin{filename: heldBackFile})); err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	return nil
}
