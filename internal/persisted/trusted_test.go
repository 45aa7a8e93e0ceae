package persisted_test

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/essaylab/teacher-bff/internal/gqlerr"
	"github.com/essaylab/teacher-bff/internal/testenv/testkit"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/essaylab/teacher-bff/internal/operations"
	"github.com/essaylab/teacher-bff/internal/persisted"
)

var contractDir = filepath.Join("..", "..", "testdata", "operations")

// contract loads the contract operations in trusted mode, and as
// operations.Load returns them.
func contract(t *testing.T) (*persisted.Trusted, map[string]operations.Operation) {
	t.Helper()
	trusted, err := persisted.LoadTrusted(schema, contractDir)
	require.NoError(t, err)
	ops, err := operations.Load(schema, contractDir)
	require.NoError(t, err)
	byName := map[string]operations.Operation{}
	for _, op := range ops {
		byName[op.Name] = op
	}
	return trusted, byName
}

// typenameDir holds one document that runs without upstreams.
func typenameDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Typename.graphql"), []byte("query Typename { __typename }\n"), 0o600))
	return dir
}

// apolloIDs are the ids @apollo/generate-persisted-query-manifest 1.4.0
// gives the contract operations (`npx generate-persisted-query-manifest`
// in test/clients with documents testdata/operations/*.graphql): the
// SHA-256 of each operation as Apollo Client sends it. The client suite
// compares the whole manifests in CI; these keep the check in plain
// `go test`. When an operation changes, take the new ids from that run.
var apolloIDs = map[string]string{
	"BatchDetail":       "d362d0c737fbe2aac01e33df3fd432205c2e416283dfee7b9c1e1516e1ff1f35",
	"BatchPage":         "6616e240eb1f30db525399049756a4db428c9b619b121df2b04b3dd6a92062db",
	"BatchUpdates":      "b2695b68174403b33436c4151f03a079132a962dddb92a05d812825db9cf4357",
	"DashboardChanges":  "4ce66f23c1ceeceefc35b3bf6d4a3b10d57014f759f63e6b9226e8627416f49b",
	"DashboardSections": "52a3aaa8e990909efa79c7714b69aad584f4b1a3ddbd7918df36e35a809c118c",
	"NeedsAttention":    "11cbad3d0ad8a85c8696c965073253b31b44435753801a8487a0c62c1a280947",
	"TabCounts":         "721eb2c43143ba077341f792189cb8b6aa00e6cacf4d4385db878f41e02c7f18",
	"TeacherDashboard":  "92eb6240f7eeebdf961961515f46d87651d563fda65c37ac24925e85256a30bb",
}

// A directory registers each operation under the id Apollo's tooling gives
// it.
func TestLoadTrustedDirectoryUsesApolloIDs(t *testing.T) {
	trusted, _ := contract(t)
	assert.Equal(t, apolloIDs, trusted.IDs())
}

