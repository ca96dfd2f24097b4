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

# --no-gates: the QEMU tests of the test kernel: not the quality gates,
# nor the operator's flow on a Debian system (debian_*, minutes a boot).
filter=.
[ "${1:-}" = --no-gates ] && { filter='^(gate|debian)_'; shift; }
tests=("$@")
named=${#tests[@]}
[ ${#tests[@]} -gt 0 ] ||
	mapfile -t tests < <(declare -F | awk '$3 ~ /^test_/ { sub(/^test_/, "", $3); print $3 }' |
		{ [ "$filter" = . ] && cat || grep -vE "$filter"; })

in_run() { printf '%s\n' "${tests[@]}" | grep -qx "$1"; }

# gate_bench builds the benchmark's kernels in the configurations of
# gate_bisect's C-only prefixes: after it, ccache serves their objects.
if in_run gate_bench && in_run gate_bisect; then
	mapfile -t tests < <(printf '%s\n' "${tests[@]}" | grep -vx gate_bench; echo gate_bench)
fi

# The operator's flow on a Debian system (debian_*) comes last: it takes
# about 30 minutes more (its distribution kernel 10 of them with ccache
# warm, 25 to 50 cold, then seven runs of about 2 minutes).  A whole run
# that has already taken DEBIAN_AFTER seconds (55 min) skips it, saying
# so, so as to end within CI's 90 minutes; named, it always runs.
mapfile -t tests < <(printf '%s\n' "${tests[@]}" | grep -v '^debian_'; printf '%s\n' "${tests[@]}" | grep '^debian_')
too_late() {
	[ "$named" = 0 ] && [ "${1#debian_}" != "$1" ] && [ "$SECONDS" -gt "${DEBIAN_AFTER:-3300}" ] || return
	SKIP_WHY="this run has taken $((SECONDS / 60)) min, and the Debian flow would take it past CI's 90 (make test T=$1 runs it)"
}

# gate_fresh_deps spends its minutes on the mirror and in dpkg: it runs
# beside gate_bisect, which only builds (beside a QEMU test it could upset
# the guest's timing), and reports in its own turn.
declare -A beside=([gate_bisect]=gate_fresh_deps) bg_pid bg_start ran

# start_beside TEST: run TEST in the background, its output and results in
# $LOGS/TEST.bg.*.
start_beside() {
	bg_start[$1]=$(date +%s)
	( LOG= SKIP_WHY=
	  "test_$1" >"$LOGS/$1.bg.out" 2>&1 </dev/null
	  echo $? >"$LOGS/$1.bg.rc"
	  printf '%s\n' "$LOG" "$SKIP_WHY" "$(date +%s)" >"$LOGS/$1.bg.vars" ) &
	bg_pid[$1]=$!
}

# finish_beside TEST: wait for TEST, print its output, take its results.
finish_beside() {
	local end
	wait "${bg_pid[$1]}"
	cat "$LOGS/$1.bg.out"
	{ read -r LOG; read -r SKIP_WHY; read -r end; } <"$LOGS/$1.bg.vars"
	start=$((SECONDS - end + bg_start[$1]))
	return "$(cat "$LOGS/$1.bg.rc")"
}

pass=0 fail=0 skip=0
for t in "${tests[@]}"; do
	b=${beside[$t]:-}
	[ -n "$b" ] && [ -z "${ran[$b]:-}" ] && in_run "$b" && start_beside "$b"
	start=$SECONDS
	LOG= SKIP_WHY=
	if [ -n "${bg_pid[$t]:-}" ]; then
		finish_beside "$t"
	elif too_late "$t"; then
		(exit "$SKIP")
	else
		"test_$t"
	fi
	rc=$?
	ran[$t]=1
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
