#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# run.sh [--no-gates | --proof] [TEST...]: run tests and end with
# "N passed, N failed, N skipped".
#
# With no TEST, every test_* function of tests/*.sh (make check): a
# recorded part (proof/parts) that proof/record proves for exactly its
# inputs now is reported as PROVEN and counted as passed; every other
# test runs.  Such a run exits non-zero unless every test passed or was
# proven: a skip fails it.
# --no-gates: the QEMU tests of the test kernel only (make test).
# --proof [PART...]: make proof: the named recorded parts, or those the
# record does not prove now, run from a clean checkout; each verdict is
# written to proof/record as its part ends, with the commit the run
# started from, unless an input of that part changed meanwhile.
# Named tests always run.  A test is skipped only when it needs the series
# and series/ is empty, or when it says why it cannot run (SKIP_WHY).

. "$(dirname "$0")/../scripts/lib.sh"
. "$TOP/scripts/proof.sh"
set +e
mkdir -p "$LOGS"
. "$TOP/tests/lib.sh"
for f in "$TOP"/tests/[a-z]*.sh; do
	case $f in */lib.sh | */run.sh) ;; *) . "$f" ;; esac
done

# The tests are the test_* functions the test files define, not the
# helpers of the libraries they use.
all_tests() { sed -n 's/^test_\([a-z0-9_]*\)().*/\1/p' "$TOP"/tests/[a-z]*.sh | LC_ALL=C sort; }
mode=check
case ${1:-} in
--no-gates) mode=test; shift ;;
--proof) mode=proof; shift ;;
esac
tests=("$@")
if [ $mode = proof ]; then
	tree_clean || {
		git -C "$TOP" status --short | sed 's/^/  /'
		die "make proof records only what a clean checkout proves: commit or stash the changes above"; }
	[ "${tests[*]:-}" != all ] || tests=()
	if [ ${#tests[@]} = 0 ]; then
		mapfile -t tests < <(recorded_parts | while read -r t; do proven_part "$t" >/dev/null || echo "$t"; done)
		[ ${#tests[@]} -gt 0 ] || { echo "proof/record proves every part for these inputs"; exit 0; }
	fi
	for t in "${tests[@]}"; do is_recorded "$t" || die "$t is not a recorded part (proof/parts)"; done
	proof_head=$(git -C "$TOP" rev-parse HEAD)
elif [ ${#tests[@]} = 0 ]; then
	mapfile -t tests < <(all_tests | { [ $mode = test ] && grep -vE '^(gate|debian)_' || cat; })
else
	mode=named
fi

# The order: the QEMU tests of the test kernel first, TEST_JOBS at a time
# (about one CPU each), then the gates and the base tests one at a time
# (each builds with all CPUs), the operator's flow on a Debian system
# (debian_*, a guest of minutes each) last.
parallel() { [[ $1 != @(gate|debian|base|proof)_* ]]; }
mapfile -t tests < <(
	for t in "${tests[@]}"; do parallel "$t" && echo "$t"; done
	for t in "${tests[@]}"; do ! parallel "$t" && [[ $t != debian_* ]] && echo "$t"; done
	for t in "${tests[@]}"; do [[ $t == debian_* ]] && echo "$t"; done)
in_run() { printf '%s\n' "${tests[@]}" | grep -qx -- "$1"; }

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
# finish_bg TEST: wait for TEST, print its output, take its results.
declare -A bg_pid
finish_bg() {
	local took
	wait "${bg_pid[$1]}"
	cat "$LOGS/$1.bg.out"
	{ read -r LOG; read -r SKIP_WHY; read -r took; } <"$LOGS/$1.bg.vars"
	start=$((SECONDS - took))
	return "$(cat "$LOGS/$1.bg.rc")"
}

# A recorded part's input hash is taken before it runs: what make proof
# records is what the part was run on.
declare -A hash_at_start
if [ $mode = proof ]; then
	for t in "${tests[@]}"; do
		hash_at_start[$t]=$(part_hash "$t") || die "cannot hash the inputs of $t"
	done
fi

jobs=${TEST_JOBS:-$(($(nproc) / 2 > 1 ? $(nproc) / 2 : 1))}
next=0
pass=0 fail=0 skip=0 proven=0
for i in "${!tests[@]}"; do
	t=${tests[$i]}
	# This test and those that follow it, up to $jobs at a time.
	[ $next -gt "$i" ] || next=$i
	while [ $next -lt $((i + jobs)) ] && [ $next -lt ${#tests[@]} ] && parallel "${tests[$next]}"; do
		n=${tests[$next]}
		run_to_files "$n" &
		bg_pid[$n]=$!
		next=$((next + 1))
	done
	start=$SECONDS
	LOG= SKIP_WHY=
	if [ $mode = check ] && is_recorded "$t" && why=$(proven_part "$t"); then
		echo "PROVEN $t $why"
		proven=$((proven + 1))
		continue
	elif [ -n "${bg_pid[$t]:-}" ]; then
		finish_bg "$t"
	else
		"test_$t"
	fi
	rc=$?
	if [ $rc = 0 ]; then
		verdict=PASS
		echo "PASS $t ($((SECONDS - start))s)"
		pass=$((pass + 1))
	elif [ $rc = "$SKIP" ]; then
		verdict=SKIP
		echo "SKIP $t: ${SKIP_WHY:-needs the series, and series/ is empty}"
		skip=$((skip + 1))
	else
		verdict=FAIL
		echo "FAIL $t ($((SECONDS - start))s)${LOG:+, log: $LOG}"
		[ -n "$LOG" ] && [ -f "$LOG" ] && tail -15 "$LOG" | sed 's/^/  | /'
		fail=$((fail + 1))
	fi
	if [ $mode = proof ]; then
		if [ "$(part_hash "$t")" = "${hash_at_start[$t]}" ]; then
			record_part "$t" "$verdict" "${hash_at_start[$t]}" "$((SECONDS - start))" "$proof_head"
			echo "  recorded in proof/record: $t $verdict"
		else
			echo "  not recorded: an input of $t changed while it ran"
			fail=$((fail + 1))
		fi
	fi
done
case $mode in
check) echo "$((pass + proven)) tests passed: $pass ran, $proven proven by proof/record for their inputs (proof/parts)" ;;
proof) echo "proof/record holds these verdicts now: commit it (git add proof/record)" ;;
esac
echo "$((pass + proven)) passed, $fail failed, $skip skipped"
[ $fail = 0 ] && { [ $mode != check ] || [ $skip = 0 ]; }
