package graph

import (
	"context"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/essaylab/teacher-bff/graph/model"
	"github.com/essaylab/teacher-bff/internal/batchstatus"
	"github.com/essaylab/teacher-bff/internal/loaders"
)

// The fields that meet at the loaders' gate (each calls loaders.PageLoaded
// exactly once with the batches it fetched) and the status filters they
// list, by "Type.field". A field added here must call PageLoaded and, for
// a list, loaders.ListTotal; PlanOperation reads this table, so the two
// cannot drift apart silently.
//
//   - Query.batch: a page of one.
//   - Teacher.batches: a page, listing its `status` filter.
//   - Teacher.needsAttention: a page of its candidates, listing the
//     failed batches (the FAILED filter) among them.
var gateFields = map[string]func(args map[string]any) []string{
	"Query.batch": nil,
	"Teacher.batches": func(args map[string]any) []string {
		s, ok := args["status"]
		if !ok || s == nil {
			return []string{filterKey(nil)}
		}
		st := model.BatchStatus(fmt.Sprint(s))
		if !st.IsValid() {
			return nil
		}
		return []string{filterKey(internalStatuses(&st))}
	},
	"Teacher.needsAttention": func(map[string]any) []string {
		return []string{filterKey(batchstatus.Internal(batchstatus.Failed))}
	},
}

// PlanOperation reads, from the operation of ctx, what its resolvers will
// fetch: how many fields meet at the loaders' gate, and which status
// filters they list (after aliases, fragments and @skip/@include). The
// server attaches the operation's loaders with it.
func PlanOperation(ctx context.Context) loaders.Plan {
	var plan loaders.Plan
	if !graphql.HasOperationContext(ctx) {
		return plan
	}
	op := graphql.GetOperationContext(ctx)
	if op.Operation == nil || op.Operation.Operation != ast.Query {
		return plan
	}
	add := func(typ string, f graphql.CollectedField) {
		lists, ok := gateFields[typ+"."+f.Name]
		if !ok {
			return
		}
		plan.Pages++
		if lists != nil {
			plan.Lists = append(plan.Lists, lists(f.ArgumentMap(op.Variables))...)
		}
	}
	for _, root := range graphql.CollectFields(op, op.Operation.SelectionSet, []string{"Query"}) {
		add("Query", root)
		if root.Name != "viewer" {
			continue
		}
		for _, f := range graphql.CollectFields(op, root.Selections, []string{"Teacher"}) {
			add("Teacher", f)
		}
	}
	return plan
}

// filterKey names a status filter (internal statuses) for the operation's
// shared totals: "" for all batches.
func filterKey(statuses []string) string { return strings.Join(statuses, ",") }

// argGiven reports whether the field being resolved names the argument in
// the document (a default value does not count).
func argGiven(ctx context.Context, name string) bool {
	fc := graphql.GetFieldContext(ctx)
	return fc != nil && fc.Field.Field != nil && fc.Field.Arguments.ForName(name) != nil
}
