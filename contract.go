// Package teacherbff holds what the binary embeds from the repository's
// root folders.
package teacherbff

import "embed"

// ContractOperations are the frontend's operations and fragments
// (testdata/operations/*.graphql, copies of the originals the frontend
// owns); the playground opens with them. Read them with
// operations.LoadFS(schema, ContractOperations, "testdata/operations").
//
//go:embed testdata/operations/*.graphql
var ContractOperations embed.FS
