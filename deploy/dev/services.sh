#!/usr/bin/env bash
# deploy/dev/services.sh — the backing services Nyttig needs on a developer's
# machine and in CI: PostgreSQL, MinIO (S3) and Mailpit (SMTP).
#
#   services.sh up           start (or reuse) PostgreSQL, MinIO and Mailpit,
#                            then print the `export` lines:
#                              eval "$(deploy/dev/services.sh up)"
#   services.sh down [pg|minio|mailpit]...
#                            stop what this script started (default: all of it);
#                            a system PostgreSQL is never stopped
#   services.sh env          print the `export` lines only
#   services.sh status       say what runs where (on stdout)
#   services.sh minio-stop   stop only MinIO, keeping its data (tests simulate an outage)
#   services.sh minio-start  start MinIO again
#   services.sh clean        down, then remove .data/ (and a relocated cluster)
#
# Progress goes to stderr; stdout carries nothing but the `export` lines.
# `up` adds one line to them, NYTTIG_SERVICES_STARTED="pg minio mailpit" (what
# this very call started), so a caller can stop exactly that:
#   services.sh down $NYTTIG_SERVICES_STARTED
#
# PostgreSQL, first match wins:
#   1. $DATABASE_URL if set, as is (nothing started, nothing created);
#   2. a server on 127.0.0.1:5432 that lets user postgres in without a password
#      -> database "nyttig" on it, created if missing;
#   3. a private cluster in .data/pg on 127.0.0.1:5433, made with the system's
#      initdb/pg_ctl (apt-get installs postgresql when we are root on Debian).
# MinIO: 127.0.0.1:9100 (console :9101), data in .data/minio, binary built
# once into the cache with `go install` (pinned version, ~3 minutes).
# Mailpit: SMTP on 127.0.0.1:1025 (no TLS, any or no AUTH), web UI and HTTP API
# on http://127.0.0.1:8025, mail kept in .data/mailpit; built the same way
# (pinned version, about a minute).
#
# Knobs: NYTTIG_FORCE_PRIVATE_PG=1 (skip step 2), NYTTIG_PG_PORT_PROBE (port of
# step 2, default 5432), NYTTIG_PRIVATE_PG_PORT (default 5433), NYTTIG_CACHE.
set -euo pipefail

SCRIPT=$(readlink -f "${BASH_SOURCE[0]}")
REPO=$(cd "$(dirname "$SCRIPT")/../.." && pwd -P)
DATA=$REPO/.data
RUN=$DATA/run
LOGDIR=$DATA/log
if [[ -n ${NYTTIG_CACHE:-} ]]; then CACHE=$NYTTIG_CACHE
elif [[ -n ${XDG_CACHE_HOME:-} ]]; then CACHE=$XDG_CACHE_HOME/nyttig
elif [[ -n ${HOME:-} ]]; then CACHE=$HOME/.cache/nyttig
else CACHE=$DATA/cache
fi

PG_PROBE_PORT=${NYTTIG_PG_PORT_PROBE:-5432}
PG_PRIVATE_PORT=${NYTTIG_PRIVATE_PG_PORT:-5433}
DB_NAME=nyttig

MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
MINIO_BIN=$CACHE/bin/minio
MINIO_HOST=127.0.0.1
MINIO_PORT=9100
MINIO_CONSOLE_PORT=9101
MINIO_USER=nyttig
MINIO_PASSWORD=nyttig-dev-secret
S3_BUCKET_NAME=nyttig

MAILPIT_VERSION=v1.27.11
MAILPIT_BIN=$CACHE/bin/mailpit
MAILPIT_HOST=127.0.0.1
MAILPIT_SMTP_PORT=1025
MAILPIT_HTTP_PORT=8025
MAILPIT_MAX_MESSAGES=100000
MAIL_FROM=nyttig@localhost

AXE_JS=$CACHE/node/node_modules/axe-core/axe.min.js

