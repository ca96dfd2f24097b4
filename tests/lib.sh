# SPDX-License-Identifier: GPL-2.0
# Helpers for the QEMU tests.  Sourced by tests/run.sh.

# The simulated TDX platform (test-patches/): 4 MiB kept reserved in every
# kernel, PAMT in the first half, the Rust sample's memory in the second.
SIM_ADDR=0x40000000
SIM_MEM="memmap=4M\$$SIM_ADDR"

KERNEL=${KERNEL:-$OBJ/test/arch/x86/boot/bzImage}
INITRD=${INITRD:-$BUILD/initramfs-test.cpio.gz}

# Anything matching this in a serial log fails the test, unless the test
# names it as expected.
SPLAT='WARNING:|BUG:|Oops|general protection fault|Kernel panic|possible recursive locking|possible circular locking|inconsistent lock state|suspicious RCU usage|sleeping function called from invalid context|DEBUG_LOCKS_WARN_ON|turning off the locking correctness validator|Call Trace:'

problem() { echo "  FAIL: $*"; return 1; }

# needs_series || return: skip (status $SKIP) when series/ is empty.
SKIP=77
needs_series() { series_applied || return $SKIP; }

new_marker() { echo "m$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"; }

# boot NAME TIMEOUT CMDLINE...: run one scenario, its log in $LOG.
boot() {
	local name=$1 limit=$2; shift 2
	LOG=$LOGS/$name.log
	rm -f "$LOG"
	"$TOP/scripts/qemu-run.sh" "$KERNEL" "$INITRD" "$LOG" "$limit" "$@" ||
		problem "QEMU did not end with a reboot (rc $?)"
}

# expect TEXT: the log has a line containing TEXT.
expect() { grep -qF -- "$1" "$LOG" || problem "not in the log: '$1'"; }

# count TEXT: how many lines of the log contain TEXT.
count() { grep -acF -- "$1" "$LOG"; }

# expect_after FIRST THEN: THEN is on a line after the first FIRST line.
expect_after() {
	awk -v a="$1" -v b="$2" 'index($0, a) && !s { s = 1; next } s && index($0, b) { f = 1 } END { exit !f }' "$LOG" ||
		problem "no '$2' after '$1'"
}

# clean_log [ALLOWED-REGEX]: no splat but the allowed one, no stage
# reported a failure, and every stage that started ended as it should: with
# DONE, or by handing over to the next kernel (kexec -e, crash).
clean_log() {
	local allowed=${1:-^\$} splats s
	splats=$(grep -aE "$SPLAT" "$LOG" | grep -avE "$allowed" || true)
	[ -z "$splats" ] || { problem "kernel splat: $(echo "$splats" | head -3)"; return; }
	! grep -a 'TDXTEST\[[^]]*\]: FAIL' "$LOG" || { problem "a stage failed"; return; }
	for s in $(grep -aoE 'TDXTEST\[[^]]*\]: scenario' "$LOG" | sed 's/: scenario//' | sort -u); do
		grep -qaE "^$(echo "$s" | sed 's/[][]/\\&/g'): (DONE|crashing|kexec -e into)" "$LOG" ||
			{ problem "$s did not finish"; return; }
	done
	grep -qa 'TDXTEST\[' "$LOG" || problem "no stage started"
}
