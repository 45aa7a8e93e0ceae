// Package deploy holds the tests of the BFF's deployment files: the
// Dockerfile and compose.yaml at the repository root, the Kubernetes
// manifests in kubernetes/ and the Prometheus rules in prometheus/. It is a
// module of its own so that the Kubernetes and Compose types it checks them
// against stay out of the BFF's module; `.ci/run` runs its tests.
//
//	cd deploy && go test ./...
package deploy
