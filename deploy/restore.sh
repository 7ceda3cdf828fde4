#!/usr/bin/env bash
# deploy/restore.sh DIR — restore a backup made by backup.sh into the
# database at DATABASE_URL and the bucket S3_BUCKET, both of which must be
# empty (a new database and a new bucket), then run `nyttig check` on them.
#
# Reads the same environment as backup.sh; needs pg_restore and psql (of the
# server's major version or newer) and the nyttig binary (NYTTIG_BIN).
# Stop every Nyttig server that uses the target first; start them after.
# docs/operations.md describes the procedure; internal/cli/backup_test.go runs it.
set -euo pipefail

die() { printf 'restore: ERROR: %s\n' "$*" >&2; exit 1; }
log() { printf 'restore: %s\n' "$*" >&2; }

(($# == 1)) || die "usage: restore.sh DIR"
dir=$1
[[ -f $dir/nyttig.dump && -f $dir/bucket/manifest.jsonl ]] ||
	die "$dir is not a finished backup (nyttig.dump and bucket/manifest.jsonl)"
[[ -n ${DATABASE_URL:-} ]] || die "DATABASE_URL is not set"
nyttig=${NYTTIG_BIN:-nyttig}
command -v "$nyttig" >/dev/null || die "$nyttig not found (set NYTTIG_BIN)"
command -v pg_restore >/dev/null || die "pg_restore not found (apt-get install postgresql-client)"

# shellcheck source=deploy/libpq-url.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/libpq-url.sh"
url=$(libpq_url "$DATABASE_URL")

tables=$(psql -X -At -v ON_ERROR_STOP=1 -d "$url" \
	-c "select count(*) from pg_tables where schemaname not in ('pg_catalog', 'information_schema')")
((tables == 0)) || die "the target database has $tables tables; restore into a new, empty database"

log "restoring the database"
pg_restore --exit-on-error --single-transaction --no-owner --no-privileges --dbname="$url" "$dir/nyttig.dump"
log "importing the bucket"
"$nyttig" bucket import "$dir/bucket" >&2
log "checking the restored database and bucket"
"$nyttig" check
log "done"
