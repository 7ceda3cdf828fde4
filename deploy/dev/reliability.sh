#!/usr/bin/env bash
# deploy/dev/reliability.sh — the reliability suite (internal/reliability)
# in its full mode: ten kill -9 crashes under load, a PostgreSQL restart
# and an object-storage outage under load, and races, each followed by
# `nyttig check`. Called by `make reliability`; see docs/reliability.md.
#
#   deploy/dev/reliability.sh                      # the whole suite, full mode
#   deploy/dev/reliability.sh -run TestCrash       # one part of it
#   NYTTIG_RELIABILITY_SEED=42 deploy/dev/reliability.sh -run TestCrash
#                                                  # the same kill moments again
#
# The services come up as for `make test` (deploy/dev/test.sh, which this
# calls); the suite starts a PostgreSQL and a MinIO of its own to stop, and
# never stops the shared ones. The summary (operations run, faults
# injected, bad inputs tried, violations found) is printed at the end.
# NYTTIG_BADINPUT_SUMMARY may name a file holding the number of bad inputs
# the bad-input run tried, for the summary.
set -euo pipefail

REPO=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd -P)
export NYTTIG_RELIABILITY=${NYTTIG_RELIABILITY:-full}
exec "$REPO/deploy/dev/test.sh" -timeout 40m -v "$@" ./internal/reliability/