log() { printf 'services: %s\n' "$*" >&2; }
die() { printf 'services: ERROR: %s\n' "$*" >&2; exit 1; }

is_root() { [[ $(id -u) -eq 0 ]]; }
can_apt() { is_root && [[ -f /etc/debian_version ]] && command -v apt-get >/dev/null; }

# apt_install PKG... — only called when can_apt.
apt_install() {
	log "installing Debian packages: $* (apt-get)"
	apt-get update >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >&2
}

# port_open PORT — something accepts TCP connections on 127.0.0.1:PORT.
port_open() {
	# shellcheck disable=SC2016 # $0 is expanded by the inner bash
	timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0"' "$1" 2>/dev/null
}

# Serialise the commands that change state, so that two callers cannot start
# the same thing twice. Daemons are started with fd 9 closed so that they do
# not keep holding the lock.
take_lock() {
	mkdir -p "$RUN" "$LOGDIR"
	exec 9>"$RUN/lock"
	if ! flock -n 9; then
		log "waiting for another services.sh to finish…"
		flock -w 900 9 || die "another services.sh holds $RUN/lock for too long"
	fi
}

# --------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------

pg_url() { printf 'postgres://postgres@127.0.0.1:%s/%s?sslmode=disable' "$1" "$2"; }

# find_pg_bin [MAJOR] — the directory holding initdb, pg_ctl and postgres:
# the newest /usr/lib/postgresql/*/bin (or exactly MAJOR's), else $PATH.
find_pg_bin() {
	local want=${1:-} d
	while IFS= read -r d; do
		[[ -n $want && $d != "/usr/lib/postgresql/$want/bin" ]] && continue
		if [[ -x $d/initdb && -x $d/pg_ctl && -x $d/postgres ]]; then
			printf '%s\n' "$d"
			return 0
		fi
	done < <(compgen -G '/usr/lib/postgresql/*/bin' | sort -rV)
	if d=$(command -v pg_ctl 2>/dev/null); then
		d=$(dirname "$(readlink -f "$d")")
		if [[ -x $d/initdb && -x $d/postgres ]]; then
			if [[ -z $want ]] || [[ $("$d/postgres" --version) == *" $want".* ]]; then
				printf '%s\n' "$d"
				return 0
			fi
		fi
	fi
	return 1
}

# psql_bin — a psql client (the private cluster's own, else $PATH's).
psql_bin() {
	local d
	if d=$(find_pg_bin) && [[ -x $d/psql ]]; then printf '%s\n' "$d/psql"; return 0; fi
	command -v psql 2>/dev/null
}

# system_pg_ok — a server on the probe port lets postgres in without a password.
system_pg_ok() {
	[[ ${NYTTIG_FORCE_PRIVATE_PG:-0} != 1 ]] || return 1
	port_open "$PG_PROBE_PORT" || return 1
	local psql
	psql=$(psql_bin) || return 1
	PGCONNECT_TIMEOUT=5 "$psql" -X -q -At -w \
		"$(pg_url "$PG_PROBE_PORT" postgres)" -c 'select 1' >/dev/null 2>&1
}

# ensure_database URL_OF_POSTGRES_DB — create database nyttig when missing.
ensure_database() {
	local admin=$1 psql
	psql=$(psql_bin) || die "psql not found (sudo apt-get install postgresql-client)"
	if [[ $(PGCONNECT_TIMEOUT=5 "$psql" -X -At -w "$admin" \
		-c "select 1 from pg_database where datname = '$DB_NAME'") != 1 ]]; then
		log "creating database $DB_NAME"
		PGCONNECT_TIMEOUT=5 "$psql" -X -q -w "$admin" -c "create database $DB_NAME" >&2
	fi
}

