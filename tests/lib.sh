# SPDX-License-Identifier: GPL-2.0
# Helpers for the QEMU tests.  Sourced by tests/run.sh.

# The emulated TDX module (test-patches/) keeps its state in 64 KiB that
# every kernel of a test keeps out of its RAM (as ACPI data: a '$', for
# reserved, would not survive kdump-tools' eval of the command line).
# tdx_init() leaves TDX off while hibernation is available: every TDX host
# boots with nohibernate.
SIM_ADDR=0x40000000
SIM_MEM="memmap=64K#$SIM_ADDR nohibernate"
SIM_ON="$SIM_MEM tdx_sim=$SIM_ADDR"

# The test kernel as make initramfs left it beside its initramfs: the gates
# build other trees in its objects while QEMU tests run (tests/run.sh).
INITRD=${INITRD:-$BUILD/initramfs-test.cpio.gz}
KERNEL=${KERNEL:-${INITRD%.cpio.gz}.bzImage}

# Anything matching this in a serial log fails the test, unless the test
# names it as expected.
SPLAT='WARNING:|BUG:|Oops|general protection fault|Kernel panic|possible recursive locking|possible circular locking|inconsistent lock state|suspicious RCU usage|sleeping function called from invalid context|DEBUG_LOCKS_WARN_ON|turning off the locking correctness validator|Call Trace:|detected stalls? on CPUs|rcu_.* self-detected stall|blocked for more than [0-9]+ seconds|soft lockup - CPU|Watchdog detected hard LOCKUP'

# What the expected panic of a crash test prints.  Its stack ("Call
# Trace:") is allowed once after each line of the expected splat, nowhere
# else (clean_log).
CRASH_SPLAT='sysrq triggered crash'

problem() { echo "  FAIL: $*"; return 1; }

# needs_series || return: skip (status $SKIP) when series/ is empty.
SKIP=77
needs_series() { series_applied || return $SKIP; }

new_marker() { echo "m$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"; }

# boot NAME TIMEOUT CMDLINE...: run one scenario, its log in $LOG, on
# QEMU_CPU, else on CPU_SPR with the emulated TDX module (tdx_sim=), else
# on CPU_AMD; fail when the emulated module saw a fault or QEMU did not
# end with a reboot.
boot() {
	local name=$1 limit=$2 cpu=$CPU_AMD; shift 2
	case " $* " in *" tdx_sim="*) cpu=$CPU_SPR ;; esac
	LOG=$LOGS/$name.log
	rm -f "$LOG"
	QEMU_CPU=${QEMU_CPU:-$cpu} "$TOP/scripts/qemu-run.sh" "$KERNEL" "$INITRD" "$LOG" "$limit" "$@"
	local rc=$?
	# A fault the emulated module saw fails the test first, whatever it
	# checks after: what the kernel got wrong can take the next kernel
	# down with it (a page converted after it was freed and reused), and
	# the log then fails for a reason that is not the cause.
	! grep -a 'tdx_sim: FAIL:' "$LOG" || { problem "the emulated module saw a fault"; return; }
	[ $rc = 0 ] || problem "QEMU did not end with a reboot (rc $rc)"
}

# expect TEXT: the log has a line containing TEXT.
expect() { grep -qF -- "$1" "$LOG" || problem "not in the log: '$1'"; }

# expect_re REGEX: the log has a line matching the extended REGEX.
expect_re() { grep -qaE -- "$1" "$LOG" || problem "no /$1/ in the log"; }

# count TEXT: how many lines of the log contain TEXT.
count() { grep -acF -- "$1" "$LOG"; }

# expect_after FIRST THEN: THEN is on a line after the first FIRST line.
# expect_after_re FIRST REGEX: the same with an extended regex.
expect_after() { after "$1" "$2" 0 || problem "no '$2' after '$1'"; }
expect_after_re() { after "$1" "$2" 1 || problem "no /$2/ after '$1'"; }
after() {
	awk -v a="$1" -v b="$2" -v re="$3" 'index($0, a) && !s { s = 1; next }
		s && (re ? $0 ~ b : index($0, b)) { f = 1 } END { exit !f }' "$LOG"
}

