package deploy_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
	"github.com/stretchr/testify/require"
)

// repoRoot is the BFF's repository, the parent of this module.
const repoRoot = ".."

// stage is one FROM … AS name section of the Dockerfile.
type stage struct {
	name, base string
	env        map[string]string
	runs       [][]string // each RUN's words, after shell quoting
	expose     []string
	user       string
	entrypoint []string
	copies     [][]string // each COPY's arguments, flags first
}

// readDockerfile parses the repository's Dockerfile with BuildKit's own
// parser (the one `docker build` and `podman build` use) into its stages.
func readDockerfile(t *testing.T) map[string]*stage {
	t.Helper()
	f, err := os.Open(filepath.Join(repoRoot, "Dockerfile"))
	require.NoError(t, err)
	defer f.Close()
	res, err := parser.Parse(f)
	require.NoError(t, err)

	lex := shell.NewLex('\\')
	args := map[string]string{}
	stages := map[string]*stage{}
	var cur *stage
	for _, n := range res.AST.Children {
		var values []string
		for v := n.Next; v != nil; v = v.Next {
			values = append(values, v.Value)
		}
		switch strings.ToLower(n.Value) {
		case "arg":
			for _, v := range values {
				k, val, _ := strings.Cut(v, "=")
				args[k] = val
			}
		case "from":
			base, _, err := lex.ProcessWord(values[0], mapEnv(args))
			require.NoError(t, err)
			cur = &stage{base: base, env: map[string]string{}}
			if len(values) == 3 && strings.EqualFold(values[1], "as") {
				cur.name = values[2]
			}
			stages[cur.name] = cur
		case "env":
			for i := 0; i+1 < len(values); i += 2 {
				cur.env[values[i]] = values[i+1]
			}
		case "run":
			require.Len(t, values, 1, "RUN in shell form: %s", n.Original)
			words, err := lex.ProcessWords(values[0], mapEnv(cur.env))
			require.NoError(t, err)
			cur.runs = append(cur.runs, words)
		case "expose":
			cur.expose = append(cur.expose, values...)
		case "user":
			cur.user = values[0]
		case "entrypoint":
			require.True(t, n.Attributes["json"], "ENTRYPOINT in exec form (no shell in the image): %s", n.Original)
			cur.entrypoint = values
		case "copy":
			cur.copies = append(cur.copies, append(append([]string(nil), n.Flags...), values...))
		}
	}
	return stages
}

// mapEnv is a shell.EnvGetter over a map.
type mapEnv map[string]string

func (m mapEnv) Get(k string) (string, bool) { v, ok := m[k]; return v, ok }

func (m mapEnv) Keys() []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}

// goBuild is the build stage's `go build` command: its arguments after
// "go build", and the environment the stage sets for it.
func goBuild(t *testing.T, stages map[string]*stage) (args []string, env map[string]string) {
	t.Helper()
	build := stages["build"]
	require.NotNil(t, build, "the Dockerfile has a build stage")
	for _, run := range build.runs {
		if len(run) > 2 && run[0] == "go" && run[1] == "build" {
			require.Nil(t, args, "one go build in the build stage")
			args = run[2:]
		}
	}
	require.NotNil(t, args, "the build stage runs go build")
	return args, build.env
}
