#!/usr/bin/env bash
# deploy/dev/fuzz.sh — run every Go fuzz target for a while, one after
# another. Called by `make fuzz` (FUZZTIME, default 1m each) and by test.sh
# (20 s each, after the tests).
#
#   deploy/dev/fuzz.sh                    # every target, $FUZZTIME each
#   deploy/dev/fuzz.sh Mail Kroner        # only targets whose name matches
#   deploy/dev/fuzz.sh -list              # print the targets and stop
#   FUZZTIME=20s deploy/dev/fuzz.sh
#
# The targets are found, not listed here: every `func FuzzXxx(f *testing.F)`
# in a *_test.go file, so a new one is run as soon as it is written. Each
# runs from its checked-in seeds (f.Add and testdata/fuzz/FuzzXxx/); an
# input that fails is written there by go test, to be fixed and committed.
#
# Environment: NYTTIG_FUZZ_EXECS_FILE (a file to write the number of inputs
# tried to, for the reliability summary), FUZZTIME (1m), FUZZPARALLEL (workers per target, 1 so that a
# shared machine stays usable), FUZZMINIMIZETIME (2s: how long a new input
# is shrunk; Go's default of a minute stalls fuzzing on long inputs).
# Some targets' packages set up a test database: the services are started
# (and stopped again) when DATABASE_URL is not set.
set -euo pipefail

REPO=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd -P)
cd "$REPO"
FUZZTIME=${FUZZTIME:-1m}
FUZZPARALLEL=${FUZZPARALLEL:-1}
FUZZMINIMIZETIME=${FUZZMINIMIZETIME:-2s}

log() { printf 'fuzz: %s\n' "$*" >&2; }
die() { printf 'fuzz: ERROR: %s\n' "$*" >&2; exit 1; }

# targets prints "package-dir target" for every fuzz target.
targets() {
	grep -rEo --include='*_test.go' '^func Fuzz[A-Za-z0-9_]+\(f \*testing\.F\)' . |
		sed -E 's#^\./(.*)/[^/]+_test\.go:func (Fuzz[A-Za-z0-9_]+).*#./\1 \2#' | sort
}

list=0 patterns=()
for a in "$@"; do
	case $a in
	-list | --list) list=1 ;;
	-*) die "unknown option $a" ;;
	*) patterns+=("$a") ;;
	esac
done

chosen=()
while read -r pkg name; do
	if ((${#patterns[@]})); then
		match=0
		for p in "${patterns[@]}"; do [[ $name == *"$p"* ]] && match=1; done
		((match)) || continue
	fi
	chosen+=("$pkg $name")
done < <(targets)
((${#chosen[@]})) || die "no fuzz target matches ${patterns[*]:-}"
if ((list)); then
	printf '%s\n' "${chosen[@]}"
	exit 0
fi

# --- services, for the packages whose TestMain sets up a database -------------
NYTTIG_SERVICES_STARTED=""
# shellcheck disable=SC2317 # invoked by the trap
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	if [[ -n $NYTTIG_SERVICES_STARTED ]]; then
		# shellcheck disable=SC2086 # a list of service names
		deploy/dev/services.sh down $NYTTIG_SERVICES_STARTED || true
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
if [[ -z ${DATABASE_URL:-} ]]; then
	env_lines=$(deploy/dev/services.sh up) || die "could not start the services (see above)"
	eval "$env_lines"
fi

# --- fuzz ------------------------------------------------------------------
logdir=$(mktemp -d "${TMPDIR:-/tmp}/nyttig-fuzz.XXXXXX")
failed=() summary=() total=0
log "${#chosen[@]} targets, $FUZZTIME each; logs in $logdir"
for t in "${chosen[@]}"; do
	pkg=${t% *} name=${t#* }
	corpus=$pkg/testdata/fuzz/$name
	before=$(find "$corpus" -maxdepth 1 -type f -printf '%f\n' 2>/dev/null | sort || true)
	log "$name ($pkg)"
	rc=0
	go test -run "^${name}\$" -fuzz "^${name}\$" -fuzztime "$FUZZTIME" -fuzzminimizetime "$FUZZMINIMIZETIME" \
		-parallel "$FUZZPARALLEL" -timeout 30m "$pkg" >"$logdir/$name.log" 2>&1 || rc=$?
	after=$(find "$corpus" -maxdepth 1 -type f -printf '%f\n' 2>/dev/null | sort || true)
	new=$(comm -13 <(printf '%s\n' "$before") <(printf '%s\n' "$after") | sed '/^$/d')
	# The last progress line: "fuzz: elapsed: 20s, execs: 123456 (6172/sec), ..."
	last=$(grep -E '^fuzz: elapsed: [0-9]+s, execs: [0-9]+ ' "$logdir/$name.log" | tail -1 || true)
	execs=$(sed -E 's/.*execs: ([0-9]+) .*/\1/' <<<"$last")
	secs=$(sed -E 's/^fuzz: elapsed: ([0-9]+)s.*/\1/' <<<"$last")
	rate=-
	[[ -n $execs && -n $secs && $secs -gt 0 ]] && rate=$((execs / secs))
	status=ok
	if ((rc != 0)); then
		if [[ -z $new ]] && grep -q '^    context deadline exceeded$' "$logdir/$name.log" &&
			! grep -qE '^(panic:|    --- FAIL)' "$logdir/$name.log"; then
			# Go's coordinator can report its own -fuzztime deadline as a
			# failure (go.dev/issue/75804, fixed in Go 1.27): no input
			# failed, so nothing to fix.
			status="ok (the fuzztime deadline race of go.dev/issue/75804; no failing input)"
		else
			status=FAILED
			failed+=("$name")
			cat "$logdir/$name.log" >&2
			[[ -n $new ]] && log "failing input: $corpus/$new"
		fi
	fi
	summary+=("$(printf '%-24s %-22s %12s execs %8s/s  %s' "$name" "$pkg" "${execs:--}" "$rate" "$status")")
	[[ -n $execs ]] && total=$((total + execs))
done

log "summary:"
printf '%s\n' "${summary[@]}" >&2
log "$total inputs tried in all"
# The reliability suite's summary reads the count (deploy/dev/reliability.sh).
[[ -n ${NYTTIG_FUZZ_EXECS_FILE:-} ]] && printf '%d\n' "$total" >"$NYTTIG_FUZZ_EXECS_FILE"
if ((${#failed[@]})); then
	die "${#failed[@]} fuzz targets failed: ${failed[*]}"
fi
