# SPDX-License-Identifier: GPL-2.0
# The emulated TDX module (test-patches/) on a bare-metal platform with two
# CPUs: the first kernel initialises TDX with the base's own tdx_enable(),
# which has the module make the PAMTs private, and the Rust sample has a
# page of its own made private.  The kernel that kexec or kdump starts
# counts the lines of those ranges that are still private: on an erratum
# platform none may be left.

# sim_enabled: the first kernel initialised TDX on every CPU.
sim_enabled() {
	expect "virt/tdx: module initialized" &&
	expect "tdx_sim: TDX enabled on $QEMU_SMP CPUs"
}

# sim_clean_after LINE KIND...: after LINE, no private line of KIND is left.
sim_clean_after() {
	local line=$1 k; shift
	for k in "$@"; do
		expect_after "$line" "tdx_sim: verdict: $k: 0 of" || return
	done
}

# sim_left_after LINE KIND...: after LINE, private lines of KIND are left.
sim_left_after() {
	local line=$1 k; shift
	for k in "$@"; do
		expect_after_re "$line" "tdx_sim: verdict: $k: [1-9][0-9]* of [0-9]+ lines still private, first at 0x" ||
			return
	done
}

# stop_flushes HOW N: before the jump the other CPU stopped (HOW: "stopped"
# or "answered the crash NMI") having flushed its caches N times, and
# relocate_kernel() was told to flush (N = 1) or not (N = 0).
stop_flushes() {
	grep -qaE "tdx_sim: CPU[0-9]+ $1, flushed $2\b" "$LOG" ||
		{ problem "no CPU $1 with $2 flushes"; return; }
	grep -qaE "tdx_sim: CPU[0-9]+ runs relocate_kernel\(\), flush $2\b" "$LOG" ||
		problem "relocate_kernel() not told flush $2"
}

# A kernel started by kexec finds the module initialised: tdx_enable()
# is not reached, TDH.SYS.INIT fails as on hardware, without a splat.
enable_refused_after() {
	expect_after "$1" "virt/tdx: SEAMCALL (0x0000000000000021) failed: 0xc000050000000000" &&
	expect_after "$1" "tdx_sim: TDX not enabled: tdx_cpu_enable() failed on $QEMU_SMP of $QEMU_SMP CPUs"
}

# sim_test NAME SCENARIO SIM-OPTIONS LEFT FLUSH [EXTRA-CMDLINE]
# LEFT: "none" (erratum: everything reset) or "left" (nothing reset).
sim_test() {
	local name=$1 scenario=$2 opts=$3 left=$4 flush=$5 extra=${6:-} m next how
	needs_series || return
	m=$(new_marker)
	case $scenario in
	kexec_*) next="kexec_core: Starting new kernel" how=stopped ;;
	kdump_*) next="TDXTEST[1]: crashing" how="answered the crash NMI" ;;
	esac
	boot "$name" 180 "$SIM_ON$opts tdxsample=load $extra tdxtest=$scenario tdxmarker=$m" &&
	sim_enabled &&
	expect "rust_tdx_reset: manages 4096 bytes at" &&
	stop_flushes "$how" "$flush" &&
	if [ "$left" = none ]; then
		sim_clean_after "$next" pamt user &&
		expect "rust_tdx_reset: reset 4096 bytes at"
	else
		sim_left_after "$next" pamt user &&
		{ ! grep -qa "rust_tdx_reset: reset" "$LOG" || problem "the sample reset its memory"; }
	fi &&
	case $scenario in
	kexec_*) enable_refused_after "$next" ;;
	esac &&
	clean_log 'sysrq triggered crash'
}

test_sim_kexec_load() { sim_test sim_kexec_load kexec_load "" none 1; }
test_sim_kexec_file() { sim_test sim_kexec_file kexec_file "" none 1; }
test_sim_kdump_load() { sim_test sim_kdump_load kdump_load "" none 1 crashkernel=384M; }
test_sim_kdump_file() { sim_test sim_kdump_file kdump_file "" none 1 crashkernel=384M; }