// Each format written from the contract directory loads back with the same
// documents; the apollo form carries Apollo's ids, the codegen form keys
// each body by its SHA-256.
func TestWriteManifestRoundTrip(t *testing.T) {
	_, ops := contract(t)
	list := make([]operations.Operation, 0, len(ops))
	for _, op := range ops {
		list = append(list, op)
	}
	for _, format := range []string{persisted.FormatApollo, persisted.FormatCodegen} {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, persisted.WriteManifest(&buf, list, format))
			path := filepath.Join(t.TempDir(), "manifest.json")
			require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o600))

			docs, err := persisted.ReadManifest(path)
			require.NoError(t, err)
			require.Len(t, docs, len(ops))
			for _, d := range docs {
				assert.Equal(t, persisted.Hash(d.Body), d.ID, "the id is the SHA-256 of the body")
			}
			trusted, err := persisted.LoadTrusted(schema, path)
			require.NoError(t, err)
			ids := trusted.IDs()
			require.Len(t, ids, len(ops))
			for name, op := range ops {
				if format == persisted.FormatApollo {
					assert.Equal(t, apolloIDs[name], ids[name])
					assert.Contains(t, buf.String(), mustJSON(t, op.ClientDocument))
				} else {
					// As urql sends it: no blank line between definitions.
					body := strings.ReplaceAll(op.ClientDocument, "\n\n", "\n")
					assert.Equal(t, persisted.Hash(body), ids[name])
				}
			}
			if format == persisted.FormatApollo {
				var m struct {
					Format     string `json:"format"`
					Version    int    `json:"version"`
					Operations []struct{ ID, Name, Type, Body string }
				}
				require.NoError(t, json.Unmarshal(buf.Bytes(), &m))
				assert.Equal(t, "apollo-persisted-query-manifest", m.Format)
				assert.Equal(t, 1, m.Version)
				var names []string
				for _, op := range m.Operations {
					names = append(names, op.Name)
					assert.Equal(t, ops[op.Name].Type, op.Type)
				}
				assert.True(t, sort.StringsAreSorted(names), "sorted by name: %v", names)
				assert.Len(t, names, len(ops))
			}
		})
	}
	assert.ErrorContains(t, persisted.WriteManifest(io.Discard, list, "relay"), `format "relay"`)
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

func TestLoadTrustedErrors(t *testing.T) {
	write := func(name, content string) func(t *testing.T) string {
		return func(t *testing.T) string {
			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600))
			if strings.HasSuffix(name, ".json") {
				return filepath.Join(dir, name)
			}
			return dir
		}
	}
	const typename = "query Typename {\n  __typename\n}"
	for _, tt := range []struct {
		name string
		path func(t *testing.T) string
		want string
	}{
		{"no such path", func(t *testing.T) string { return filepath.Join(t.TempDir(), "missing") }, "no such file"},
		{"no documents", func(t *testing.T) string { return t.TempDir() }, "no .graphql files"},
		{"invalid", write("Op.graphql", "query Op { nothing }"), "does not validate"},
		{"unnamed", write("Op.graphql", "{ __typename }"), "has no name"},
		{"not JSON", write("m.json", "query Op { __typename }"), "not a JSON object"},
		{"empty manifest", write("m.json", "{}"), "lists no documents"},
		{"other format", write("m.json", `{"format":"relay","version":1,"operations":[]}`), `format "relay"`},
		{"apollo version 2", write("m.json", `{"format":"apollo-persisted-query-manifest","version":2,"operations":[]}`), "version 2"},
		{"apollo entry without body", write("m.json", `{"format":"apollo-persisted-query-manifest","version":1,"operations":[{"id":"x"}]}`), "no id or body"},
		{"codegen with a non-string", write("m.json", `{"abc": 1}`), "neither an Apollo manifest"},
		{"invalid body", write("m.json", `{"abc": "query Op { nothing }"}`), "does not validate"},
		{"anonymous body", write("m.json", `{"abc": "{ __typename }"}`), "exactly one named operation"},
		{"two operations", write("m.json", `{"abc": "query A { __typename } query B { __typename }"}`), "exactly one named operation"},
		{"name mismatch", write("m.json", `{"format":"apollo-persisted-query-manifest","version":1,"operations":[{"id":"x","name":"Other","type":"query","body":"`+strings.ReplaceAll(typename, "\n", `\n`)+`"}]}`), "listed as Other"},
		{"one id, two bodies", write("m.json", `{"`+persisted.Hash(typename)+`": "query Other { __typename }", "x": "`+strings.ReplaceAll(typename, "\n", `\n`)+`"}`), "names two different documents"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := persisted.LoadTrusted(schema, tt.path(t))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.True(t, strings.HasPrefix(err.Error(), "persisted: "), err.Error())
		})
	}
}

// sourceText is the operation's file and its fragment's file, concatenated
// as written (comments and all): what curl sends.
func sourceText(t *testing.T, files ...string) string {
	t.Helper()
	var b strings.Builder
	for _, f := range files {
		raw, err := os.ReadFile(filepath.Join(contractDir, f))
		require.NoError(t, err)
		b.Write(raw)
	}
	return b.String()
}

