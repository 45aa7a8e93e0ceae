// Package clientsuite runs the real-client conformance suite
// (test/clients/suite.mjs: urql, Apollo Client, graphql-ws and graphql-sse
// with their default settings, on the contract operations) against running
// BFFs, and Apollo's persisted-query manifest generator, for tests.
package clientsuite

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/essaylab/teacher-bff/internal/nodetest"
)

// Config is the suite's input (suite.mjs's config.json).
type Config struct {
	HTTP  string `json:"http"`  // the BFF's /graphql URL
	WS    string `json:"ws"`    // the same, ws://
	Token string `json:"token"` // a teacher's bearer token
	// Operations are the queries every client runs, by name.
	Operations map[string]Operation `json:"operations"`
	// Subscription is the subscription graphql-ws and graphql-sse run;
	// the test publishes the events.
	Subscription Subscription `json:"subscription"`
	// Defer, when set, is a query with @defer that Apollo Client and urql
	// run over incremental delivery (multipart/mixed).
	Defer     *Deferred `json:"defer,omitempty"`
	Persisted struct {
		// Apollo is a BFF in trusted mode with Apollo's generated
		// manifest, for Apollo Client's persisted-queries link.
		Apollo struct {
			HTTP     string `json:"http"`
			Manifest string `json:"manifest"`
		} `json:"apollo"`
		// URQL is a BFF in trusted mode for urql's persistedExchange.
		URQL struct {
			HTTP string `json:"http"`
		} `json:"urql"`
	} `json:"persisted"`
}

// Operation is one query with the data every client must return (without
// the __typename fields the clients add).
type Operation struct {
	Document  string          `json:"document"`
	Variables map[string]any  `json:"variables,omitempty"`
	Data      json.RawMessage `json:"data"`
}

// Deferred is a query with a deferred fragment under viewer: the data
// every client must end with, and the field the fragment delivers later.
// Answer is the BFF's multipart/mixed answer to it, which the suite also
// serves from a loopback server in one write (a client reading it at once,
// as when the fragment is ready as soon as the initial payload).
type Deferred struct {
	Document string          `json:"document"`
	Data     json.RawMessage `json:"data"`
	Deferred string          `json:"deferred"`
	Answer   Answer          `json:"answer"`
}

// Answer is an HTTP response body with its Content-Type.
type Answer struct {
	ContentType string `json:"contentType"`
	Body        string `json:"body"`
}

// Subscription is the subscription and the fields its first event must
// carry.
type Subscription struct {
	Document  string         `json:"document"`
	Variables map[string]any `json:"variables,omitempty"`
	Event     map[string]any `json:"event"`
}

// Result is one check of one client.
type Result struct {
	Client string `json:"client"`
	Check  string `json:"check"`
	OK     bool   `json:"ok"`
	Error  string `json:"error"`
}

// Require returns the suite's Node project, failing the test in CI and
// skipping it elsewhere when Node or the packages are missing.
func Require(t testing.TB) nodetest.Project {
	t.Helper()
	return nodetest.Require(t, "test/clients", "@urql/core")
}

// Run runs the suite with cfg and returns every check's result.
func Run(t testing.TB, p nodetest.Project, cfg Config) []Result {
	t.Helper()
	raw, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	stdout, code := p.Run(t, 3*time.Minute, "suite.mjs", path)
	var results []Result
	if err := json.Unmarshal(stdout, &results); err != nil {
		t.Fatalf("suite.mjs (exit %d) output: %v\n%s", code, err, stdout)
	}
	failed := false
	for _, r := range results {
		failed = failed || !r.OK
	}
	if failed != (code != 0) {
		t.Errorf("suite.mjs exit status %d disagrees with its results", code)
	}
	return results
}

// ApolloManifest runs @apollo/generate-persisted-query-manifest, the tool
// Apollo Client users build their manifest with, over the .graphql files of
// dir, and returns the manifest's path.
func ApolloManifest(t testing.TB, p nodetest.Project, dir string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "persisted-query-manifest.json")
	runTool(t, p, "generate-persisted-query-manifest", map[string]any{
		"documents": []string{graphqlFiles(t, dir)},
		"output":    out,
	})
	return out
}

// CodegenDocuments runs GraphQL Code Generator's client preset (the
// frontend kit's, web/codegen) with persisted documents hashed with SHA-256
// over the .graphql files of dir, and returns its persisted-documents.json
// ({"sha256:<hex>": "<body>"}, bodies in the preset's own normal form).
func CodegenDocuments(t testing.TB, dir string) string {
	t.Helper()
	p := nodetest.Require(t, "web/codegen", "@graphql-codegen/client-preset")
	root, err := nodetest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "gql") + string(filepath.Separator)
	runTool(t, p, "graphql-codegen", map[string]any{
		"schema":    filepath.Join(root, "schema.graphqls"),
		"documents": []string{graphqlFiles(t, dir)},
		"generates": map[string]any{out: map[string]any{
			"preset":       "client",
			"presetConfig": map[string]any{"persistedDocuments": map[string]any{"hashAlgorithm": "sha256"}},
			"config":       map[string]any{"scalars": map[string]string{"DateTime": "string"}},
		}},
	})
	return filepath.Join(out, "persisted-documents.json")
}

// graphqlFiles is the glob of dir's .graphql files, as the tools take it.
func graphqlFiles(t testing.TB, dir string) string {
	t.Helper()
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	return filepath.ToSlash(filepath.Join(abs, "*.graphql"))
}

// runTool runs the project's command bin with `--config <file>`, the file
// holding config as JSON, and fails the test unless it succeeds.
func runTool(t testing.TB, p nodetest.Project, bin string, config map[string]any) {
	t.Helper()
	raw, err := json.Marshal(config)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), bin+".config.json")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	stdout, code := p.Run(t, 3*time.Minute, filepath.Join("node_modules", ".bin", bin), "--config", path)
	if code != 0 {
		t.Fatalf("%s exited with %d:\n%s", bin, code, stdout)
	}
}
