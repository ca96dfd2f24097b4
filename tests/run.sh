#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# run.sh [--no-gates] [TEST...]: run the named tests (all test_* functions
# of tests/*.sh by default) and end with "N passed, N failed, N skipped".
# A test is skipped only when it needs the series and series/ is empty,
# when it says why it cannot run here (SKIP_WHY), or when a whole run
# reaches it too late (below).  Exits non-zero on any failure.

. "$(dirname "$0")/../scripts/lib.sh"
set +e
mkdir -p "$LOGS"
. "$TOP/tests/lib.sh"
for f in "$TOP"/tests/[a-z]*.sh; do
	case $f in */lib.sh | */run.sh) ;; *) . "$f" ;; esac
done

# --no-gates: the QEMU tests of the test kernel: not the quality gates,
# nor the operator's flow on a Debian system (debian_*, minutes a boot).
# The tests are the test_* functions the test files define, not the
# helpers of the libraries they use.
filter=.
[ "${1:-}" = --no-gates ] && { filter='^(gate|debian)_'; shift; }
tests=("$@")
named=${#tests[@]}
[ ${#tests[@]} -gt 0 ] ||
	mapfile -t tests < <(sed -n 's/^test_\([a-z0-9_]*\)().*/\1/p' "$TOP"/tests/[a-z]*.sh | LC_ALL=C sort |
		{ [ "$filter" = . ] && cat || grep -vE "$filter"; })

in_run() { printf '%s\n' "${tests[@]}" | grep -qx "$1"; }

# The order of a run.  First the gates that only build or check (and
# base_*), one at a time, while the lane (below) runs the QEMU tests of
# the test kernel beside them one at a time; then the QEMU tests the lane
# did not run, TEST_JOBS (2) at a time; then the gates that boot guests
# of their own (ALONE: gate_bench times its boots, gate_kernel_mutants
# runs its mutants' tests TEST_JOBS at a time), alone; the operator's
# flow on a Debian system (debian_*) last, alone.  A gate of the first
# part that comes to boot guests of its own (gate_bases, for a base
# whose tree is not this run's) stops the lane first (stop_lane).
ALONE="gate_bench gate_kernel_mutants"
alone() { [[ " $ALONE " == *" $1 "* ]]; }
parallel() { [[ $1 != @(gate|debian|base)_* ]]; }
mapfile -t tests < <(
	for t in "${tests[@]}"; do ! parallel "$t" && ! alone "$t" && [[ $t != debian_* ]] && echo "$t"; done
	for t in "${tests[@]}"; do parallel "$t" && echo "$t"; done
	for a in $ALONE; do in_run "$a" && echo "$a"; done
	for t in "${tests[@]}"; do [[ $t == debian_* ]] && echo "$t"; done)

# A whole run ends within CI's 90 minutes.  The long gates come first and
# the QEMU tests of the test kernel beside and after them (each a few
# minutes at most), and the operator's flow on a Debian system last:
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

# run_to_files TEST: run TEST, its output and results in $LOGS/TEST.bg.*.
run_to_files() {
	local start
	start=$(date +%s)
	rm -f "$LOGS/$1".bg.*
	LOG= SKIP_WHY=
	"test_$1" >"$LOGS/$1.bg.out" 2>&1 </dev/null
	echo $? >"$LOGS/$1.bg.rc"
	printf '%s\n' "$LOG" "$SKIP_WHY" "$(($(date +%s) - start))" >"$LOGS/$1.bg.vars"
}

# from_files TEST: print TEST's output, take its results.
from_files() {
	local took
	cat "$LOGS/$1.bg.out"
	{ read -r LOG; read -r SKIP_WHY; read -r took; } <"$LOGS/$1.bg.vars"
	start=$((SECONDS - took))
	return "$(cat "$LOGS/$1.bg.rc")"
}

# start_bg TEST: run TEST in the background; finish_bg TEST: wait for it,
# print its output, take its results.
declare -A bg_pid ran
start_bg() { run_to_files "$1" & bg_pid[$1]=$!; }
finish_bg() { wait "${bg_pid[$1]}"; from_files "$1"; }

# The lane: while the first gates build (their links, Rust crates and
# downloads leave a CPU idle much of the time), the QEMU tests of the test
# kernel run one after another beside them, until those gates are done or
# a test would start too late; the tests report in their turn.  The lane
# keeps its priority and everything after it runs at nice 10, so that a
# guest always gets its CPU (a starved one could stall) and the gates
# take the rest.  The tests boot the test kernel copied beside its
# initramfs, not its objects, in which gates build other trees.  When the
# run ends early (a signal), the lane ends after its current test.
lane_pid=
trap '[ -z "$lane_pid" ] || : >"$LOGS/lane.stop"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
start_lane() {
	local t
	rm -f "$LOGS/lane.stop" "$LOGS/lane.ran"
	( for t; do
		[ -e "$LOGS/lane.stop" ] || too_late "$t" && break
		run_to_files "$t"
		echo "$t" >>"$LOGS/lane.ran"
	  done ) &
	lane_pid=$!
	renice -n 10 -p $$ >/dev/null 2>&1
}
stop_lane() {
	local t
	[ -n "$lane_pid" ] || return 0
	: >"$LOGS/lane.stop"
	wait "$lane_pid"
	lane_pid=
	while read -r t; do ran[$t]=lane; done < <(cat "$LOGS/lane.ran" 2>/dev/null)
}
jobs=${TEST_JOBS:-2}
lane=()
for t in "${tests[@]}"; do parallel "$t" && lane+=("$t"); done
[ "$jobs" -gt 1 ] && [ ${#lane[@]} -gt 0 ] && [ ${#lane[@]} -lt ${#tests[@]} ] &&
	! parallel "${tests[0]}" && start_lane "${lane[@]}"

# gate_fresh_deps spends its minutes on the mirror and in dpkg: it runs
# beside gate_bisect, which only builds, and reports in its own turn.
declare -A beside=([gate_bisect]=gate_fresh_deps)

# After the lane, a QEMU test of the test kernel keeps about one CPU busy:
# TEST_JOBS of them (2) run at once, each with its own log, and report in
# their turn.  The gates and the Debian flow run alone.
next=0
pass=0 fail=0 skip=0
for i in "${!tests[@]}"; do
	t=${tests[$i]}
	parallel "$t" && stop_lane
	b=${beside[$t]:-}
	[ -n "$b" ] && [ -z "${ran[$b]:-}" ] && in_run "$b" && { start_bg "$b"; ran[$b]=bg; }
	# This test and those that follow it, up to $jobs at a time.
	[ $next -gt "$i" ] || next=$i
	while [ $next -lt $((i + jobs)) ] && [ $next -lt ${#tests[@]} ] && parallel "${tests[$next]}"; do
		n=${tests[$next]}
		[ -n "${ran[$n]:-}" ] || too_late "$n" || { start_bg "$n"; ran[$n]=bg; }
		next=$((next + 1))
	done
	start=$SECONDS
	LOG= SKIP_WHY=
	if [ "${ran[$t]:-}" = lane ]; then
		from_files "$t"
	elif [ -n "${bg_pid[$t]:-}" ]; then
		finish_bg "$t"
	elif too_late "$t"; then
		(exit "$SKIP")
	else
		"test_$t"
	fi
	rc=$?
	ran[$t]=done
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
stop_lane
echo "$pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]
