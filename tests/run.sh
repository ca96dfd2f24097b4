#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# run.sh [--no-gates] [TEST...]: run the named tests (all test_* functions
# by default) and end with "N passed, N failed, N skipped".  A test is
# skipped only when it needs the series and series/ is empty, or when it
# says why it cannot run here (SKIP_WHY).  Exits non-zero on any failure.

. "$(dirname "$0")/../scripts/lib.sh"
set +e
mkdir -p "$LOGS"
. "$TOP/tests/lib.sh"
for f in "$TOP"/tests/[a-z]*.sh; do
	case $f in */lib.sh | */run.sh) ;; *) . "$f" ;; esac
done

# --no-gates: every test but the quality gates.
filter=.
[ "${1:-}" = --no-gates ] && { filter='^gate_'; shift; }
tests=("$@")
[ ${#tests[@]} -gt 0 ] ||
	mapfile -t tests < <(declare -F | awk '$3 ~ /^test_/ { sub(/^test_/, "", $3); print $3 }' |
		{ [ "$filter" = . ] && cat || grep -v "$filter"; })

pass=0 fail=0 skip=0
for t in "${tests[@]}"; do
	start=$SECONDS
	LOG= SKIP_WHY=
	"test_$t"
	rc=$?
	if [ $rc = 0 ]; then
		echo "PASS $t ($((SECONDS - start))s)"
		pass=$((pass + 1))
	elif [ $rc = "$SKIP" ]; then
		echo "SKIP $t: ${SKIP_WHY:-needs the series, and series/ is empty}"
		skip=$((skip + 1))
	else
		echo "FAIL $t ($((SECONDS - start))s)${LOG:+, log: $LOG}"
		[ -n "$LOG" ] && [ -f "$LOG" ] && tail -15 "$LOG" | sed 's/^/  | /'
		fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]
