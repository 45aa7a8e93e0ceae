package app_test

import (
	"testing"

	"github.com/essaylab/teacher-bff/internal/httpaudit"
	"github.com/essaylab/teacher-bff/internal/testenv"
)

// The whole BFF, with every middleware in front of the transport, passes the
// GraphQL-over-HTTP server audit. The audit sends anonymous `{ __typename }`
// queries, which only the demo lets through; identity is tested elsewhere.
func TestBFFPassesGraphQLHTTPAudit(t *testing.T) {
	env := testenv.Start(t, func(_ *configT, o *optionsT) { o.Demo = true })
	httpaudit.Run(t, env.Server.URL+"/graphql", nil)
}
