package graph

// HeldBack reports whether the executor holds field of object back when a
// @defer covers it: true exactly for the fields it resolves concurrently
// (resolvers, and model methods taking a context) on a non-root object.
//
// gqlgen v0.17.98 resolves such a field in a later payload and leaves null
// in its place in the earlier one (graphql.(*FieldSet).ResolveConcurrently).
// Every other field inside a deferred fragment is resolved at once and sent
// in the earlier payload, which the DeferStream RFC allows (a server may
// deliver deferred data early), and not again later. internal/incremental
// uses this to drop the null placeholders, so that deferred fields are
// absent until delivered, as the RFC has it.
//
// The table (heldback_gen.go) is generated from gqlgen's codegen data with
// the executor; TestHeldBackMatchesTheExecutor checks it against the
// generated executor's code.
func HeldBack(object, field string) bool {
	return heldBack[object][field]
}