# Without the erratum nothing is reset: the private lines survive the
# kexec.  This is also the negative control of the verdict itself.
test_sim_noerratum() { sim_test sim_noerratum kexec_load ",noerratum" left 1; }

# A guest CPU model: no CPU flushes (WBINVD would raise #VE or #VC in TDX
# and SEV-ES/SNP guests); the reset itself does not depend on it.
test_sim_guest() { QEMU_CPU=max sim_test sim_guest kexec_load "" none 0; }

# The third TDH.SYS.TDMR.INIT fails: tdx_enable()'s error path must reset
# the PAMTs it had the module make private, so none is left, in this
# kernel and in the next.
test_sim_init_error() {
	local m fail="tdx_sim: failing call 3 of leaf 36 as asked"
	needs_series || return
	m=$(new_marker)
	boot sim_init_error 120 "$SIM_ON,fail=36:3 tdxtest=kexec_load tdxmarker=$m" &&
	expect "$fail" &&
	expect_after "$fail" "virt/tdx: module initialization failed (-5)" &&
	expect_after "$fail" "tdx_sim: TDX not enabled: tdx_enable() returned -5" &&
	sim_clean_after "$fail" pamt &&
	sim_clean_after "kexec_core: Starting new kernel" pamt &&
	clean_log
}

# Calls in the wrong order get the module's error codes and change
# nothing: TDX is enabled afterwards.
test_sim_wrong_order() {
	local w="tdx_sim: wrong order:"
	needs_series || return
	boot sim_wrong_order 120 "$SIM_ON,wrongorder tdxtest=boot" &&
	expect_after "$w TDH.SYS.LP.INIT before TDH.SYS.INIT" \
		"virt/tdx: SEAMCALL (0x0000000000000023) failed: 0xc000050b00000000" &&
	expect_after "$w TDH.SYS.CONFIG before TDH.SYS.INIT" \
		"virt/tdx: SEAMCALL (0x000000000000002d) failed: 0xc000050c00000000" &&
	expect_after "$w TDH.SYS.TDMR.INIT before TDH.SYS.KEY.CONFIG" \
		"virt/tdx: SEAMCALL (0x0000000000000024) failed: 0xc000050500000000" &&
	sim_enabled &&
	clean_log
}

# The sample loaded and unloaded again: its handler must not run; the PAMT
# is reset.
test_sim_sample_unloaded() {
	local m
	needs_series || return
	m=$(new_marker)
	boot sim_sample_unloaded 120 "$SIM_ON tdxsample=unload tdxtest=kexec_load tdxmarker=$m" &&
	expect_after "rust_tdx_reset: manages" "rust_tdx_reset: unregistered" &&
	sim_clean_after "kexec_core: Starting new kernel" pamt &&
	! grep -qa "rust_tdx_reset: reset" "$LOG" || problem "the handler of the unloaded sample ran"
	clean_log
}

# Kexec jump (preserve_context): the first kernel jumps to a second one
# confined to the crash kernel region and back.  Nothing is reset on the
# way (the sample's handler does not run, the first kernel's private lines
# are still private when it resumes); a normal kexec from the resumed
# kernel then resets them.  One CPU: see the README.
test_sim_kexec_jump() {
	local m resumed="TDXTEST[1]: resumed after kexec jump"
	needs_series || return
	m=$(new_marker)
	boot sim_kexec_jump 240 "$SIM_ON tdxsample=load crashkernel=384M nr_cpus=1 tdxtest=kexec_jump tdxmarker=$m" &&
	expect_after "TDXTEST[2]: second kernel has marker $m" "$resumed" &&
	sim_left_after "$resumed" pamt user &&
	expect_after "TDXTEST[1]: kexec -e into stage 3" "rust_tdx_reset: reset 4096 bytes at" &&
	{ [ "$(count "rust_tdx_reset: reset")" = 1 ] || problem "the sample's handler ran more than once"; } &&
	sim_clean_after "kexec_core: Starting new kernel" pamt user &&
	expect "TDXTEST[3]: third kernel has marker $m" &&
	clean_log '^$' 3
}
