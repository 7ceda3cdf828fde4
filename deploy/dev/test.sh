#!/usr/bin/env bash
# deploy/dev/test.sh — run the whole test suite against real PostgreSQL and
# MinIO (started by services.sh, and stopped again afterwards if it started
# them). Called by `make test`.
#
#   deploy/dev/test.sh                               # go vet + go test ./...
#   deploy/dev/test.sh -run TestFoo ./workflow/...   # extra go test flags/packages
#   TESTFLAGS='-run TestFoo ./workflow/...' deploy/dev/test.sh
#
# Arguments (or $TESTFLAGS when there are none) go to `go test` after the
# defaults -count=1 -p 2 -timeout 14m, so they can override them. Packages
# among them (words that are not flags or flag values) replace ./...
#
# After a full run (no packages named) every fuzz target runs for 20 s
# (deploy/dev/fuzz.sh; FUZZTIME changes it, NYTTIG_FUZZ=0 skips it).
#
# Also makes sure of the test tools: Debian's chromium, poppler-utils,
# postgresql-client and pgbench (apt-get, when root on Debian) and axe-core
# (npm, into the cache), exported as NYTTIG_CHROME and NYTTIG_AXE_JS; and the
# MinIO binary, as NYTTIG_MINIO_BIN.
set -euo pipefail

REPO=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd -P)
cd "$REPO"
SERVICES=$REPO/deploy/dev/services.sh
if [[ -n ${NYTTIG_CACHE:-} ]]; then CACHE=$NYTTIG_CACHE
elif [[ -n ${XDG_CACHE_HOME:-} ]]; then CACHE=$XDG_CACHE_HOME/nyttig
elif [[ -n ${HOME:-} ]]; then CACHE=$HOME/.cache/nyttig
else CACHE=$REPO/.data/cache
fi
AXE_VERSION=4.10.3
AXE_DIR=$CACHE/node
AXE_JS=$AXE_DIR/node_modules/axe-core/axe.min.js

log() { printf 'test: %s\n' "$*" >&2; }
die() { printf 'test: ERROR: %s\n' "$*" >&2; exit 1; }

# --- arguments ---------------------------------------------------------------
if (($# == 0)) && [[ -n ${TESTFLAGS:-} ]]; then
	read -r -a _args <<<"$TESTFLAGS"
	set -- "${_args[@]}"
fi
flags=() pkgs=() binargs=()
while (($#)); do
	case $1 in
	-args | --args) binargs=("$@"); break ;;
	-*=*) flags+=("$1") ;;
	# go test's boolean flags; every other flag takes the next word as its value
	-v | -race | -short | -failfast | -json | -cover | -x | -n | -a | -benchmem | \
		-fullpath | -msan | -asan | -trimpath | -work | -linkshared | \
		--v | --race | --short | --failfast | --json | --cover) flags+=("$1") ;;
	-*)
		flags+=("$1")
		if (($# > 1)); then flags+=("$2"); shift; fi
		;;
	*) pkgs+=("$1") ;;
	esac
	shift
done
((${#pkgs[@]})) || pkgs=(./...)

# --- services ----------------------------------------------------------------
NYTTIG_SERVICES_STARTED=""
# shellcheck disable=SC2317 # invoked by the traps
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	if [[ -n $NYTTIG_SERVICES_STARTED ]]; then
		# shellcheck disable=SC2086 # a list of service names
		"$SERVICES" down $NYTTIG_SERVICES_STARTED || true
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

env_lines=$("$SERVICES" up) || die "could not start the services (see above)"
eval "$env_lines"

# --- test tools --------------------------------------------------------------
find_chrome() {
	local c
	if [[ -n ${NYTTIG_CHROME:-} && -x ${NYTTIG_CHROME} ]]; then printf '%s\n' "$NYTTIG_CHROME"; return 0; fi
	for c in chromium chromium-browser google-chrome google-chrome-stable; do
		command -v "$c" 2>/dev/null && return 0
	done
	return 1
}

axe_ok() {
	[[ -f $AXE_JS ]] &&
		grep -q "\"version\": *\"$AXE_VERSION\"" "$AXE_DIR/node_modules/axe-core/package.json" 2>/dev/null
}

missing=()
find_chrome >/dev/null || missing+=(chromium fonts-liberation)
command -v pdftotext >/dev/null && command -v pdfinfo >/dev/null || missing+=(poppler-utils)
# The backup and restore test runs deploy/backup.sh and restore.sh.
command -v pg_dump >/dev/null && command -v pg_restore >/dev/null && command -v psql >/dev/null || missing+=(postgresql-client)
# nyttig bench's smoke test measures its references with pgbench.
pgbench --version >/dev/null 2>&1 || missing+=(postgresql)
axe_ok || command -v npm >/dev/null || missing+=(npm)
if ((${#missing[@]})); then
	if [[ $(id -u) -eq 0 && -f /etc/debian_version ]] && command -v apt-get >/dev/null; then
		log "installing Debian packages: ${missing[*]}"
		apt-get update >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2
	else
		die "missing test tools. Install them: sudo apt-get install ${missing[*]}"
	fi
fi
NYTTIG_CHROME=$(find_chrome) || die "chromium still not found"
if ! axe_ok; then
	log "installing axe-core $AXE_VERSION into $AXE_DIR (npm)"
	mkdir -p "$AXE_DIR"
	npm install --prefix "$AXE_DIR" --no-audit --no-fund --loglevel=error \
		"axe-core@$AXE_VERSION" >&2
	axe_ok || die "axe-core $AXE_VERSION did not install into $AXE_DIR"
fi
export NYTTIG_CHROME NYTTIG_AXE_JS=$AXE_JS
# The object-storage outage test stops and starts a MinIO of its own, from
# the binary services.sh installs.
export NYTTIG_MINIO_BIN=${NYTTIG_MINIO_BIN:-$CACHE/bin/minio}

# --- vet and test ------------------------------------------------------------
log "go vet ${pkgs[*]}"
go vet "${pkgs[@]}"

log "go test -count=1 -p 2 -timeout 14m ${flags[*]} ${pkgs[*]} ${binargs[*]}"
rc=0
go test -count=1 -p 2 -timeout 14m "${flags[@]}" "${pkgs[@]}" "${binargs[@]}" || rc=$?
((rc == 0)) || exit "$rc"

# --- fuzz ----------------------------------------------------------------------
# Every fuzz target for FUZZTIME (20 s) from its checked-in seeds, when the
# whole suite was asked for; NYTTIG_FUZZ=0 leaves them out.
if [[ ${pkgs[*]} == ./... && ${NYTTIG_FUZZ:-1} != 0 ]]; then
	FUZZTIME=${FUZZTIME:-20s} "$REPO/deploy/dev/fuzz.sh" || rc=$?
fi
exit "$rc"
