package gqlhttp

import (
	"testing"

	"github.com/essaylab/teacher-bff/internal/httpaudit"
)

// TestGraphQLHTTPAudit runs the graphql-http server audits against the
// transport on a small schema. No failure is expected, not even a SHOULD.
func TestGraphQLHTTPAudit(t *testing.T) {
	httpaudit.Run(t, newServer(t, Options{}, nil).URL, nil)
}
