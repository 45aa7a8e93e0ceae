package app_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/devstack"
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

// In trusted-documents mode only the registered operations run, by hash or
// by their exact text; anything else is refused before any upstream call.
func TestTrustedDocumentsOnly(t *testing.T) {
	root, err := testenv.RepoRoot()
	require.NoError(t, err)
	env := testenv.Start(t, func(c *configT, _ *optionsT) {
		c.TrustedDocuments = filepath.Join(root, "testdata", "operations")
	})
	dashboard := testenv.Operation(t, "TeacherDashboard")

	resp := env.Do(t, testenv.Request{Query: dashboard, Token: env.Token(t, devstack.TeacherWithOrg)}, nil)
	require.Empty(t, resp.Errors, "a registered document runs by its text")

	resp = env.Send(t, gqlPost(mustJSON(t, apqRequest{Extensions: apq(persisted.Hash(dashboard))}), nil)(t, env), nil)
	require.Empty(t, resp.Errors, "a registered document runs by its hash")

	env.ResetCounts()
	resp = env.Do(t, testenv.Request{Query: `{ viewer { batches(limit: 100) { nodes { essays { filename } } } } }`, Token: env.Token(t, devstack.TeacherWithOrg)}, nil)
	assert.Equal(t, "PERSISTED_QUERY_NOT_ALLOWED", resp.Code())
	assert.Equal(t, 400, resp.Status)
	assert.Zero(t, env.Stack.RAS.Count("list-batches"))
}
