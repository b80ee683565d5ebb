#!/usr/bin/env bash
# make up / make urls / make tunnel: the decisions live in infra/cmd/up
# (tested with recorded minikube and kubectl outputs in infra/minikube).
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v go >/dev/null || { echo "make up: install Go 1.26 or newer first (https://go.dev/dl/)" >&2; exit 1; }
go build -o .dev/bin/up ./infra/cmd/up
exec .dev/bin/up "$@"
