package graph

// gqlgen resolves the paths in gqlgen.yml against the working directory, so
// it runs from the module root.
//go:generate sh -c "cd .. && go run github.com/99designs/gqlgen generate --config gqlgen.yml"
