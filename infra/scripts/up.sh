#!/usr/bin/env bash
# make up: bring todo-app up on minikube with Pulumi, from nothing.
set -euo pipefail
cd "$(dirname "$0")/../.."
STACK=${STACK:-dev}
CPUS=${MINIKUBE_CPUS:-4}
MEMORY=${MINIKUBE_MEMORY:-8192}

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

missing=()
command -v minikube >/dev/null || missing+=("minikube (https://minikube.sigs.k8s.io/docs/start/)")
command -v docker   >/dev/null || missing+=("docker (the Docker CLI, to build the images inside minikube)")
command -v pulumi   >/dev/null || missing+=("pulumi (https://www.pulumi.com/docs/install/)")
command -v go       >/dev/null || missing+=("go 1.26 or newer (https://go.dev/dl/)")
if [ ${#missing[@]} -gt 0 ]; then
  echo "make up needs these programs, which are not on your PATH:" >&2
  for m in "${missing[@]}"; do echo "  - $m" >&2; done
  exit 1
fi

if ! minikube status --format '{{.Host}}' 2>/dev/null | grep -q Running; then
  say "starting minikube ($CPUS CPUs, ${MEMORY} MB)"
  minikube start --cpus="$CPUS" --memory="$MEMORY"
fi
say "enabling metrics-server (the backend's autoscaler needs it)"
minikube addons enable metrics-server >/dev/null

say "pointing Docker at minikube's daemon (images are built where the pods run)"
eval "$(minikube docker-env)"

if ! pulumi whoami >/dev/null 2>&1; then
  say "logging Pulumi into a local state backend (~/.pulumi)"
  pulumi login --local
fi
if [ -z "${PULUMI_CONFIG_PASSPHRASE:-}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
  # The local backend encrypts secrets with a passphrase; keep one beside the project.
  if [ ! -f .pulumi-passphrase ]; then
    head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > .pulumi-passphrase
    chmod 600 .pulumi-passphrase
    say "created .pulumi-passphrase (keep it: it decrypts this stack's secrets)"
  fi
  export PULUMI_CONFIG_PASSPHRASE_FILE="$PWD/.pulumi-passphrase"
fi
pulumi stack select "$STACK" 2>/dev/null || pulumi stack init "$STACK"

if ! pulumi config get authSecret >/dev/null 2>&1; then
  say "generating authSecret"
  pulumi config set --secret authSecret "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
fi
pulumi config set nodeAddress "$(minikube ip)"

say "pulumi up"
pulumi up --yes --skip-preview

echo
echo "  Web app:   $(pulumi stack output webUrl)"
echo "  Assistant: $(pulumi stack output chatbotUrl)"
