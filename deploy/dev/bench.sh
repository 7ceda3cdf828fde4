#!/usr/bin/env bash
# deploy/dev/bench.sh — `nyttig bench` against the dev services: starts (or
# reuses) PostgreSQL and MinIO as `make test` does, builds the binary and
# runs every scenario, writing the table to stdout and the JSON to
# bench.json (or the file given with --out). Called by `make bench`.
#
#   deploy/dev/bench.sh                       # the full run (several minutes)
#   deploy/dev/bench.sh --quick               # the smoke test (under two minutes)
#   deploy/dev/bench.sh --only reads,search   # some scenarios
set -euo pipefail

REPO=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd -P)
cd "$REPO"
if ! command -v pgbench >/dev/null; then
	if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-contrib >&2
	else
		echo "bench: pgbench is needed (Debian: apt-get install postgresql-contrib)" >&2
		exit 1
	fi
fi
env_lines=$(deploy/dev/services.sh up)
eval "$env_lines"
trap 'deploy/dev/services.sh down $NYTTIG_SERVICES_STARTED' EXIT
mkdir -p .data/bin
go build -o .data/bin/nyttig ./cmd/nyttig
args=("$@")
[[ " ${args[*]} " == *" --out "* ]] || args+=(--out bench.json)
.data/bin/nyttig bench "${args[@]}"
