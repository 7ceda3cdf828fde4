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
# Before the suite, every fuzz target runs for FUZZTIME (20 s unless set;
# NYTTIG_FUZZ=0 skips it), and the number of inputs they tried is the
# summary's "bad inputs tried".
set -euo pipefail

REPO=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd -P)
export NYTTIG_RELIABILITY=${NYTTIG_RELIABILITY:-full}
if [[ ${NYTTIG_FUZZ:-1} != 0 ]]; then
	mkdir -p "$REPO/.data"
	export NYTTIG_BADINPUT_SUMMARY=$REPO/.data/fuzz-inputs
	FUZZTIME=${FUZZTIME:-20s} NYTTIG_FUZZ_EXECS_FILE=$NYTTIG_BADINPUT_SUMMARY "$REPO/deploy/dev/fuzz.sh"
fi
exec "$REPO/deploy/dev/test.sh" -timeout 40m -v "$@" ./internal/reliability/
