// Package nodetest runs the repository's Node.js projects (test/*,
// web/*: a package.json and its lockfile, installed with `npm ci`) from Go
// tests.
package nodetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Project is an installed Node project.
type Project struct {
	Node string // the node executable
	Dir  string // the project's directory
}

// Require returns the Node project in dir (relative to the repository's
// root, e.g. "test/clients") when node is on the PATH and the project's
// packages are installed (module is one of them, e.g. "graphql-http").
// Otherwise the test fails when CI is set, and is skipped with the command
// that installs them when not.
func Require(t testing.TB, dir, module string) Project {
	t.Helper()
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	abs := filepath.Join(root, filepath.FromSlash(dir))
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(filepath.Join(abs, "node_modules", filepath.FromSlash(module), "package.json"))
	}
	if err != nil {
		msg := fmt.Sprintf("%s needs node and its packages: run `npm ci --prefix %s` (%v)", dir, dir, err)
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return Project{Node: node, Dir: abs}
}

// Run runs `node args...` in the project's directory for at most timeout
// and returns its standard output. A non-zero exit status is returned as
// the exit code (the scripts exit 1 when a check fails and report why on
// stdout); anything else that stops the script fails the test.
func (p Project) Run(t testing.TB, timeout time.Duration, args ...string) (stdout []byte, exitCode int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, p.Node, args...)
	cmd.Dir = p.Dir
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return out.Bytes(), 0
	case ctx.Err() != nil:
		t.Fatalf("node %v did not finish within %v\nstderr: %s\nstdout: %s", args, timeout, stderr.String(), out.String())
	case errors.As(err, &exit) && exit.ExitCode() > 0:
		if stderr.Len() > 0 {
			t.Logf("node %v stderr:\n%s", args, stderr.String())
		}
		return out.Bytes(), exit.ExitCode()
	}
	t.Fatalf("node %v: %v\nstderr: %s\nstdout: %s", args, err, stderr.String(), out.String())
	return nil, -1
}

// RepoRoot walks up from the working directory (a test's package
// directory) to the module's go.mod, and returns that directory.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("nodetest: no go.mod above the test's directory")
		}
		dir = parent
	}
}
