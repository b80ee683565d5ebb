# todo-app: `make dev` runs it locally, `make test` tests everything,
# `make up` deploys it to minikube with Pulumi.

# Every Go module of the workspace; `go test ./...` at the root of a
# go.work does not descend into them, so they are named here.
MODULES := ./pkg/... ./apps/backend/... ./apps/web/... ./apps/chatbot/... ./infra/...
GO      ?= go
# Go 1.26.10 fixes vulnerabilities in the standard library that our code
# calls (make vulncheck); the go command fetches it from the module proxy
# once per machine. Exported so that every go command, the image builds'
# toolchain (go env GOROOT) and the test helpers use it.
export GOTOOLCHAIN := go1.26.10
# npm projects whose packages the tests run (the MCP Inspector).
NPM_DIRS := apps/backend/internal/mcpserver/testdata/inspector pkg/testkit/browsertest/testdata/axe
# Where test/cluster/tools/build.sh keeps the cluster tools it builds
# (outside the clone, so every clone on a machine shares them).
TOOLS_DIR ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/todo-app/tools

.PHONY: zones ci-test assistant-score openapi help urls tunnel backup restore rotate-db-password dev check setup staticcheck fuzz vulncheck test deps vet fmt-check tidy-check build screenshots bench bench-scale up destroy clean tools verify e2e e2e-nodes e2e-images

help:
	@echo "make up      deploy to minikube with Pulumi (starts minikube if needed)"
	@echo "make urls    print the two URLs again (checked)"
	@echo "make tunnel  forward the node ports to 127.0.0.1 where the node is not reachable"
	@echo "make backup  back up the in-cluster database to ~/.config/todo-app/backups/ (FILE=path to choose)"
	@echo "make restore FROM=cluster  restore the newest scheduled backup from the cluster and restart the backend"
	@echo "make restore FILE=<name or path>.dump  restore a backup of yours and restart the backend"
	@echo "make rotate-db-password  give the in-cluster database a new password, then roll the backend"
	@echo "make destroy remove the deployment (after a final backup of the database)"
	@echo "make dev     run PostgreSQL and every app locally (Ctrl-C stops)"
	@echo "make check   the fast loop: gofmt, vet, staticcheck, the unit tests (nothing outside the process; unchanged packages from Go's test cache)"
	@echo "make setup   install what the tests need (Debian/Ubuntu), only what is missing"
	@echo "make fuzz    fuzz the edge parsers (a fixed count each; FUZZTIME=30s overrides)"
	@echo "make vulncheck  govulncheck on every module against a local copy of the Go vulnerability database"
	@echo "make test    setup, npm test tools, vet, format check and every test of every module"
	@echo "make build   build the app binaries into bin/"
	@echo "make bench   load-test the apps against PostgreSQL's own limit (writes docs/benchmarks.md)"
	@echo "make bench-scale  the scale curve at 100k, 1m and 10m tasks (writes bench/scale.json, docs/benchmarks.md)"
	@echo "make screenshots  refresh docs/screenshots from the browser tests"
	@echo "make openapi      rewrite the OpenAPI document, reference page and generated client"
	@echo "make verify  pulumi up/destroy with the real engine against a real kube-apiserver; kube-score, kube-linter"
	@echo "make e2e     a real single-node cluster: up, browser journey at the NodePorts, rolling update, destroy"
	@echo "make e2e-nodes  the production stack on three nodes in two zones: spread, a drain under load, a node stopped hard"
	@echo "make e2e-images how make up's images reach minikube's nodes when Docker's engine is in its own VM (Docker Desktop): root, seconds"

up:
	@infra/scripts/up.sh up

# The two URLs again, checked; and where the node cannot be reached from
# this machine (Docker driver on macOS/Windows/WSL2), forward its ports.
urls:
	@infra/scripts/up.sh urls

tunnel:
	@infra/scripts/up.sh tunnel

# make destroy keeps a final backup of the in-cluster database first and
# says what it deletes; make backup writes one to the backups directory
# (~/.config/todo-app/backups on Linux, outside the clone; or FILE=…);
# make restore FILE=… or FROM=cluster (the newest scheduled backup) puts
# one back and restarts the backend, which migrates it to the current schema.
destroy:
	@infra/scripts/up.sh destroy

backup:
	@infra/scripts/up.sh backup

restore:
	@infra/scripts/up.sh restore

rotate-db-password:
	@infra/scripts/up.sh rotate-db-password

dev:
	@$(GO) build -o .dev/bin/dev ./pkg/cmd/dev
	@.dev/bin/dev

