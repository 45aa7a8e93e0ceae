# syntax=docker/dockerfile:1
#
# The BFF's image: a static binary on distroless, as user 65532, writing
# nothing (it runs with a read-only root filesystem).
#
#   docker build -t teacher-bff .                      # or: podman build -t teacher-bff .
#   docker build -t teacher-bff-devstack --target devstack .
#
# deploy/image_test.go builds the binary with the ENV and `go build` line of
# the build stage below and runs it the way this image does.

ARG GO_VERSION=1.26.8

FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ENV CGO_ENABLED=0 GOOS=linux GOFLAGS=-buildvcs=false
RUN go build -trimpath -ldflags="-s -w" -o /out/ ./cmd/bff ./cmd/devstack

# The reference upstreams and their simulator, for compose.yaml.
FROM gcr.io/distroless/static-debian12:nonroot AS devstack
COPY --from=build /out/devstack /devstack
USER 65532:65532
EXPOSE 4201 4202 4203
ENTRYPOINT ["/devstack"]

# The BFF (the default target: last in the file).
FROM gcr.io/distroless/static-debian12:nonroot AS bff
COPY --from=build /out/bff /bff
USER 65532:65532
# BFF_LISTEN_ADDR and BFF_METRICS_ADDR.
EXPOSE 4101 9101
ENTRYPOINT ["/bff"]