# all_cpus_up [ONE-CPU-KERNELS]: every kernel brought up all $QEMU_SMP CPUs,
# but the capture kernels (nr_cpus=1) and as many more as named.
all_cpus_up() {
	local all one want
	all=$(grep -acE "smp: Brought up 1 node, $QEMU_SMP CPUs" "$LOG")
	one=$(grep -acE 'smp: Brought up 1 node, 1 CPU\b' "$LOG")
	want=$(($(count 'TDXTEST[capture]: scenario') + ${1:-0}))
	[ "$one" = "$want" ] && [ "$((all + one))" -gt 0 ] &&
		[ "$((all + one))" = "$(grep -ac 'smp: Brought up' "$LOG")" ] ||
		problem "CPUs: $all kernels with $QEMU_SMP, $one with 1 (expected $want)"
}

# no_splat [ALLOWED-REGEX]: no splat in the log but the allowed one, and
# one stack ("Call Trace:") after each line of it.
no_splat() {
	local splats
	splats=$(SPLAT_RE=$SPLAT ALLOWED_RE=${1:-^\$} awk '
		$0 !~ ENVIRON["SPLAT_RE"] { next }
		$0 ~ ENVIRON["ALLOWED_RE"] { armed = 1; next }
		/Call Trace:/ && armed { armed = 0; next }
		{ print }' "$LOG")
	[ -z "$splats" ] || problem "kernel splat: $(echo "$splats" | head -3)"
}

# clean_log [ALLOWED-REGEX [ONE-CPU-KERNELS]]: no splat but the allowed
# one, and one stack ("Call Trace:") after each line of it, every kernel
# brought up every CPU (all_cpus_up), no stage reported a failure, and
# every stage that started ended as it should: with DONE, or by handing
# over to the next kernel (kexec -e, crash).
clean_log() {
	local s
	no_splat "${1:-}" || return
	all_cpus_up "${2:-0}" || return
	! grep -a 'TDXTEST\[[^]]*\]: FAIL' "$LOG" || { problem "a stage failed"; return; }
	for s in $(grep -aoE 'TDXTEST\[[^]]*\]: scenario' "$LOG" | sed 's/: scenario//' | sort -u); do
		grep -qaE "^(\[[ 0-9.]+\] )?$(echo "$s" | sed 's/[][]/\\&/g'): (DONE|crashing|kexec -e into)" "$LOG" ||
			{ problem "$s did not finish"; return; }
	done
	grep -qa 'TDXTEST\[' "$LOG" || problem "no stage started"
}

# The mutants of the series (test-patches/mutants/, docs/proof.md, "Mutants"): used by
# gate_kernel_mutants and debian_mutants.

# mutant_kills MUTANT [-v]: "TEST TEXT" for each "# kills TEST: TEXT" of
# MUTANT's header whose TEST is of the Debian flow, or with -v is not.
mutant_kills() { sed -n 's/^# kills \([a-z0-9_]*\): /\1 /p' "$1" | grep ${2:+"$2"} '^debian_'; }

# mutant_try NAME TEST TEXT: TEST, pointed at the mutant NAME by the
# caller's environment, must fail, its first failure saying TEXT; the
# verdict goes to $LOGS/mutant-NAME/TEST.verdict, for mutant_tally.
mutant_try() {
	local name=$1 t=$2 why=$3 d=$LOGS/mutant-$1 first
	mkdir -p "$d" && rm -f "$d/$t.verdict"
	if LOGS=$d "test_$t" >"$d/$t.out" 2>&1 </dev/null; then
		echo "survived $name: $t" >"$d/$t.verdict"
		return
	fi
	first=$(grep -m1 'FAIL:' "$d/$t.out" | sed 's/^ *FAIL: //')
	if [[ $first == *"$why"* ]]; then
		echo "killed $name: $t fails: $first"
	else
		echo "survived $name: $t (failed, but not with '$why': $first)"
	fi >"$d/$t.verdict"
}

# mutant_tally NAME TEST: mutant_try's verdict, counted in the caller's
# killed, else named in its survived.
mutant_tally() {
	local v
	v=$(cat "$LOGS/mutant-$1/$2.verdict" 2>/dev/null) || v="survived $1: $2 (no verdict)"
	case $v in
	"killed "*) echo "  ${v#killed }"; killed=$((killed + 1)) ;;
	*) survived+=("${v#survived }") ;;
	esac
}

# mutant_run NAME TEST TEXT: mutant_try, then mutant_tally.
mutant_run() { mutant_try "$@"; mutant_tally "$1" "$2"; }

# mutants_verdict: the caller's status after its mutant_run calls.
mutants_verdict() {
	[ ${#survived[@]} = 0 ] || { problem "tests that do not fail as they should with the reason for their check removed: ${survived[*]}"; return 1; }
	[ "$killed" -gt 0 ] || { problem "no mutant ran"; return 1; }
	echo "  $killed tests, each failed on its mutant"
}
