#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# run.sh [--no-gates] [TEST...]: run the named tests (all test_* functions
# of tests/*.sh by default) and end with "N passed, N failed, N skipped".  A test is
# skipped only when it needs the series and series/ is empty, when it says
# why it cannot run here (SKIP_WHY), or when a whole run reaches the
# Debian flow too late (below).  Exits non-zero on any failure.

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
# The tests are the test_* functions the test files define, not the
# helpers of the libraries they use.
[ "${1:-}" = --no-gates ] && { filter='^(gate|debian)_'; shift; }
tests=("$@")
named=${#tests[@]}
[ ${#tests[@]} -gt 0 ] ||
	mapfile -t tests < <(sed -n 's/^test_\([a-z0-9_]*\)().*/\1/p' "$TOP"/tests/[a-z]*.sh | LC_ALL=C sort |
		{ [ "$filter" = . ] && cat || grep -vE "$filter"; })

in_run() { printf '%s\n' "${tests[@]}" | grep -qx "$1"; }

# gate_bench's kernel of the series is gate_bisect's last prefix before
# Rust, in its objects, and ccache serves its base kernel: it comes right
# after gate_bisect.
if in_run gate_bench && in_run gate_bisect; then
	mapfile -t tests < <(printf '%s\n' "${tests[@]}" |
		awk '$0 != "gate_bench"; $0 == "gate_bisect" { print "gate_bench" }')
fi

# A whole run ends within CI's 90 minutes.  The long gates (gate_bases,
# gate_bisect, gate_bench, gate_kernel_mutants, gate_matrix) come early,
# the QEMU tests of the test kernel after them (each a few minutes at
# most), and the operator's flow on a Debian system (debian_*) last:
# about 35 minutes more with ccache warm (its images with the first test
# 815 s in CI's run of stop 28, the kernel alone up to 50 min with ccache
# cold; then eight runs of 2 to 7 minutes, with one mutant in
# debian_mutants).  A whole run starts no test after RUN_UNTIL seconds
# (80 min): one started later could, with the longest of those that come
# so late (7 min), end past CI's 90.  It decides once, at its first
# debian_* test, whether it runs the flow: when it has taken no more than
# DEBIAN_AFTER seconds (50 min) so far, and the distribution kernel is
# built 10 minutes before RUN_UNTIL (debian_images).  Each skip says so;
# named, tests always run.  The run's time counts from RUN_T0, set by
# make when it began (the kernel's build comes before this script).
mapfile -t tests < <(printf '%s\n' "${tests[@]}" | grep -v '^debian_'; printf '%s\n' "${tests[@]}" | grep '^debian_')
t0=${RUN_T0:-$(date +%s)}
: "${DEBIAN_AFTER:=3000}" "${RUN_UNTIL:=4800}"
too_late() {
	[ "$named" = 0 ] || return
	local now=$(($(date +%s) - t0))
	if [ "${1#debian_}" != "$1" ] && [ "${flow_at:=$now}" -gt "$DEBIAN_AFTER" ]; then
		SKIP_WHY="the run had taken $((flow_at / 60)) min when the Debian flow came"
	elif [ "$now" -gt "$RUN_UNTIL" ]; then
		SKIP_WHY="the run had taken $((now / 60)) min when this test came"
	else
		return 1
	fi
	SKIP_WHY+=", which would take it past CI's 90 (make test T=$1 runs it)"
}

# start_bg TEST: run TEST in the background, its output and results in
# $LOGS/TEST.bg.*.
declare -A bg_pid bg_start ran
start_bg() {
	bg_start[$1]=$(date +%s)
	( LOG= SKIP_WHY=
	  "test_$1" >"$LOGS/$1.bg.out" 2>&1 </dev/null
	  echo $? >"$LOGS/$1.bg.rc"
	  printf '%s\n' "$LOG" "$SKIP_WHY" "$(date +%s)" >"$LOGS/$1.bg.vars" ) &
	bg_pid[$1]=$!
}

# finish_bg TEST: wait for TEST, print its output, take its results.
finish_bg() {
	local end
	wait "${bg_pid[$1]}"
	cat "$LOGS/$1.bg.out"
	{ read -r LOG; read -r SKIP_WHY; read -r end; } <"$LOGS/$1.bg.vars"
	start=$((SECONDS - end + bg_start[$1]))
	return "$(cat "$LOGS/$1.bg.rc")"
}

# gate_fresh_deps spends its minutes on the mirror and in dpkg: it runs
# beside gate_bisect, which only builds (beside a QEMU test it could upset
# the guest's timing), and reports in its own turn.
declare -A beside=([gate_bisect]=gate_fresh_deps)

# One QEMU test of the test kernel keeps about one CPU busy (make test:
# 14 min of CPU in 12 one at a time on 2 CPUs): TEST_JOBS of them (2) run
# at once, each with its own log, and report in their turn.  The gates
# and the Debian flow run alone.
jobs=${TEST_JOBS:-2}
parallel() { [ "$jobs" -gt 1 ] && [[ $1 != @(gate|debian|base)_* ]]; }
next=0

pass=0 fail=0 skip=0
for i in "${!tests[@]}"; do
	t=${tests[$i]}
	b=${beside[$t]:-}
	[ -n "$b" ] && [ -z "${ran[$b]:-}" ] && in_run "$b" && start_bg "$b"
	# This test and those that follow it, up to $jobs at a time.
	[ $next -gt "$i" ] || next=$i
	while [ $next -lt $((i + jobs)) ] && [ $next -lt ${#tests[@]} ] && parallel "${tests[$next]}"; do
		too_late "${tests[$next]}" || start_bg "${tests[$next]}"
		next=$((next + 1))
	done
	start=$SECONDS
	LOG= SKIP_WHY=
	if [ -n "${bg_pid[$t]:-}" ]; then
		finish_bg "$t"
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