# Where the private cluster lives. Normally .data/pg; when we are root, the
# cluster runs as user postgres, and if postgres cannot reach .data (say the
# checkout is under /root) it moves to /var/tmp/nyttig-pg-<hash>, noted in
# .data/run/pgroot so that every later call agrees.
PGDATA_DIR="" PGLOG_FILE=""
pg_locate() {
	if [[ -f $RUN/pgroot ]]; then
		local root
		root=$(<"$RUN/pgroot")
		PGDATA_DIR=$root/data PGLOG_FILE=$root/postgres.log
	else
		PGDATA_DIR=$DATA/pg PGLOG_FILE=$LOGDIR/postgres.log
	fi
}

# pg_as_owner CMD... — run a PostgreSQL tool as the cluster's owner.
pg_as_owner() {
	if is_root; then
		(cd / && exec runuser -u postgres -- "$@") 9>&-
	else
		"$@" 9>&-
	fi
}

pg_private_running() {
	pg_locate
	[[ -f $PGDATA_DIR/PG_VERSION ]] || return 1
	local bin
	bin=$(find_pg_bin "$(<"$PGDATA_DIR/PG_VERSION")") || return 1
	pg_as_owner "$bin/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1
}

# pg_prepare_dirs — as root: make sure user postgres exists and owns the data
# directory and the log file, relocating them if postgres cannot reach them.
pg_prepare_dirs() {
	pg_locate
	mkdir -p "$PGDATA_DIR" "$(dirname "$PGLOG_FILE")"
	touch "$PGLOG_FILE"
	is_root || { chmod 700 "$PGDATA_DIR"; return 0; }
	if ! id -u postgres >/dev/null 2>&1; then
		log "creating system user postgres"
		useradd --system --user-group --home-dir /var/lib/postgresql \
			--shell /usr/sbin/nologin postgres
	fi
	chown postgres: "$PGDATA_DIR" "$PGLOG_FILE"
	chmod 700 "$PGDATA_DIR"
	if runuser -u postgres -- test -w "$PGDATA_DIR" -a -w "$PGLOG_FILE"; then
		return 0
	fi
	local root
	root=/var/tmp/nyttig-pg-$(printf '%s' "$REPO" | cksum | cut -d' ' -f1)
	log "user postgres cannot reach $DATA; keeping the cluster in $root instead"
	rmdir "$PGDATA_DIR" 2>/dev/null || true
	rm -f "$PGLOG_FILE"
	mkdir -p "$root/data"
	touch "$root/postgres.log"
	chown -R postgres: "$root"
	chmod 700 "$root/data"
	printf '%s\n' "$root" >"$RUN/pgroot"
	ln -sfn "$root/postgres.log" "$LOGDIR/postgres.log"
	pg_locate
}

