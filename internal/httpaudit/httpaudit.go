// Package httpaudit runs the graphql-http package's server audits (the
// GraphQL-over-HTTP spec's conformance checks, in test/graphql-http-audit)
// against a running endpoint, for tests.
package httpaudit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// auditResult is one entry of `audit.mjs --json`.
type auditResult struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Status string `json:"status"` // ok | error (MUST) | warn (SHOULD) | notice (MAY)
	Reason string `json:"reason"`
}

// Run audits url. Any MUST failure fails the test, and so does a SHOULD or
// MAY failure not in knownFailures. Without node or the audit's packages the
// test fails when CI is set and is skipped otherwise.
func Run(t *testing.T, url string, knownFailures []string) {
	t.Helper()
	dir := filepath.Join(repoRoot(t), "test", "graphql-http-audit")
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(filepath.Join(dir, "node_modules", "graphql-http", "package.json"))
	}
	if err != nil {
		msg := "the graphql-http audit needs node and its packages: run `npm ci --prefix test/graphql-http-audit` (" + err.Error() + ")"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "audit.mjs", url, "--json")
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
		t.Fatalf("audit.mjs did not run: %v\n%s%s", err, stderr.String(), stdout.String())
	}

	var results []auditResult
	if err := json.Unmarshal(stdout.Bytes(), &results); err != nil {
		t.Fatalf("audit.mjs output: %v\n%s", err, stdout.String())
	}
	if len(results) < 40 {
		t.Fatalf("only %d audits ran", len(results))
	}
	counts := map[string]int{}
	for _, r := range results {
		counts[r.Status]++
		switch {
		case r.Status == "ok":
			if slices.Contains(knownFailures, r.ID) {
				t.Logf("known failure now passes, drop it from knownFailures: %s %s", r.ID, r.Name)
			}
		case r.Status == "error":
			t.Errorf("MUST audit failed: %s %s: %s", r.ID, r.Name, r.Reason)
		case slices.Contains(knownFailures, r.ID):
			t.Logf("known %s: %s %s: %s", r.Status, r.ID, r.Name, r.Reason)
		default:
			t.Errorf("%s audit failed: %s %s: %s", r.Status, r.ID, r.Name, r.Reason)
		}
	}
	t.Logf("graphql-http audits: %d ok, %d MUST failures, %d SHOULD warnings, %d MAY notices",
		counts["ok"], counts["error"], counts["warn"], counts["notice"])
	if (exit != nil) != (counts["error"] > 0) {
		t.Errorf("audit.mjs exit status %v disagrees with %d MUST failures", err, counts["error"])
	}
}

// repoRoot walks up from the package directory to the module's go.mod.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}
