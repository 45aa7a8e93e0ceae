package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/graph"
	"github.com/essaylab/teacher-bff/internal/clientsuite"
	"github.com/essaylab/teacher-bff/internal/devstack"
	"github.com/essaylab/teacher-bff/internal/events"
	"github.com/essaylab/teacher-bff/internal/operations"
	"github.com/essaylab/teacher-bff/internal/persisted"
	"github.com/essaylab/teacher-bff/internal/testenv"
)

// clientKnownFailures are the suite's checks that fail on what the BFF
// serves today, with the reason; TestRealClients logs them instead of
// failing, and says when one passes.
var clientKnownFailures = map[string]string{
	// The suite's "urql @defer" checks the same answer read as it comes
	// (the deferred fragment later than the initial payload), and passes.
	"urql @defer (one read): no uncaught error for a second after the last result": "" +
		"a client bug no server framing avoids: when the status line and the whole chunked body reach Node's fetch " +
		"(undici 6.24.1 in Node 20) in one read, it parses the end of the body before it listens for aborts " +
		"(httpNetworkFetch adds onAborted to \"terminated\" only after awaiting the headers, so onComplete cannot remove it); " +
		"urql 6.0.3 aborts its fetch when its last result is taken (makeFetchSource's onEnd), which errors the finished body, " +
		"and wonka's fromAsyncIterable calls the iterator's return() without catching the AbortError it now rejects with",
}

