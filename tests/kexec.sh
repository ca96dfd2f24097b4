# SPDX-License-Identifier: GPL-2.0
# kexec and kdump through both system calls, and the Rust doctests.

# kexec_test NAME SCENARIO: a normal kexec, the second kernel must see the
# marker the test chose.  With the series, on a CPU without SME that made
# no SEAMCALL, no CPU flushes its caches (as on the base).
kexec_test() {
	local m
	m=$(new_marker)
	boot "$1" 120 "tdxtest=$2 tdxmarker=$m" &&
	expect_after "kexec_core: Starting new kernel" "TDXTEST[2]: second kernel has marker $m" &&
	{ ! series_applied || stop_flushes stopped 0; } &&
	clean_log
}
test_kexec_load() { kexec_test kexec_load kexec_load; }
test_kexec_file() { kexec_test kexec_file kexec_file; }

# kdump_test NAME SCENARIO: a crash with a capture kernel loaded, the
# vmcore must be ELF, hold the marker written to the log before the crash,
# and makedumpfile must dump it.  No CPU flushes, as in kexec_test.
kdump_test() {
	local m
	m=$(new_marker)
	boot "$1" 180 "crashkernel=384M tdxtest=$2 tdxmarker=$m" &&
	{ ! series_applied || stop_flushes "answered the crash NMI" 0; } &&
	expect "TDXTEST[capture]: vmcore ELF header ok" &&
	expect "TDXTEST[capture]: vmcore dmesg has marker $m" &&
	expect "TDXTEST[capture]: makedumpfile -d 31 wrote" &&
	expect "TDXTEST[capture]: DONE" &&
	clean_log "$CRASH_SPLAT"
}
test_kdump_load() { kdump_test kdump_load kdump_load; }
test_kdump_file() { kdump_test kdump_file kdump_file; }

# The Rust doctests run as KUnit at boot; the base's kunit.py parses them.
test_rust_doctests() {
	local out
	boot rust_doctests 120 "kunit.enable=1 tdxtest=boot" || return 1
	clean_log || return 1
	out=$(python3 "$SRC/tools/testing/kunit/kunit.py" parse "$LOG" 2>&1) ||
		{ echo "$out" | tail -20; problem "kunit.py parse reports failures"; return 1; }
	echo "$out" | grep -qE 'Ran [1-9][0-9]* tests' ||
		{ echo "$out" | tail -5; problem "no KUnit tests ran"; return 1; }
	echo "  $(echo "$out" | grep -E 'Ran [0-9]+ tests')"
	# The doctests the series adds, by name, once it is applied.
	series_applied || return 0
	local t
	for t in $DOCTESTS; do
		grep -qaE "^\[[ 0-9.]+\] +ok [0-9]+ rust_doctest_kernel_$t[[:space:]]*\$" "$LOG" ||
			problem "doctest $t did not pass" || return 1
	done
}
DOCTESTS="page_rs_2 tdx_rs_0 tdx_rs_1 tdx_rs_2"

# Kexec jump round trips to a one-page image that returns at once
# (initramfs/kjump.c), on a bare-metal CPU model with every CPU taken down
# and started again for each: every jump must come back, to the entry
# point the image asked for, with user memory intact and every CPU online
# again.  Fixed by the series: the base resets the machine on the first.
test_kexec_jump_stress() {
	local n=30
	needs_series || return
	boot kexec_jump_stress 600 "no_console_suspend tdxtest=kjump tdxrounds=$n" || return
	[ "$(grep -acE "^kjump: round trip [0-9]+ done, $QEMU_SMP CPUs online" "$LOG")" = $n ] ||
		{ problem "not $n round trips with $QEMU_SMP CPUs online"; return; }
	[ "$(count "smpboot: CPU 1 is now offline")" = $n ] && [ "$(count "CPU1 is up")" = $n ] ||
		{ problem "CPU 1 was not taken down and started again for every jump"; return; }
	clean_log
}