# pg_private_up — start the private cluster; sets STARTED_NOW=1.
pg_private_up() {
	local bin port=$PG_PRIVATE_PORT
	pg_locate
	if [[ -f $PGDATA_DIR/PG_VERSION ]]; then
		local major
		major=$(<"$PGDATA_DIR/PG_VERSION")
		bin=$(find_pg_bin "$major") ||
			die "$PGDATA_DIR was made by PostgreSQL $major, whose binaries are gone: install postgresql-$major or run 'make clean'"
	elif ! bin=$(find_pg_bin); then
		if can_apt; then
			log "PostgreSQL server binaries not found"
			apt_install postgresql
			bin=$(find_pg_bin) || die "initdb/pg_ctl still not found after installing postgresql"
		else
			die "no PostgreSQL at 127.0.0.1:$PG_PROBE_PORT and no initdb/pg_ctl to start one. Install it: sudo apt-get install postgresql   (or set DATABASE_URL)"
		fi
	fi
	pg_prepare_dirs

	if [[ ! -f $PGDATA_DIR/PG_VERSION ]]; then
		log "creating a private PostgreSQL cluster in $PGDATA_DIR ($bin)"
		local initlog=$LOGDIR/initdb.log
		if ! pg_as_owner "$bin/initdb" -D "$PGDATA_DIR" --auth=trust -U postgres \
			--encoding=UTF8 --locale=C.UTF-8 --no-sync >"$initlog" 2>&1; then
			log "initdb with locale C.UTF-8 failed; trying locale C"
			if ! pg_as_owner "$bin/initdb" -D "$PGDATA_DIR" --auth=trust -U postgres \
				--encoding=UTF8 --locale=C --no-sync >>"$initlog" 2>&1; then
				tail -n 20 "$initlog" >&2
				die "initdb failed (log: $initlog)"
			fi
		fi
		# A throw-away development cluster: speed over crash safety.
		cat >>"$PGDATA_DIR/postgresql.conf" <<-'EOF'

			# --- added by deploy/dev/services.sh (development only) ---
			listen_addresses = '127.0.0.1'
			max_connections = 200
			fsync = off
			synchronous_commit = off
			full_page_writes = off
		EOF
	fi

	port_open "$port" &&
		die "port $port is taken by something else; set NYTTIG_PRIVATE_PG_PORT to a free port"

	# The unix socket lives in the data directory (not /var/run/postgresql);
	# if that path is unusable for a socket, run on TCP only.
	local sockdir=$PGDATA_DIR
	if ((${#sockdir} > 90)) || [[ $sockdir == *[[:space:]\'\"\\\$\`]* ]]; then sockdir="''"; fi

	log "starting private PostgreSQL on 127.0.0.1:$port (log: $PGLOG_FILE)"
	if ! pg_as_owner setsid "$bin/pg_ctl" -D "$PGDATA_DIR" -l "$PGLOG_FILE" -w -t 60 \
		-o "-p $port -c listen_addresses=127.0.0.1 -k $sockdir" start >&2; then
		tail -n 20 "$PGLOG_FILE" >&2 || true
		die "PostgreSQL did not start"
	fi
	printf 'port=%s\nbin=%s\n' "$port" "$bin" >"$RUN/pg.started"
	STARTED_NOW=1
}

pg_private_down() {
	[[ -f $RUN/pg.started ]] || return 0
	pg_locate
	local bin
	bin=$(sed -n 's/^bin=//p' "$RUN/pg.started")
	if [[ -f $PGDATA_DIR/PG_VERSION ]] && [[ -x $bin/pg_ctl ]] &&
		pg_as_owner "$bin/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1; then
		log "stopping private PostgreSQL ($PGDATA_DIR)"
		pg_as_owner "$bin/pg_ctl" -D "$PGDATA_DIR" -m fast -w -t 60 stop >&2
	fi
	rm -f "$RUN/pg.started"
}

# database_url — the URL that `up` uses (or used), without starting anything.
database_url() {
	if [[ -n ${DATABASE_URL:-} ]]; then
		printf '%s' "$DATABASE_URL"
	elif [[ -f $RUN/pg.started ]]; then
		pg_url "$(sed -n 's/^port=//p' "$RUN/pg.started")" "$DB_NAME"
	elif system_pg_ok; then
		pg_url "$PG_PROBE_PORT" "$DB_NAME"
	else
		pg_url "$PG_PRIVATE_PORT" "$DB_NAME"
	fi
}

# pg_up — make PostgreSQL available; sets STARTED_NOW=1 if it started it.
pg_up() {
	if [[ -n ${DATABASE_URL:-} ]]; then
		log "PostgreSQL: using DATABASE_URL as given"
		return 0
	fi
	local port
	if pg_private_running; then
		# Ours from an earlier `up` (or left running): keep using it.
		port=$(sed -n 4p "$PGDATA_DIR/postmaster.pid")
		if [[ ! -f $RUN/pg.started ]]; then
			printf 'port=%s\nbin=%s\n' "$port" \
				"$(find_pg_bin "$(<"$PGDATA_DIR/PG_VERSION")")" >"$RUN/pg.started"
		fi
		log "PostgreSQL: private cluster already running (127.0.0.1:$port, $PGDATA_DIR)"
	elif system_pg_ok; then
		log "PostgreSQL: using the server on 127.0.0.1:$PG_PROBE_PORT"
		ensure_database "$(pg_url "$PG_PROBE_PORT" postgres)"
		return 0
	else
		pg_private_up
		port=$(sed -n 's/^port=//p' "$RUN/pg.started")
	fi
	ensure_database "$(pg_url "$port" postgres)"
}

# --------------------------------------------------------------------------
# MinIO
# --------------------------------------------------------------------------

minio_healthy() {
	curl -fsS -m 2 -o /dev/null "http://$MINIO_HOST:$MINIO_PORT/minio/health/live" 2>/dev/null
}

# started_pid NAME — the pid in $RUN/NAME.pid, if that process still runs
# and is NAME (a pid file can outlive its process, and the pid be reused).
started_pid() {
	local pid
	[[ -f $RUN/$1.pid ]] || return 1
	pid=$(<"$RUN/$1.pid")
	[[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null &&
		tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$1" || return 1
	printf '%s\n' "$pid"
}

# await_healthy LABEL NAME PID CHECK WHAT — wait up to 30 s for CHECK to
# pass; die with the log's tail if the process exits or it never passes.
await_healthy() {
	local label=$1 name=$2 pid=$3 check=$4 what=$5 i
	for ((i = 0; i < 150; i++)); do # 30 s
		if "$check"; then
			log "$label is up (pid $pid)"
			return 0
		fi
		if ! kill -0 "$pid" 2>/dev/null; then
			rm -f "$RUN/$name.pid"
			tail -n 20 "$LOGDIR/$name.log" >&2 || true
			die "$label exited during start-up (log: $LOGDIR/$name.log)"
		fi
		sleep 0.2
	done
	tail -n 20 "$LOGDIR/$name.log" >&2 || true
	die "$label did not answer on $what within 30 s"
}

# stop_started LABEL NAME [-v] — stop the process this script started as
# NAME: TERM, then KILL after 15 s. -v says so when none runs.
stop_started() {
	local label=$1 name=$2 pid i
	if ! pid=$(started_pid "$name"); then
		if [[ -f $RUN/$name.pid ]]; then
			log "$label had already stopped"
			rm -f "$RUN/$name.pid"
		elif [[ ${3:-} == -v ]]; then
			log "$label is not running"
		fi
		return 1
	fi
	log "stopping $label (pid $pid)"
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 75; i++)); do # 15 s
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done
	if kill -0 "$pid" 2>/dev/null; then
		log "$label did not stop; killing it"
		kill -KILL "$pid" 2>/dev/null || true
		sleep 0.5
	fi
	rm -f "$RUN/$name.pid"
}

# go_install NAME MODULE VERSION BIN MINUTES — build a pinned Go program
# once into the cache: BIN is left alone when it is there; someone else's
# build of it (another checkout, a provisioning step) is waited for rather
# than run twice; a lock keeps two of ours apart.
go_install() {
	local name=$1 module=$2 version=$3 bin=$4 minutes=$5 tool
	tool=$(basename "$bin")
	[[ -x $bin ]] && return 0
	mkdir -p "$CACHE/bin"
	local waited=0
	while pgrep -f "go install $module@" >/dev/null 2>&1; do
		((waited == 0)) && log "another 'go install' of $name is running; waiting for it…"
		((waited >= 1200)) && break
		sleep 5
		waited=$((waited + 5))
	done
	[[ -x $bin ]] && return 0
	command -v go >/dev/null || die "Go is needed to build $name (https://go.dev/dl/)"
	exec 8>"$CACHE/$tool-install.lock"
	flock -w 1200 8 || die "could not lock $CACHE/$tool-install.lock"
	if [[ ! -x $bin ]]; then
		log "installing $name $version into $CACHE/bin (first time only; takes about $minutes)…"
		local tmp
		tmp=$(mktemp -d "$CACHE/bin/.install.XXXXXX")
		if ! (cd / && GOBIN=$tmp GOFLAGS='' GOWORK=off \
			go install "$module@$version" 8>&- 9>&-) >&2; then
			rm -rf "$tmp"
			die "go install of $name failed"
		fi
		mv -f "$tmp/$tool" "$bin"
		rm -rf "$tmp"
		log "$name installed: $bin"
	fi
	exec 8>&-
}

install_minio() { go_install MinIO github.com/minio/minio "$MINIO_VERSION" "$MINIO_BIN" "3 minutes"; }

# minio_up — make MinIO available; sets STARTED_NOW=1 if it started it.
minio_up() {
	local pid
	if minio_healthy; then
		if pid=$(started_pid minio); then
			log "MinIO already running (pid $pid, http://$MINIO_HOST:$MINIO_PORT)"
		else
			log "MinIO: reusing the server that answers on $MINIO_HOST:$MINIO_PORT (not started by this script; it must accept $MINIO_USER/$MINIO_PASSWORD)"
		fi
		return 0
	fi
	if ! pid=$(started_pid minio); then
		port_open "$MINIO_PORT" &&
			die "port $MINIO_PORT is taken by something that is not a healthy MinIO"
		install_minio
		mkdir -p "$DATA/minio" "$LOGDIR"
		log "starting MinIO on $MINIO_HOST:$MINIO_PORT (console :$MINIO_CONSOLE_PORT, log: $LOGDIR/minio.log)"
		MINIO_ROOT_USER=$MINIO_USER MINIO_ROOT_PASSWORD=$MINIO_PASSWORD \
			MINIO_UPDATE=off \
			setsid "$MINIO_BIN" server --address "$MINIO_HOST:$MINIO_PORT" \
			--console-address "$MINIO_HOST:$MINIO_CONSOLE_PORT" "$DATA/minio" \
			</dev/null >>"$LOGDIR/minio.log" 2>&1 8>&- 9>&- &
		pid=$!
		printf '%s\n' "$pid" >"$RUN/minio.pid"
		STARTED_NOW=1
	fi
	await_healthy MinIO minio "$pid" minio_healthy "http://$MINIO_HOST:$MINIO_PORT/minio/health/live"
}

minio_down() {
	local i
	stop_started MinIO minio "$@" || return 0
	# The port must be free again before a test goes on to expect an outage.
	for ((i = 0; i < 50; i++)); do
		port_open "$MINIO_PORT" || return 0
		sleep 0.2
	done
	log "warning: something still answers on $MINIO_HOST:$MINIO_PORT"
}

# --------------------------------------------------------------------------
# Mailpit
# --------------------------------------------------------------------------

# mailpit_healthy — the HTTP API is ready (database included) and SMTP accepts.
mailpit_healthy() {
	curl -fsS -m 2 -o /dev/null "http://$MAILPIT_HOST:$MAILPIT_HTTP_PORT/readyz" 2>/dev/null &&
		port_open "$MAILPIT_SMTP_PORT"
}


install_mailpit() { go_install Mailpit github.com/axllent/mailpit "$MAILPIT_VERSION" "$MAILPIT_BIN" "a minute"; }

# mailpit_up — make Mailpit available; sets STARTED_NOW=1 if it started it.
mailpit_up() {
	local pid
	if mailpit_healthy; then
		if pid=$(started_pid mailpit); then
			log "Mailpit already running (pid $pid, http://$MAILPIT_HOST:$MAILPIT_HTTP_PORT)"
		else
			log "Mailpit: reusing the server that answers on $MAILPIT_HOST:$MAILPIT_HTTP_PORT (SMTP :$MAILPIT_SMTP_PORT; not started by this script)"
		fi
		return 0
	fi
	if ! pid=$(started_pid mailpit); then
		port_open "$MAILPIT_SMTP_PORT" &&
			die "port $MAILPIT_SMTP_PORT is taken by something that is not a healthy Mailpit"
		port_open "$MAILPIT_HTTP_PORT" &&
			die "port $MAILPIT_HTTP_PORT is taken by something that is not a healthy Mailpit"
		install_mailpit
		mkdir -p "$DATA/mailpit" "$LOGDIR"
		log "starting Mailpit: SMTP $MAILPIT_HOST:$MAILPIT_SMTP_PORT, web http://$MAILPIT_HOST:$MAILPIT_HTTP_PORT (log: $LOGDIR/mailpit.log)"
		setsid "$MAILPIT_BIN" \
			--smtp "$MAILPIT_HOST:$MAILPIT_SMTP_PORT" \
			--listen "$MAILPIT_HOST:$MAILPIT_HTTP_PORT" \
			--database "$DATA/mailpit/mailpit.db" \
			--max "$MAILPIT_MAX_MESSAGES" \
			--smtp-auth-accept-any --smtp-auth-allow-insecure \
			--smtp-disable-rdns --disable-version-check \
			</dev/null >>"$LOGDIR/mailpit.log" 2>&1 8>&- 9>&- &
		pid=$!
		printf '%s\n' "$pid" >"$RUN/mailpit.pid"
		STARTED_NOW=1
	fi
	await_healthy Mailpit mailpit "$pid" mailpit_healthy "http://$MAILPIT_HOST:$MAILPIT_HTTP_PORT/readyz and SMTP :$MAILPIT_SMTP_PORT"
}

mailpit_down() {
	stop_started Mailpit mailpit || true
}

# --------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------

# emit NAME VALUE — one `export` line, single-quoted for eval.
emit() { printf "export %s='%s'\n" "$1" "${2//\'/\'\\\'\'}"; }

chrome_path() {
	local c
	if [[ -n ${NYTTIG_CHROME:-} && -x ${NYTTIG_CHROME} ]]; then printf '%s\n' "$NYTTIG_CHROME"; return 0; fi
	for c in chromium chromium-browser google-chrome google-chrome-stable; do
		command -v "$c" 2>/dev/null && return 0
	done
	return 1
}

cmd_env() {
	local url chrome
	url=$(database_url)
	emit DATABASE_URL "$url"
	emit S3_ENDPOINT "$MINIO_HOST:$MINIO_PORT"
	emit S3_ACCESS_KEY "$MINIO_USER"
	emit S3_SECRET_KEY "$MINIO_PASSWORD"
	emit S3_BUCKET "$S3_BUCKET_NAME"
	emit S3_USE_SSL false
	emit NYTTIG_SMTP_ADDR "$MAILPIT_HOST:$MAILPIT_SMTP_PORT"
	emit NYTTIG_MAIL_FROM "$MAIL_FROM"
	emit NYTTIG_MAILPIT_URL "http://$MAILPIT_HOST:$MAILPIT_HTTP_PORT"
	emit NYTTIG_BASE_URL http://localhost:8080
	emit NYTTIG_DEV_SERVICES "$SCRIPT"
	[[ -x $MINIO_BIN ]] && emit NYTTIG_MINIO_BIN "$MINIO_BIN"
	if [[ -n ${NYTTIG_AXE_JS:-} && -f ${NYTTIG_AXE_JS} ]]; then
		emit NYTTIG_AXE_JS "$NYTTIG_AXE_JS"
	elif [[ -f $AXE_JS ]]; then
		emit NYTTIG_AXE_JS "$AXE_JS"
	fi
	if chrome=$(chrome_path); then emit NYTTIG_CHROME "$chrome"; fi
}

STARTED=() STARTED_NOW=0
up_failed() {
	local rc=$?
	((rc == 0)) && return 0
	if ((${#STARTED[@]})); then
		log "start-up failed; stopping what this call started: ${STARTED[*]}"
		cmd_down "${STARTED[@]}" || true
	fi
	exit "$rc"
}

cmd_up() {
	take_lock
	trap up_failed EXIT
	STARTED_NOW=0
	pg_up
	((STARTED_NOW)) && STARTED+=(pg)
	STARTED_NOW=0
	minio_up
	((STARTED_NOW)) && STARTED+=(minio)
	STARTED_NOW=0
	mailpit_up
	((STARTED_NOW)) && STARTED+=(mailpit)
	trap - EXIT
	cmd_env
	emit NYTTIG_SERVICES_STARTED "${STARTED[*]}"
	log "services are up"
}

cmd_down() {
	local what=("$@") w
	((${#what[@]})) || what=(mailpit minio pg)
	for w in "${what[@]}"; do
		case $w in
		mailpit) mailpit_down ;;
		minio) minio_down ;;
		pg) pg_private_down ;;
		*) die "down: unknown service '$w' (pg, minio, mailpit)" ;;
		esac
	done
}

cmd_status() {
	local url pid rc=0
	url=$(database_url)
	if [[ -n ${DATABASE_URL:-} ]]; then
		echo "PostgreSQL: $url (from DATABASE_URL)"
	elif [[ -f $RUN/pg.started ]] && pg_private_running; then
		echo "PostgreSQL: $url — private cluster in $PGDATA_DIR, started by services.sh"
	elif system_pg_ok; then
		echo "PostgreSQL: $url — system server (never stopped by services.sh)"
	else
		echo "PostgreSQL: down (up would start a private cluster on 127.0.0.1:$PG_PRIVATE_PORT)"
		rc=3
	fi
	if pid=$(started_pid minio) && minio_healthy; then
		echo "MinIO:      http://$MINIO_HOST:$MINIO_PORT (console :$MINIO_CONSOLE_PORT) — pid $pid, started by services.sh"
	elif minio_healthy; then
		echo "MinIO:      http://$MINIO_HOST:$MINIO_PORT — running, not started by services.sh"
	else
		echo "MinIO:      down"
		rc=3
	fi
	if pid=$(started_pid mailpit) && mailpit_healthy; then
		echo "Mailpit:    http://$MAILPIT_HOST:$MAILPIT_HTTP_PORT (SMTP $MAILPIT_HOST:$MAILPIT_SMTP_PORT) — pid $pid, started by services.sh"
	elif mailpit_healthy; then
		echo "Mailpit:    http://$MAILPIT_HOST:$MAILPIT_HTTP_PORT (SMTP $MAILPIT_HOST:$MAILPIT_SMTP_PORT) — running, not started by services.sh"
	else
		echo "Mailpit:    down"
		rc=3
	fi
	return "$rc"
}

cmd_clean() {
	take_lock
	cmd_down
	local root=""
	[[ -f $RUN/pgroot ]] && root=$(<"$RUN/pgroot")
	if [[ -n $root && $root == /var/tmp/nyttig-pg-* ]]; then
		log "removing $root"
		rm -rf "$root"
	fi
	log "removing $DATA"
	rm -rf "$DATA"
}

main() {
	local cmd=${1:-}
	(($#)) && shift
	case $cmd in
	up) cmd_up ;;
	down) take_lock; cmd_down "$@" ;;
	env) cmd_env ;;
	status) cmd_status ;;
	minio-stop)
		take_lock
		if ! started_pid minio >/dev/null && minio_healthy; then
			die "the MinIO on $MINIO_HOST:$MINIO_PORT was not started by services.sh; cannot stop it"
		fi
		minio_down -v
		;;
	minio-start)
		take_lock
		minio_up
		;;
	clean) cmd_clean ;;
	*)
		sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$SCRIPT" >&2
		exit 2
		;;
	esac
}

main "$@"