// In trusted mode the contract operations run by hash and by their text as
// each client sends it; anything else is refused as a request error before
// parsing.
func TestTrustedModeOverHTTP(t *testing.T) {
	trusted, ops := contract(t)
	url := newServer(t, trusted)
	apollo := ops["TeacherDashboard"].ClientDocument
	urql := strings.ReplaceAll(apollo, "\n\n", "\n")
	plain := ops["TeacherDashboard"].Document
	curl := sourceText(t, "TeacherDashboard.graphql", "DashboardBatch.fragment.graphql")
	tampered := strings.Replace(apollo, "orgBalance", "", 1)
	joined := strings.Replace(plain, "orgBalance\n      orgId", "orgBalanceorgId", 1)
	aliased := strings.Replace(plain, "orgBalance", "orgBalance: userBalance", 1)
	for _, changed := range []string{tampered, joined, aliased} {
		require.NotEqual(t, plain, changed)
		require.NotEqual(t, apollo, changed)
	}

	tests := []struct {
		name    string
		body    map[string]any
		allowed bool
	}{
		{"ad hoc", map[string]any{"query": "{ __typename }"}, false},
		{"tampered text", map[string]any{"query": tampered}, false},
		{"tampered text with the registered hash", apq(persisted.Hash(apollo), tampered), false},
		{"tampered text with its own hash", apq(persisted.Hash(tampered), tampered), false},
		{"a field renamed by an alias", map[string]any{"query": aliased}, false},
		{"two names joined", map[string]any{"query": joined}, false},
		{"unknown hash", apq(persisted.Hash("{ __typename }"), ""), false},
		{"name only, by default", map[string]any{"operationName": "TeacherDashboard"}, false},
		{"malformed extension", map[string]any{"extensions": map[string]any{"persistedQuery": "x"}}, false},
		{"empty request", map[string]any{}, false},
		{"Apollo Client's text", map[string]any{"query": apollo}, true},
		{"urql's text", map[string]any{"query": urql}, true},
		{"the files as curl sends them", map[string]any{"query": curl}, true},
		{"printed without __typename", map[string]any{"query": plain}, true},
		{"on one line, with commas", map[string]any{"query": strings.Join(strings.Fields(curlWithoutComments(curl)), ", ")}, true},
		{"hash of Apollo Client's text", apq(persisted.Hash(apollo), ""), true},
		{"hash of urql's text", apq(persisted.Hash(urql), ""), true},
		{"hash of the plain text", apq(persisted.Hash(plain), ""), true},
		{"hash and urql's text", apq(persisted.Hash(apollo), urql), true},
	}
	for name, op := range ops {
		tests = append(tests, struct {
			name    string
			body    map[string]any
			allowed bool
		}{"Apollo id of " + name, apq(apolloIDs[name], ""), true}, struct {
			name    string
			body    map[string]any
			allowed bool
		}{"text of " + name, map[string]any{"query": op.ClientDocument}, true})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, res := testkit.Post(t, url, tt.body)
			if tt.allowed {
				// Nothing runs for real without upstreams; what matters is
				// that trusted mode let it through.
				assert.NotEqual(t, string(gqlerr.CodePersistedQueryNotAllowed), res.Code(), "%v", res.Errors)
				return
			}
			assert.Equal(t, http.StatusBadRequest, status)
			assert.True(t, res.NoData())
			require.Len(t, res.Errors, 1)
			assert.Equal(t, string(gqlerr.CodePersistedQueryNotAllowed), res.Code())
		})
	}
}

