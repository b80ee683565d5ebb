# todo-app: `make dev` runs it locally, `make test` tests everything,
# `make up` deploys it to minikube with Pulumi.

# Every Go module of the workspace; `go test ./...` at the root of a
# go.work does not descend into them, so they are named here.
MODULES := ./pkg/... ./apps/backend/...
GO      ?= go

.PHONY: help dev test vet fmt-check build clean

help:
	@echo "make dev     run PostgreSQL and every app locally (Ctrl-C stops)"
	@echo "make test    vet, format check and every test of every module"
	@echo "make build   build the app binaries into bin/"

dev:
	@$(GO) build -o .dev/bin/dev ./pkg/cmd/dev
	@.dev/bin/dev

test: fmt-check vet
	$(GO) test -count=1 -timeout 15m $(MODULES)

vet:
	$(GO) vet $(MODULES)

fmt-check:
	@out=$$(gofmt -l pkg apps infra 2>/dev/null); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

build:
	CGO_ENABLED=0 $(GO) build -o bin/backend ./apps/backend

clean:
	rm -rf bin .dev/bin test-output
