#!/usr/bin/env bash
# deploy/backup.sh DIR — back Nyttig up into DIR (which must not exist):
#   DIR/nyttig.dump   the database, pg_dump's custom format (pg_restore reads it)
#   DIR/bucket/       every object of the bucket, with manifest.jsonl (`nyttig bucket export`)
#
# Reads the server's own environment: DATABASE_URL, S3_ENDPOINT, S3_ACCESS_KEY,
# S3_SECRET_KEY, S3_BUCKET, S3_USE_SSL. Needs pg_dump (of the server's major
# version or newer) and the nyttig binary (NYTTIG_BIN, default: nyttig on PATH).
# The database goes first: an object written after the dump is only an orphan
# in the backup, while one a dumped row refers to is already stored.
# docs/operations.md describes the procedure; internal/cli/backup_test.go runs it.
set -euo pipefail

die() { printf 'backup: ERROR: %s\n' "$*" >&2; exit 1; }
log() { printf 'backup: %s\n' "$*" >&2; }

(($# == 1)) || die "usage: backup.sh DIR"
dir=$1
[[ -e $dir ]] && die "$dir already exists; back up into a new directory"
[[ -n ${DATABASE_URL:-} ]] || die "DATABASE_URL is not set"
nyttig=${NYTTIG_BIN:-nyttig}
command -v "$nyttig" >/dev/null || die "$nyttig not found (set NYTTIG_BIN)"
command -v pg_dump >/dev/null || die "pg_dump not found (apt-get install postgresql-client)"

# shellcheck source=deploy/libpq-url.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/libpq-url.sh"

mkdir -p "$dir"
log "dumping the database"
pg_dump --format=custom --file="$dir/nyttig.dump" "$(libpq_url "$DATABASE_URL")"
log "exporting the bucket"
"$nyttig" bucket export "$dir/bucket" >&2
printf 'created=%s\nnyttig=%s\npg_dump=%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
	"$("$nyttig" version)" "$(pg_dump --version)" >"$dir/backup.info"
log "done: $dir"
