# SPDX-License-Identifier: GPL-2.0
# Repetition, odd orders and bad input, on the emulated TDX module of an
# erratum platform with the Rust sample loaded, so they need the series.

# Five kexecs in a row, every kernel checking the reset memory, then kdump
# from the last one, with a module that has TDH.SYS.DISABLE.  The sample's
# page is made private in the first kernel only, checked by the second.
test_chain_kexec_kdump() {
	local m n=5 k
	needs_series || return
	m=$(new_marker)
	boot chain 600 "$SIM_ON,sysdisable tdxsample=load crashkernel=384M tdxtest=chain tdxchain=$((n + 1)) tdxmarker=$m" || return 1
	for k in $(seq 2 $((n + 1))); do
		expect "TDXTEST[$k]: scenario chain stage $k" || return 1
	done
	[ "$(count "tdx_sim: verdict: pamt: 0 of")" = $((n + 1)) ] &&
	[ "$(count "tdx_sim: verdict: user: 0 of")" = 1 ] ||
		{ problem "not $((n + 1)) kernels found no private line left"; return 1; }
	[ "$(count "lines still private, first at")" = 0 ] || { problem "private lines left"; return 1; }
	# A module with TDH.SYS.DISABLE: every kernel initialises TDX and
	# disables the module before the next one, the crash included (on the
	# console; "] " leaves out the capture kernel's copy from the dump).
	[ "$(count "tdx_sim: TDX enabled on $QEMU_SMP CPUs")" = $((n + 1)) ] &&
	[ "$(count "] virt/tdx: kexec: TDX module disabled, its memory cleared")" = $((n + 1)) ] ||
		{ problem "not $((n + 1)) kernels enabled TDX and disabled the module"; return 1; }
	expect "TDXTEST[capture]: vmcore dmesg has marker $m" &&
	expect "TDXTEST[capture]: DONE" &&
	clean_log "$CRASH_SPLAT"
}

# kdump from a kernel that was itself started by kexec, both with TDX.
test_kexec_then_kdump() {
	local m
	needs_series || return
	m=$(new_marker)
	boot kexec_kdump 240 "$SIM_ON,sysdisable tdxsample=load crashkernel=384M tdxtest=kexec_kdump tdxmarker=$m" &&
	{ [ "$(count "tdx_sim: TDX enabled on $QEMU_SMP CPUs")" = 2 ] &&
	  [ "$(count "] virt/tdx: kexec: TDX module disabled, its memory cleared")" = 2 ] ||
		problem "not both kernels enabled TDX and disabled the module"; } &&
	sim_clean_after "kexec_core: Starting new kernel" pamt user &&
	sim_clean_after "TDXTEST[2]: crashing" pamt &&
	expect "TDXTEST[capture]: vmcore dmesg has marker $m" &&
	expect "TDXTEST[capture]: DONE" &&
	clean_log "$CRASH_SPLAT"
}

# kexec -p, kexec -p -u, crash: no capture kernel starts, the panic reboots.
test_kdump_unloaded() {
	needs_series || return
	boot kdump_unloaded 120 "$SIM_ON tdxsample=load crashkernel=384M tdxtest=kdump_unloaded" &&
	expect "TDXTEST[1]: crashing with no crash kernel" &&
	expect "Kernel panic - not syncing: sysrq triggered crash" || return 1
	! grep -qa "TDXTEST\[capture\]" "$LOG" || { problem "a capture kernel ran"; return 1; }
	clean_log "$CRASH_SPLAT|Kernel panic|Rebooting in|---\[ end Kernel panic"
}

# kexec -l, kexec -u, then a normal kexec.
test_kexec_unload() {
	local m
	needs_series || return
	m=$(new_marker)
	boot kexec_unload 120 "$SIM_ON tdxsample=load tdxtest=kexec_unload tdxmarker=$m" &&
	expect "TDXTEST[1]: refused: kexec -e after kexec -u" &&
	expect_after "kexec_core: Starting new kernel" "TDXTEST[2]: second kernel has marker $m" &&
	clean_log
}

# Bad input through both system calls: each refused with nothing loaded,
# then the same boot performs a good kexec.
test_bad_input() {
	local m what
	needs_series || return
	m=$(new_marker)
	boot bad_input 120 "$SIM_ON tdxsample=load tdxtest=bad_input tdxmarker=$m" || return 1
	for what in "non-kernel file" "truncated bzImage" "missing initrd" "oversized command line"; do
		expect "TDXTEST[1]: refused: -c $what" && expect "TDXTEST[1]: refused: -s $what" || return 1
	done
	expect "TDXTEST[1]: refused: kexec -e with nothing loaded" &&
	expect_after "kexec_core: Starting new kernel" "TDXTEST[2]: second kernel has marker $m" &&
	sim_clean_after "kexec_core: Starting new kernel" user &&
	clean_log
}

# A memory reset handler that fails and returns NOTIFY_STOP, registered
# before the sample's: the failure and the ignored NOTIFY_STOP are logged
# once, the sample's pages are still converted and the PAMT is reset.  Before that, two threads register and unregister a handler
# 1000 times each, with lockdep on, and leave the chain as it was.
test_notifier_edge_cases() {
	local m
	needs_series || return
	m=$(new_marker)
	boot notifier 300 "$SIM_ON,failuser,stress tdxsample=load tdxtest=kexec_load tdxmarker=$m" &&
	expect "tdx_sim: stress: 2 x 1000 register/unregister cycles, chain intact" || return 1
	# Logged once by the first kernel; the second kernel does not kexec.
	[ "$(count "tdx_sim: test user failed to reset its memory")" = 1 ] ||
		{ problem "the failure was not logged exactly once"; return 1; }
	[ "$(count "memory reset callback tdx_sim_failing_reset returned 0x8001, ignored")" = 1 ] ||
		{ problem "the NOTIFY_STOP of the failing user was not reported exactly once"; return 1; }
	sim_clean_after "kexec_core: Starting new kernel" pamt user &&
	clean_log
}
