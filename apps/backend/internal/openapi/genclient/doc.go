// Package genclient is a client generated from the backend's OpenAPI
// document by oapi-codegen (client.gen.go; UPDATE_OPENAPI=1 go test
// ./apps/backend/internal/openapi/ regenerates it). It exists to prove the
// document usable by a generator: internal/openapi's tests run its calls
// against a real backend. The frontends use the hand-written pkg/client.
package genclient