# Packages whose tests need nothing outside the process (no PostgreSQL,
# browser, Docker or npm), for make check.
UNIT_PKGS := ./pkg/auth ./pkg/client ./pkg/config ./pkg/dates ./pkg/recurrence ./pkg/httpserver ./pkg/todomcp ./pkg/websession \
	./apps/backend/internal/config ./apps/backend/internal/tasks ./apps/backend/internal/calendar ./pkg/testkit/icalcheck ./apps/web/internal/config \
	./apps/chatbot/internal/config ./apps/chatbot/internal/assistant ./pkg/intent ./infra/minikube ./infra/stack ./infra/cmd/up
# Packages with concurrency of their own (in-flight limits, the MCP
# server): make test runs them again under the race detector, and the
# chatbot's streaming (SSE) tests.
RACE_PKGS := ./pkg/httpserver ./apps/backend/internal/mcpserver ./apps/backend/internal/reminders
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

# The unit packages plain, but those with concurrency of their own
# (RACE_PKGS) under the race detector instead: a -race build of the Pulumi
# SDK for the infra's mock tests cost 8 minutes cold and found nothing.
#
# A unit package whose code, files and environment have not changed since
# its last pass is not linked and run again: Go's test cache answers (the
# link of the unit test binaries was most of a warm run, about a minute
# here). CHECK_TESTFLAGS=-count=1 runs every one.
CHECK_TESTFLAGS ?=
check: fmt-check vet staticcheck
	$(GO) test $(CHECK_TESTFLAGS) -skip 'TestImagesBuildAndRun' $(filter-out $(RACE_PKGS),$(UNIT_PKGS))
	$(GO) test -race $(CHECK_TESTFLAGS) $(filter $(RACE_PKGS),$(UNIT_PKGS))

staticcheck:
	$(GO) run $(STATICCHECK) $(MODULES) ./test/cluster/...

setup:
	@bash test/setup.sh

# govulncheck against a local copy of the Go vulnerability database.
vulncheck:
	@bash test/govulncheck/run.sh

# Fuzz tests of the edge parsers: every JSON request decoder, the sign-in
# redirect target, the date rule and due dates. Each runs for a number of
# executions, not a duration: a duration -fuzztime races Go's fuzz coordinator
# at the deadline and fails with "context deadline exceeded" and no crasher
# (go.dev/issue/75804, fixed in Go 1.27; CI hit it on go1.26.10). The counts
# take about 10 s each here. FUZZTIME=30s (or 1000000x) overrides them all.
FUZZTIME ?=
FUZZ_TARGETS := ./apps/backend/internal/rest:FuzzDecoders:6000x ./pkg/websession:FuzzSafeNext:200000x \
	./pkg/dates:FuzzParse:200000x ./apps/backend/internal/tasks:FuzzParseDue:200000x