// curlWithoutComments drops the # lines of the contract files.
func curlWithoutComments(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "#") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// A registered document that needs no upstreams runs for real, by hash, by
// its registered text and, when allowed, by name.
func TestTrustedModeRuns(t *testing.T) {
	trusted, err := persisted.LoadTrusted(schema, typenameDir(t))
	require.NoError(t, err)
	trusted.AllowByName = true
	hash := trusted.IDs()["Typename"]
	url := newServer(t, trusted)

	for name, body := range map[string]map[string]any{
		"hash":            apq(hash, ""),
		"text":            {"query": "query Typename {\n  __typename\n}"},
		"text as written": {"query": "query Typename { __typename }"},
		"name":            {"operationName": "Typename"},
	} {
		t.Run(name, func(t *testing.T) {
			status, res := testkit.Post(t, url, body)
			assert.Equal(t, http.StatusOK, status)
			assert.Empty(t, res.Errors)
			assert.JSONEq(t, `{"__typename":"Query"}`, string(res.Data))
		})
	}
	_, res := testkit.Post(t, url, map[string]any{"operationName": "Other"})
	assert.Equal(t, string(gqlerr.CodePersistedQueryNotAllowed), res.Code())

	_, res = testkit.Post(t, url, map[string]any{"query": "query Typename { __typename __typename }"})
	assert.Equal(t, string(gqlerr.CodePersistedQueryNotAllowed), res.Code())
}

// Registered before APQ, trusted mode answers registered hashes at once
// and keeps ad-hoc documents out of the APQ cache.
func TestTrustedBeforeAPQ(t *testing.T) {
	trusted, err := persisted.LoadTrusted(schema, typenameDir(t))
	require.NoError(t, err)
	cache := persisted.NewMemoryCache(10)
	url := newServer(t, trusted, extension.AutomaticPersistedQuery{Cache: cache})

	_, res := testkit.Post(t, url, apq(trusted.IDs()["Typename"], ""))
	assert.Empty(t, res.Errors)
	assert.JSONEq(t, `{"__typename":"Query"}`, string(res.Data))

	adHoc := "{ viewer { id } }"
	_, res = testkit.Post(t, url, apq(persisted.Hash(adHoc), adHoc))
	assert.Equal(t, string(gqlerr.CodePersistedQueryNotAllowed), res.Code())
	_, stored := cache.Get(context.Background(), persisted.Hash(adHoc))
	assert.False(t, stored)
}

// A server whose schema the documents do not fit refuses to start.
func TestTrustedValidatesAgainstTheServedSchema(t *testing.T) {
	trusted, _ := contract(t)
	assert.NoError(t, trusted.Validate(&graphql.ExecutableSchemaMock{SchemaFunc: func() *ast.Schema { return schema }}))

	other := gqlparser.MustLoadSchema(&ast.Source{Input: "type Query { hello: String }"})
	err := trusted.Validate(&graphql.ExecutableSchemaMock{SchemaFunc: func() *ast.Schema { return other }})
	assert.ErrorContains(t, err, "does not validate")
}

// A manifest's ids are taken as given (GraphQL Code Generator hashes with
// SHA-1 by default); a request by such an id runs the document, also with
// APQ registered after trusted mode.
func TestTrustedManifestIDsAsGiven(t *testing.T) {
	const body = "query Typename {\n  __typename\n}"
	sum := sha1.Sum([]byte(body))
	id := hex.EncodeToString(sum[:])
	path := filepath.Join(t.TempDir(), "persisted-documents.json")
	require.NoError(t, os.WriteFile(path, []byte(mustJSON(t, map[string]string{id: body})), 0o600))
	trusted, err := persisted.LoadTrusted(schema, path)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"Typename": id}, trusted.IDs())
	url := newServer(t, trusted, extension.AutomaticPersistedQuery{Cache: persisted.NewMemoryCache(10)})

	for _, hash := range []string{id, persisted.Hash(body)} {
		status, res := testkit.Post(t, url, apq(hash, ""))
		assert.Equal(t, http.StatusOK, status)
		assert.Empty(t, res.Errors)
		assert.JSONEq(t, `{"__typename":"Query"}`, string(res.Data))
	}
	_, res := testkit.Post(t, url, apq(id, "query Typename { __typename __typename }"))
	assert.Equal(t, string(gqlerr.CodePersistedQueryNotAllowed), res.Code(), "a text that is not the id's document")
}
