package app_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/devstack"
	"github.com/essaylab/teacher-bff/internal/testenv"
)

// Apollo Client's relayStylePagination, with its defaults, pages through a
// teacher's batches with fetchMore while batches arrive at the top and
// leave above the page: the list it merges holds every batch that stayed,
// exactly once, in order. Without node or the client's packages the test
// fails when CI is set and is skipped otherwise.
func TestApolloRelayPaginationWhileTheListMoves(t *testing.T) {
	root, err := testenv.RepoRoot()
	require.NoError(t, err)
	dir := filepath.Join(root, "test", "relay-pagination")
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(filepath.Join(dir, "node_modules", "@apollo", "client", "package.json"))
	}
	if err != nil {
		msg := "the Apollo Client test needs node and its packages: run `npm ci --prefix test/relay-pagination` (" + err.Error() + ")"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}

	env := testenv.Start(t)
	want := env.Stack.Store.BatchIDs(devstack.TeacherWithOrg)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "page.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "BFF_URL="+env.Server.URL+"/graphql",
		"BFF_TOKEN="+env.Token(t, devstack.TeacherWithOrg), "PAGE_SIZE=9")
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	defer func() { _ = cmd.Wait() }()
	defer stdin.Close()

	type page struct {
		IDs         []string `json:"ids"`
		HasNextPage bool     `json:"hasNextPage"`
	}
	lines := bufio.NewScanner(stdout)
	lines.Buffer(make([]byte, 1<<20), 1<<20)
	var merged page
	removed := 0
	for n := 0; ; n++ {
		require.True(t, lines.Scan(), "page.mjs ended early: %v", lines.Err())
		require.NoError(t, json.Unmarshal(lines.Bytes(), &merged))
		if !merged.HasNextPage {
			break
		}
		require.Less(t, n, 30)
		// Between pages: two uploads at the top, and a batch already
		// merged deleted.
		uploaded(t, env, 2*n+1, devstack.StatusAwaitingContentValidation)
		uploaded(t, env, 2*n+2, devstack.StatusAwaitingContentValidation)
		env.Stack.Store.DeleteBatch(merged.IDs[len(merged.IDs)/2])
		removed++
		_, err := fmt.Fprintln(stdin, "next")
		require.NoError(t, err)
	}
	assert.Equal(t, want, merged.IDs, "every batch once, in order, as Apollo Client merged them")
	assert.Greater(t, removed, 5)
}
