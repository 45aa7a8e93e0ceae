package graph

// gqlgen resolves the paths in gqlgen.yml against the working directory, so
// the generator runs from the module root. It is gqlgen's generator plus the
// table of held-back fields (heldback_gen.go, graph/internal/codegen).
//go:generate sh -c "cd .. && go run ./graph/internal/codegen"
