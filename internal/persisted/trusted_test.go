package persisted_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/essaylab/teacher-bff/internal/gqlerr"

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

func contract(t *testing.T) (*persisted.Trusted, map[string]string) {
	t.Helper()
	trusted, err := persisted.LoadTrusted(schema, contractDir)
	require.NoError(t, err)
	ops, err := operations.Load(schema, contractDir)
	require.NoError(t, err)
	docs := map[string]string{}
	for _, op := range ops {
		docs[op.Name] = op.Document
	}
	return trusted, docs
}

// typenameDir holds one document that runs without upstreams.
func typenameDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Typename.graphql"), []byte("query Typename { __typename }\n"), 0o600))
	return dir
}

func TestLoadTrustedRegistersEachOperationByHash(t *testing.T) {
	trusted, docs := contract(t)
	want := map[string]string{}
	for name, doc := range docs {
		want[name] = persisted.Hash(doc)
	}
	assert.Equal(t, want, trusted.Manifest())
	assert.Len(t, want, 4)

	var buf bytes.Buffer
	require.NoError(t, trusted.WriteManifest(&buf))
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
		assert.Equal(t, want[op.Name], op.ID)
		assert.Equal(t, op.ID, persisted.Hash(op.Body), "the id is the hash of the body")
		wantType := "query"
		if op.Name == "BatchUpdates" {
			wantType = "subscription"
		}
		assert.Equal(t, wantType, op.Type, op.Name)
	}
	assert.True(t, sort.StringsAreSorted(names))
}

func TestLoadTrustedErrors(t *testing.T) {
	write := func(t *testing.T, content string) string {
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "Op.graphql"), []byte(content), 0o600))
		return dir
	}
	for name, dir := range map[string]func(t *testing.T) string{
		"no such directory": func(t *testing.T) string { return filepath.Join(t.TempDir(), "missing") },
		"no documents":      func(t *testing.T) string { return t.TempDir() },
		"invalid":           func(t *testing.T) string { return write(t, "query Op { nothing }") },
		"unnamed":           func(t *testing.T) string { return write(t, "{ __typename }") },
	} {
		t.Run(name, func(t *testing.T) {
			_, err := persisted.LoadTrusted(schema, dir(t))
			assert.ErrorContains(t, err, "persisted: operations:")
		})
	}
}

// In trusted mode the contract operations run by hash and by their exact
// text; anything else is refused as a request error before parsing.
func TestTrustedModeOverHTTP(t *testing.T) {
	trusted, docs := contract(t)
	url := newServer(t, trusted)
	dashboard := docs["TeacherDashboard"]
	tampered := strings.Replace(dashboard, "orgBalance", "", 1)
	require.NotEqual(t, dashboard, tampered)

	tests := []struct {
		name    string
		body    map[string]any
		allowed bool
	}{
		{"ad hoc", map[string]any{"query": "{ __typename }"}, false},
		{"tampered text", map[string]any{"query": tampered}, false},
		{"tampered text with the registered hash", apq(persisted.Hash(dashboard), tampered), false},
		{"tampered text with its own hash", apq(persisted.Hash(tampered), tampered), false},
		{"unknown hash", apq(persisted.Hash("{ __typename }"), ""), false},
		{"name only, by default", map[string]any{"operationName": "TeacherDashboard"}, false},
		{"malformed extension", map[string]any{"extensions": map[string]any{"persistedQuery": "x"}}, false},
		{"empty request", map[string]any{}, false},
		{"exact text, trimmed", map[string]any{"query": "\n  " + dashboard + "\n\n"}, true},
		{"hash and text", apq(persisted.Hash(dashboard), dashboard), true},
	}
	for name, doc := range docs {
		tests = append(tests, struct {
			name    string
			body    map[string]any
			allowed bool
		}{"hash of " + name, apq(persisted.Hash(doc), ""), true})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, res := post(t, url, tt.body)
			if tt.allowed {
				// Nothing runs for real without upstreams; what matters is
				// that trusted mode let it through.
				assert.NotEqual(t, string(gqlerr.CodePersistedQueryNotAllowed), res.code())
				return
			}
			assert.Equal(t, http.StatusBadRequest, status)
			assert.True(t, res.noData())
			require.Len(t, res.Errors, 1)
			assert.Equal(t, string(gqlerr.CodePersistedQueryNotAllowed), res.code())
		})
	}
}

// A registered document that needs no upstreams runs for real, by hash, by
// its registered text and, when allowed, by name.
func TestTrustedModeRuns(t *testing.T) {
	trusted, err := persisted.LoadTrusted(schema, typenameDir(t))
	require.NoError(t, err)
	trusted.AllowByName = true
	hash := trusted.Manifest()["Typename"]
	url := newServer(t, trusted)
	ops, err := operations.Load(schema, typenameDir(t))
	require.NoError(t, err)
	printed := ops[0].Document

	for name, body := range map[string]map[string]any{
		"hash": apq(hash, ""),
		"text": {"query": printed},
		"name": {"operationName": "Typename"},
	} {
		t.Run(name, func(t *testing.T) {
			status, res := post(t, url, body)
			assert.Equal(t, http.StatusOK, status)
			assert.Empty(t, res.Errors)
			assert.JSONEq(t, `{"__typename":"Query"}`, string(res.Data))
		})
	}
	_, res := post(t, url, map[string]any{"operationName": "Other"})
	assert.Equal(t, string(gqlerr.CodePersistedQueryNotAllowed), res.code())

	// The text must be the registered one, as printed (the manifest's
	// body), not the source file's formatting of it.
	_, res = post(t, url, map[string]any{"query": "query Typename { __typename }"})
	assert.Equal(t, string(gqlerr.CodePersistedQueryNotAllowed), res.code())
}

// Registered before APQ, trusted mode answers registered hashes at once
// and keeps ad-hoc documents out of the APQ cache.
func TestTrustedBeforeAPQ(t *testing.T) {
	trusted, err := persisted.LoadTrusted(schema, typenameDir(t))
	require.NoError(t, err)
	cache := persisted.NewMemoryCache(10)
	url := newServer(t, trusted, extension.AutomaticPersistedQuery{Cache: cache})

	_, res := post(t, url, apq(trusted.Manifest()["Typename"], ""))
	assert.Empty(t, res.Errors)
	assert.JSONEq(t, `{"__typename":"Query"}`, string(res.Data))

	adHoc := "{ viewer { id } }"
	_, res = post(t, url, apq(persisted.Hash(adHoc), adHoc))
	assert.Equal(t, string(gqlerr.CodePersistedQueryNotAllowed), res.code())
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
