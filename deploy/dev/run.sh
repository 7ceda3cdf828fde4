#!/usr/bin/env bash
# deploy/dev/run.sh — Nyttig on this machine with demo data: starts (or reuses)
# PostgreSQL, MinIO and Mailpit, builds the server, migrates, seeds the demo
# data and serves on http://localhost:8080; the mail it sends lands in Mailpit
# (web UI on http://127.0.0.1:8025). Called by `make run`.
#
# Ctrl-C stops the server and the services that this run started; services
# that were already up (say from `make services-up`) are left running.
# Running it again is safe: services are reused, migrate and seed are idempotent.
#
# NYTTIG_ADDR (default :8080) is where the server listens.
set -euo pipefail

REPO=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd -P)
cd "$REPO"
SERVICES=$REPO/deploy/dev/services.sh
BIN=$REPO/.data/bin/nyttig

log() { printf 'run: %s\n' "$*" >&2; }
die() { printf 'run: ERROR: %s\n' "$*" >&2; exit 1; }

export NYTTIG_ADDR=${NYTTIG_ADDR:-:8080}
port=${NYTTIG_ADDR##*:}
[[ $port =~ ^[0-9]+$ ]] || die "NYTTIG_ADDR=$NYTTIG_ADDR has no port"
# shellcheck disable=SC2016 # $0 is expanded by the inner bash
if timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0"' "$port" 2>/dev/null; then
	die "something already listens on port $port (another 'make run'?); stop it or set NYTTIG_ADDR"
fi

NYTTIG_SERVICES_STARTED="" server_pid="" interrupted=0
# shellcheck disable=SC2317 # invoked by the traps
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
		local i
		# On Ctrl-C the server may have had the SIGINT itself: give it a moment.
		if ((interrupted)); then
			for ((i = 0; i < 15; i++)); do
				kill -0 "$server_pid" 2>/dev/null || break
				sleep 0.2
			done
		fi
		if kill -0 "$server_pid" 2>/dev/null; then
			log "stopping Nyttig (pid $server_pid)"
			kill -TERM "$server_pid" 2>/dev/null || true
			for ((i = 0; i < 100; i++)); do # 20 s
				kill -0 "$server_pid" 2>/dev/null || break
				sleep 0.2
			done
			kill -KILL "$server_pid" 2>/dev/null || true
		fi
		wait "$server_pid" 2>/dev/null || true
	fi
	if [[ -n $NYTTIG_SERVICES_STARTED ]]; then
		# shellcheck disable=SC2086 # a list of service names
		"$SERVICES" down $NYTTIG_SERVICES_STARTED || true
	else
		log "services were already running before; leaving them up ('make services-down' stops them)"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'interrupted=1; exit 130' INT
trap 'exit 143' TERM

env_lines=$("$SERVICES" up) || die "could not start the services (see above)"
eval "$env_lines"
if [[ $port != 8080 ]]; then
	export NYTTIG_BASE_URL=http://localhost:$port
fi

log "building $BIN"
mkdir -p "$(dirname "$BIN")"
go build -o "$BIN" ./cmd/nyttig

log "migrating the database"
"$BIN" migrate
log "seeding demo data"
"$BIN" seed --demo

echo "Nyttig is serving at http://localhost:$port   (Ctrl-C stops it)"
echo "Mail sent by Nyttig: $NYTTIG_MAILPIT_URL   (Mailpit; SMTP $NYTTIG_SMTP_ADDR)"
# In the background plus `wait`, so that Ctrl-C or a TERM reaches our trap at
# once and the trap stops the server and the services.
"$BIN" serve &
server_pid=$!
rc=0
wait "$server_pid" || rc=$?
server_pid=""
exit "$rc"