fuzz:
	@for t in $(FUZZ_TARGETS); do \
	  pkg=$${t%%:*}; rest=$${t#*:}; fn=$${rest%%:*}; n=$${rest##*:}; n=$${FUZZTIME:-$$n}; \
	  echo "fuzz $$fn ($$pkg) for $$n"; \
	  $(GO) test -run '^$$' -fuzz "^$$fn$$" -fuzztime $$n $$pkg || exit 1; \
	done

test: setup deps fmt-check tidy-check vet vulncheck
	$(GO) test -count=1 -timeout 15m $(MODULES)
	$(RACE_TESTS)

# CI's test phase, after make check: the same as make test but for the
# unit packages make check has just run (the image test, which make check
# skips, runs here).
ci-test: setup deps tidy-check vulncheck
	$(GO) test -count=1 -timeout 15m $(INTEGRATION_PKGS)
	$(GO) test -count=1 -timeout 15m -run 'TestImagesBuildAndRun' ./infra/stack
	$(RACE_TESTS)

# Every package of the modules but the unit packages.
INTEGRATION_PKGS = $(shell $(GO) list $(MODULES) | grep -vxF "$$($(GO) list $(UNIT_PKGS))")
define RACE_TESTS
$(GO) test -race -count=1 -timeout 15m $(RACE_PKGS)
	$(GO) test -race -count=1 -timeout 15m -run 'Stream' ./apps/chatbot/internal/chat
endef

# The time-zone matrix of issue 29 (apps/web/internal/zonematrix): 26
# zones, each with its antipode and UTC, tasks made through every door and
# read on every surface, reminders on DST days, a seeded property test
# (ZONES_SEED=<seed> replays one), Chromium on four pairs. The backend,
# the web app and the assistant run as processes on PostgreSQL; about a
# minute warm here. make test runs it too, once, in the web module.
zones:
	$(GO) test -count=1 -timeout 10m -parallel 4 ./apps/web/internal/zonematrix/

# npm ci only when the lock file changed since the last install.
deps:
	@for d in $(NPM_DIRS); do \
	  if [ ! -f $$d/node_modules/.package-lock.json ] || [ $$d/package-lock.json -nt $$d/node_modules/.package-lock.json ]; then \
	    echo "npm ci in $$d"; (cd $$d && npm ci --no-audit --no-fund --loglevel=error) || exit 1; \
	  fi; \
	done

# Each module must build on its own (GOWORK=off), as the Dockerfiles do.
tidy-check:
	@for m in pkg apps/backend apps/web apps/chatbot infra test/cluster; do \
	  (cd $$m && GOWORK=off $(GO) mod tidy -diff >/dev/null) || { echo "go.mod/go.sum of $$m are not tidy: run (cd $$m && GOWORK=off go mod tidy)"; exit 1; }; \
	done

vet:
	$(GO) vet $(MODULES) ./test/cluster/...

fmt-check:
	@out=$$(gofmt -l pkg apps infra test 2>/dev/null); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

build:
	for a in backend web chatbot; do CGO_ENABLED=0 $(GO) build -o bin/$$a ./apps/$$a || exit 1; done

# The built-in assistant's score: every phrase of the phrase table and of
# the hold-out set said to the real engine against the backend's tools in
# memory (seconds); prints accuracy per intent, the confusion and each
# miss. make check enforces 97 % on the table and no wrong destructive
# change; make test scores the real backend too and requires the same
# answer to every phrase (assistanttest).
assistant-score:
	$(GO) test -count=1 -v -run 'TestAssistantScore' ./apps/chatbot/internal/assistant/ | sed -n "/phrase table:/,/^--- /p"

# Micro-benchmarks of the hot paths, then the load test (about 4 minutes).
bench:
	$(GO) test -run '^$$' -bench . -benchtime 2000x ./pkg/auth/ ./apps/backend/internal/tasks/ ./apps/backend/internal/rest/ ./pkg/intent/
	$(GO) run ./pkg/cmd/bench
	$(GO) run ./pkg/cmd/bench -transfer
	$(GO) run ./pkg/cmd/bench -reminders
	$(GO) run ./pkg/cmd/bench -events

# The scale curve: 100 000, 1 000 000 and 10 000 000 tasks (seeded once
# into .bench-scale/, about 15 minutes the first time; then about 5).
bench-scale:
	$(GO) run ./pkg/cmd/bench -scale all

# The browser tests save screenshots in test-output/screenshots; this
# refreshes the ones the README shows.
# The OpenAPI document, its reference page and the client generated from
# it (apps/backend/internal/openapi): rewrite them after changing a route or
# a pkg/api type; make test fails while they are stale.
openapi:
	UPDATE_OPENAPI=1 $(GO) test -count=1 -run 'Current' ./apps/backend/internal/openapi/

screenshots:
	$(GO) test -count=1 -run 'TestScreenshots' ./apps/web/internal/ui/
	$(GO) test -count=1 -run 'TestBrowserChat' ./apps/chatbot/internal/chat/
	mkdir -p docs/screenshots
	cp test-output/screenshots/*.png docs/screenshots/

# The cluster tests (test/cluster) need programs built at pinned versions:
# about 25 minutes the first time on two cores, seconds afterwards.
tools:
	@TODO_TOOLS_DIR=$(TOOLS_DIR) bash test/cluster/tools/build.sh

# The real Pulumi engine and Kubernetes provider against a real
# kube-apiserver, then kube-score and kube-linter on the rendered manifests.
verify: tools
	TODO_TOOLS_DIR=$(TOOLS_DIR) $(GO) test -count=1 -v -timeout 30m ./test/cluster/verify/

# A whole single-node cluster in its own network namespace (needs root and
# a running Docker engine): the images, pulumi up, a browser journey at the
# NodePorts, a rolling update under load, destroy.
e2e: tools
	TODO_TOOLS_DIR=$(TOOLS_DIR) $(GO) test -count=1 -v -timeout 45m -run '^TestClusterEndToEnd$$' ./test/cluster/e2e/

# The production stack on three nodes in two zones (each node a kubelet,
# containerd and kube-proxy in a network namespace of its own, with its
# own cgroup root): spread, a drain under load, a node stopped hard.
e2e-nodes: tools
	TODO_TOOLS_DIR=$(TOOLS_DIR) TODO_E2E_NODES=3 $(GO) test -count=1 -v -timeout 45m -run '^TestThreeNodes$$' ./test/cluster/e2e/

# How make up's images reach minikube's nodes where the Docker engine is
# in a VM of its own (Docker Desktop; rootless Docker and WSL2 alike):
# the engine in its own network namespace, two containerd nodes in theirs.
# The old push through a port-forward on the host's loopback must fail,
# and what `minikube image load` does (docker save, then ctr -n=k8s.io
# images import on each node) must put the images where the kubelet finds
# them. Root; about 10 s. It uses the registry `make tools` builds (CI
# runs it after the tools phase) and fails naming `make tools` without it.
e2e-images:
	TODO_TOOLS_DIR=$(TOOLS_DIR) $(GO) test -count=1 -v -timeout 10m ./test/cluster/imagepath/

clean:
	rm -rf bin .dev/bin test-output
