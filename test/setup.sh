#!/usr/bin/env bash
# make setup: installs what the tests need on a Debian/Ubuntu machine, only
# what is missing, naming each: PostgreSQL's server (the tests start their
# own), Chromium (browser tests), Node.js/npm (the MCP Inspector and the
# conformance suite), Docker and a static busybox (image tests), and for the
# cluster tests etcd, the CNI plugins, iptables, conntrack, iproute2 and ipset.
# Then it starts dockerd when it is not running. As root it installs; as
# anyone else it prints the one command to run and fails.
set -euo pipefail

need=()
missing() { need+=("$1"); echo "setup: missing $2 (Debian package $1)"; }
command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing postgresql "PostgreSQL's server (initdb, pg_ctl)"
command -v chromium >/dev/null 2>&1 || missing chromium "Chromium for the browser tests"
command -v npm >/dev/null 2>&1 || { missing nodejs "Node.js"; missing npm "npm"; }
command -v dockerd >/dev/null 2>&1 || missing docker.io "the Docker engine for the image tests"
command -v busybox >/dev/null 2>&1 || missing busybox-static "a static busybox for the test base image"
command -v etcd >/dev/null 2>&1 || missing etcd-server "etcd for the cluster tests"
[ -x /usr/lib/cni/bridge ] || missing containernetworking-plugins "the CNI plugins for the cluster tests"
command -v iptables >/dev/null 2>&1 || missing iptables "iptables for kube-proxy"
command -v conntrack >/dev/null 2>&1 || missing conntrack "conntrack for kube-proxy"
command -v ip >/dev/null 2>&1 || missing iproute2 "iproute2 for the e2e network namespace"
{ command -v ipset || [ -x /usr/sbin/ipset ] || [ -x /sbin/ipset ]; } >/dev/null 2>&1 || missing ipset "ipset for the e2e node's NetworkPolicy enforcer"

if [ ${#need[@]} -gt 0 ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "setup: run: sudo apt-get update && sudo apt-get install -y ${need[*]}" >&2
		exit 1
	fi
	echo "setup: installing ${need[*]}"
	apt-get update -qq
	# One at a time: a package that cannot be installed here (npm when the
	# machine's Node.js ships its own) must not stop the others.
	for p in "${need[@]}"; do
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$p" >/dev/null ||
			{ [ "$p" = npm ] && command -v npm >/dev/null 2>&1; } ||
			{ echo "setup: could not install $p: apt-get install -y $p" >&2; exit 1; }
	done
fi

if ! docker info >/dev/null 2>&1; then
	if [ "$(id -u)" != 0 ]; then
		echo "setup: the Docker engine is not running: sudo systemctl start docker (or start dockerd)" >&2
		exit 1
	fi
	echo "setup: starting dockerd"
	(dockerd >/tmp/dockerd.log 2>&1 &)
	for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
	docker info >/dev/null 2>&1 || { echo "setup: dockerd did not start:" >&2; tail -20 /tmp/dockerd.log >&2; exit 1; }
fi