// The contract operations (every query of testdata/operations, and
// BatchUpdates) through the clients the frontend uses, with their default
// settings (test/clients/suite.mjs): urql over GET and POST,
// Apollo Client, graphql-ws and graphql-sse, and the persisted-query
// support of Apollo Client and urql against trusted-documents mode. Each
// client must return the data a plain POST returns, and must not fail in
// the second after its last result. Needs Node and `npm ci --prefix
// test/clients` (required in CI).
func TestRealClients(t *testing.T) {
	suite := clientsuite.Require(t)
	teacher := devstack.TeacherWithOrg
	bus := events.NewMemoryBus()
	env := testenv.Start(t, testenv.WithBus(bus))
	token := env.Token(t, teacher)
	b := processingBatch(t, env, teacher)

	// Every query of the contract, with the data every client must
	// return: what a plain POST of it returns, checked here against the
	// reference data.
	dir := filepath.Join("..", "..", "testdata", "operations")
	ops, err := operations.Load(graph.NewSchema(graph.Deps{}).Schema(), dir)
	require.NoError(t, err)
	variables := map[string]map[string]any{
		"TeacherDashboard": {"limit": 5},
		"BatchDetail":      {"id": b.ID},
		"BatchPage":        {"first": 5},
		"NeedsAttention":   {"first": 5},
	}
	cfg := clientsuite.Config{
		HTTP:       env.Server.URL + "/graphql",
		WS:         "ws" + strings.TrimPrefix(env.Server.URL, "http") + "/graphql",
		Token:      token,
		Operations: map[string]clientsuite.Operation{},
	}
	var queries []string
	for _, op := range ops {
		if op.Type == "query" {
			queries = append(queries, op.Name)
			cfg.Operations[op.Name] = clientsuite.Operation{Document: op.Document, Variables: variables[op.Name]}
		}
	}
	require.Subset(t, queries, []string{"TeacherDashboard", "DashboardSections", "BatchDetail"})
	for name, op := range cfg.Operations {
		resp := env.Do(t, testenv.Request{Query: op.Document, Variables: op.Variables, Token: token}, nil)
		require.Empty(t, resp.Errors, name)
		op.Data = resp.Data
		cfg.Operations[name] = op
	}
	var dashboard struct {
		Viewer struct {
			ID      string
			Credits struct{ UserBalance int }
			Batches struct {
				TotalCount int
				Nodes      []struct{ ID string }
			}
		}
	}
	require.NoError(t, json.Unmarshal(cfg.Operations["TeacherDashboard"].Data, &dashboard))
	assert.Equal(t, teacher, dashboard.Viewer.ID)
	assert.Len(t, dashboard.Viewer.Batches.Nodes, 5)
	assert.Equal(t, len(env.Stack.Store.BatchIDs(teacher)), dashboard.Viewer.Batches.TotalCount)
	var detail struct {
		Batch struct{ Essays []struct{ ID string } }
	}
	require.NoError(t, json.Unmarshal(cfg.Operations["BatchDetail"].Data, &detail))
	assert.Len(t, detail.Batch.Essays, len(b.Essays))

	// @defer over multipart/mixed: the final data is what the query
	// without @defer returns.
	const deferred = `query DeferredCredits { viewer { id ... @defer(label: "credits") { credits { userBalance orgBalance orgId } } } }`
	plain := env.Do(t, testenv.Request{Query: strings.Replace(deferred, `@defer(label: "credits") `, "", 1), Token: token}, nil)
	require.Empty(t, plain.Errors)
	require.Contains(t, string(plain.Data), `"userBalance":`)
	resp, answer := postDeferred(t, env, deferred, acceptURQL)
	require.Contains(t, resp.Header.Get("Content-Type"), "multipart/mixed")
	cfg.Defer = &clientsuite.Deferred{Document: deferred, Data: plain.Data, Deferred: "credits",
		Answer: clientsuite.Answer{ContentType: resp.Header.Get("Content-Type"), Body: string(answer)}}

	// Trusted documents as the frontend's build makes them: Apollo's
	// generator for Apollo Client (and it must agree with ours), our
	// Code Generator form for urql.
	apolloManifest := clientsuite.ApolloManifest(t, suite, dir)
	var ours bytes.Buffer
	require.NoError(t, persisted.WriteManifest(&ours, ops, persisted.FormatApollo))
	generated, err := os.ReadFile(apolloManifest)
	require.NoError(t, err)
	assert.Equal(t, string(generated), ours.String(), "`bff persisted-manifest -format apollo` writes what Apollo's generator writes")
	codegen := filepath.Join(t.TempDir(), "persisted-documents.json")
	var cg bytes.Buffer
	require.NoError(t, persisted.WriteManifest(&cg, ops, persisted.FormatCodegen))
	require.NoError(t, os.WriteFile(codegen, cg.Bytes(), 0o600))
	trustedApollo := testenv.Start(t, func(c *configT, _ *optionsT) { c.TrustedDocuments = apolloManifest })
	trustedURQL := testenv.Start(t, func(c *configT, _ *optionsT) { c.TrustedDocuments = codegen })
	cfg.Persisted.Apollo.HTTP = trustedApollo.Server.URL + "/graphql"
	cfg.Persisted.Apollo.Manifest = apolloManifest
	cfg.Persisted.URQL.HTTP = trustedURQL.Server.URL + "/graphql"

	// The batch moves on once; its state is then announced every 100 ms
	// while the suite runs, so each subscriber's first event is it.
	want := advance(t, env, bus, b.ID)
	cfg.Subscription = clientsuite.Subscription{
		Document:  testenv.Operation(t, "BatchUpdates"),
		Variables: map[string]any{"batchIds": []string{b.ID}},
		Event: map[string]any{
			"id": b.ID, "status": "PROCESSING",
			"totalEssays": len(want.Essays), "completedEssays": want.CompletedEssays(),
		},
	}
	ctx, cancel := context.WithCancel(context.Background())
	announced := make(chan struct{})
	go func() {
		defer close(announced)
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				_ = env.Stack.Store.PublishStatus(ctx, bus, b.ID)
			}
		}
	}()
	// The deferred fragment (credits) comes after the initial payload, as
	// a slow field does: a client reads the answer as it comes.
	env.Stack.Entitlements.SetLatency(20*time.Millisecond, 0)
	results := clientsuite.Run(t, suite, cfg)
	cancel()
	<-announced

	got := map[string]bool{}
	for _, r := range results {
		name := r.Client + ": " + r.Check
		got[name] = true
		why, known := clientKnownFailures[name]
		switch {
		case r.OK && known:
			t.Logf("known failure now passes, drop it from clientKnownFailures: %s", name)
		case !r.OK && known:
			t.Logf("known failure: %s: %s (%s)", name, r.Error, why)
		case !r.OK:
			t.Errorf("%s: %s", name, r.Error)
		}
	}
	var wantChecks []string
	for client, extra := range map[string][]string{
		"urql (GET, default)":             {"sends queries with GET"},
		"urql (POST)":                     {"sends queries with POST"},
		"Apollo Client":                   nil,
		"graphql-ws":                      {"BatchUpdates"},
		"graphql-sse":                     {"BatchUpdates"},
		"Apollo Client persisted queries": {"sends hashes only"},
		"urql persisted queries":          {"sends hashes only"},
		"Apollo Client @defer":            {"deferred query", "gets multipart/mixed", "deferred field absent until delivered"},
		"urql @defer":                     {"deferred query", "gets multipart/mixed", "deferred field absent until delivered"},
		"urql @defer (one read)":          {"deferred query"},
	} {
		checks := append(append([]string{}, queries...), extra...)
		if strings.Contains(client, "@defer") {
			checks = extra
		}
		for _, c := range append(checks, "no uncaught error for a second after the last result") {
			wantChecks = append(wantChecks, client+": "+c)
		}
	}
	for _, c := range wantChecks {
		assert.True(t, got[c], "the suite did not report %q", c)
	}
	assert.Len(t, results, len(wantChecks), "checks reported: %v", got)
}
