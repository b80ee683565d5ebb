#!/usr/bin/env bash
# make vulncheck: govulncheck on every module against a local copy of the
# Go vulnerability database. The online database cannot be reached from
# here, but the Go module proxy serves golang.org/x/vulndb (its data/osv
# holds the OSV entries); its own cmd/indexdb builds the database that
# `govulncheck -db file://…` reads. Both are pinned; the database is built
# once per machine into the cache. A fixture module that calls a known
# vulnerable function must be reported, or the database is broken.
set -euo pipefail
cd "$(dirname "$0")/../.."

VULNDB_VERSION=v0.0.0-20261105234957-e22db6528018 # the OSV entries up to 2026-11-05
GOVULNCHECK_VERSION=v1.9.0
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/todo-app/vulncheck"
DB="$CACHE/db-$VULNDB_VERSION"
BIN="$CACHE/bin"

if [ ! -x "$BIN/govulncheck" ] || ! "$BIN/govulncheck" -version 2>/dev/null | grep -q "$GOVULNCHECK_VERSION"; then
	echo "vulncheck: installing govulncheck $GOVULNCHECK_VERSION"
	GOBIN="$BIN" GOWORK=off go install "golang.org/x/vuln/cmd/govulncheck@$GOVULNCHECK_VERSION"
fi
if [ ! -f "$DB/index/db.json" ]; then
	echo "vulncheck: building the vulnerability database from golang.org/x/vulndb@$VULNDB_VERSION"
	src="$(cd /tmp && GOWORK=off GOFLAGS=-mod=mod go mod download -json "golang.org/x/vulndb@$VULNDB_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
	rm -rf "$DB.tmp"
	(cd /tmp && GOWORK=off go run "golang.org/x/vulndb/cmd/indexdb@$VULNDB_VERSION" -vulns "$src/data/osv" -out "$DB.tmp")
	mv "$DB.tmp" "$DB"
fi

status=0
(cd test/govulncheck/fixture && GOWORK=off "$BIN/govulncheck" -db "file://$DB" ./... >"$CACHE/fixture.txt" 2>&1) || status=$?
if [ "$status" != 3 ] || ! grep -q "GO-2021-0113" "$CACHE/fixture.txt"; then
	echo "vulncheck: govulncheck did not report the fixture's known vulnerability (exit $status): the database at $DB is broken; delete it and run again" >&2
	cat "$CACHE/fixture.txt" >&2
	exit 1
fi

for m in pkg apps/backend apps/web apps/chatbot infra test/cluster; do
	echo "vulncheck: $m"
	(cd "$m" && GOWORK=off "$BIN/govulncheck" -db "file://$DB" ./...)
done
