package app_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/graph"
	"github.com/essaylab/teacher-bff/internal/clientsuite"
	"github.com/essaylab/teacher-bff/internal/devstack"
	"github.com/essaylab/teacher-bff/internal/operations"
	"github.com/essaylab/teacher-bff/internal/persisted"
	"github.com/essaylab/teacher-bff/internal/testenv"
)

func apq(hash string) map[string]any {
	return map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hash}}
}

type apqRequest struct {
	Query      string         `json:"query,omitempty"`
	Extensions map[string]any `json:"extensions"`
}

// Automatic persisted queries: an unknown hash asks for the document, the
// document registers it, and the hash alone then runs it.
func TestAutomaticPersistedQueries(t *testing.T) {
	env := testenv.Start(t)
	doc := `{ viewer { id } }`
	hash := persisted.Hash(doc)
	post := func(body apqRequest) *testenv.Response {
		return env.Send(t, gqlPost(mustJSON(t, body), nil)(t, env), nil)
	}
	resp := post(apqRequest{Extensions: apq(hash)})
	require.NotEmpty(t, resp.Errors)
	assert.Equal(t, "PersistedQueryNotFound", resp.Errors[0].Message)

	resp = post(apqRequest{Query: doc, Extensions: apq(hash)})
	require.Empty(t, resp.Errors)
	assert.JSONEq(t, `{"viewer":{"id":"teacher-1"}}`, string(resp.Data))

	resp = post(apqRequest{Extensions: apq(hash)})
	require.Empty(t, resp.Errors)
	assert.JSONEq(t, `{"viewer":{"id":"teacher-1"}}`, string(resp.Data))

	resp = post(apqRequest{Query: `{ viewer { orgId } }`, Extensions: apq(hash)})
	require.NotEmpty(t, resp.Errors, "a document that does not match its hash is refused")
}

// BFF_TRUSTED_DOCUMENTS takes a folder of .graphql files or a manifest of
// either format: the contract operations run by their hash and by their
// text as Apollo Client and urql send it (with __typename); anything else is
// refused before any upstream call.
func TestTrustedDocumentsSetting(t *testing.T) {
	root, err := testenv.RepoRoot()
	require.NoError(t, err)
	dir := filepath.Join(root, "testdata", "operations")
	ops, err := operations.Load(graph.NewSchema(graph.Deps{}).Schema(), dir)
	require.NoError(t, err)
	manifest := func(format string) func(t *testing.T) string {
		return func(t *testing.T) string {
			var buf bytes.Buffer
			require.NoError(t, persisted.WriteManifest(&buf, ops, format))
			path := filepath.Join(t.TempDir(), format+".json")
			require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o600))
			return path
		}
	}
	var dashboard operations.Operation
	for _, op := range ops {
		if op.Name == "TeacherDashboard" {
			dashboard = op
		}
	}

	apolloText := dashboard.ClientDocument
	urqlText := strings.ReplaceAll(apolloText, "\n\n", "\n")
	for _, tt := range []struct {
		name string
		path func(t *testing.T) string
		// hashes are the ids the setting's documents are found by: each
		// client's hash of its own text, except that a Code Generator
		// manifest holds urql's.
		hashes []string
	}{
		{"directory", func(*testing.T) string { return dir }, []string{persisted.Hash(apolloText), persisted.Hash(urqlText)}},
		{"apollo manifest", manifest(persisted.FormatApollo), []string{persisted.Hash(apolloText), persisted.Hash(urqlText)}},
		{"codegen manifest", manifest(persisted.FormatCodegen), []string{persisted.Hash(urqlText)}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.path(t)
			env := testenv.Start(t, func(c *configT, _ *optionsT) { c.TrustedDocuments = path })
			token := env.Token(t, devstack.TeacherWithOrg)
			type viewer struct {
				Viewer struct {
					Typename string `json:"__typename"`
					ID       string `json:"id"`
					Batches  struct {
						TotalCount int `json:"totalCount"`
					} `json:"batches"`
				} `json:"viewer"`
			}
			check := func(t *testing.T, resp *testenv.Response, got viewer) {
				t.Helper()
				require.Empty(t, resp.Errors)
				assert.Equal(t, devstack.TeacherWithOrg, got.Viewer.ID)
				assert.Equal(t, "Teacher", got.Viewer.Typename, "the registered document is the one with __typename")
				assert.Equal(t, len(env.Stack.Store.BatchIDs(devstack.TeacherWithOrg)), got.Viewer.Batches.TotalCount)
			}

			for _, text := range []string{apolloText, urqlText} {
				var byText viewer
				check(t, env.Do(t, testenv.Request{Query: text, Token: token}, &byText), byText)
			}
			for _, hash := range tt.hashes {
				var byHash viewer
				resp := env.Send(t, gqlPost(mustJSON(t, apqRequest{Extensions: apq(hash)}), nil)(t, env), &byHash)
				check(t, resp, byHash)
			}

			env.ResetCounts()
			resp := env.Do(t, testenv.Request{Query: `{ viewer { batches(limit: 100) { nodes { essays { filename } } } } }`, Token: token}, nil)
			assert.Equal(t, "PERSISTED_QUERY_NOT_ALLOWED", resp.Code())
			assert.Equal(t, 400, resp.Status)
			assert.Zero(t, env.Stack.RAS.Count("list-batches"))
		})
	}
}

// GraphQL Code Generator's client preset writes persisted documents in its
// own normal form, keyed "sha256:<hex>"; given as they are to
// BFF_TRUSTED_DOCUMENTS, each runs by that key (what the preset's
// documents carry as __meta__.hash for the client to send) and by its
// text. Needs the frontend kit's packages (`npm ci --prefix web/codegen`).
func TestTrustedCodeGeneratorDocuments(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "operations")
	path := clientsuite.CodegenDocuments(t, dir)
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var docs map[string]string
	require.NoError(t, json.Unmarshal(raw, &docs))
	ops, err := operations.Load(graph.NewSchema(graph.Deps{}).Schema(), dir)
	require.NoError(t, err)
	require.Len(t, docs, len(ops), "one persisted document per contract operation")

	env := testenv.Start(t, func(c *configT, _ *optionsT) { c.TrustedDocuments = path })
	token := env.Token(t, devstack.TeacherWithOrg)
	b := processingBatch(t, env, devstack.TeacherWithOrg)
	for id, body := range docs {
		require.True(t, strings.HasPrefix(id, "sha256:"), id)
		if strings.Contains(body, "subscription ") {
			continue
		}
		t.Run(id, func(t *testing.T) {
			vars := map[string]any{"id": b.ID}
			byID := env.Send(t, gqlPost(mustJSON(t, map[string]any{"variables": vars, "extensions": apq(id)}), nil)(t, env), nil)
			require.Empty(t, byID.Errors)
			require.NotEqual(t, "null", string(byID.Data))
			assert.Contains(t, string(byID.Data), `"id":`)
			byText := env.Do(t, testenv.Request{Query: body, Variables: vars, Token: token}, nil)
			require.Empty(t, byText.Errors)
			assert.JSONEq(t, string(byID.Data), string(byText.Data))
		})
	}
	resp := env.Do(t, testenv.Request{Query: "{ viewer { id } }", Token: token}, nil)
	assert.Equal(t, "PERSISTED_QUERY_NOT_ALLOWED", resp.Code())
}
