# SPDX-License-Identifier: GPL-2.0
# The simulated TDX erratum platform (test-patches/): the PAMT and the
# memory of the Rust sample in-kernel TDX user, both filled with a pattern
# in the first kernel, must read zero in the kernel that kexec or kdump
# starts.

# sim_test NAME SCENARIO SIM-OPTIONS VERDICT EXTRA-CMDLINE
sim_test() {
	local name=$1 scenario=$2 opts=$3 verdict=$4 extra=${5:-} m next
	needs_series || return
	m=$(new_marker)
	case $scenario in
	kexec_*) next="kexec_core: Starting new kernel" ;;
	kdump_*) next="TDXTEST[1]: crashing" ;;
	esac
	boot "$name" 180 "$SIM_MEM tdx_sim=$SIM_ADDR$opts tdxsample=load $extra tdxtest=$scenario tdxmarker=$m" &&
	expect "tdx_sim: TDX host platform$([ -z "$opts" ] && echo " with erratum")," &&
	expect "rust_tdx_reset: manages 2097152 bytes at 0x40200000" &&
	expect_after "$next" "tdx_sim: verdict: pamt $verdict" &&
	expect_after "$next" "tdx_sim: verdict: user $verdict" &&
	if [ "$verdict" = zeroed ]; then
		expect "rust_tdx_reset: reset 2097152 bytes at 0x40200000"
	else
		! grep -qa "rust_tdx_reset: reset" "$LOG" || problem "the sample reset its memory"
	fi &&
	clean_log 'sysrq triggered crash'
}

test_sim_kexec_load() { sim_test sim_kexec_load kexec_load "" zeroed; }
test_sim_kexec_file() { sim_test sim_kexec_file kexec_file "" zeroed; }
test_sim_kdump_load() { sim_test sim_kdump_load kdump_load "" zeroed crashkernel=384M; }
test_sim_kdump_file() { sim_test sim_kdump_file kdump_file "" zeroed crashkernel=384M; }

# Without the erratum nothing is reset: the pattern survives the kexec.
# This is also the negative control of the verdict itself.
test_sim_noerratum() { sim_test sim_noerratum kexec_load ",noerratum" "NOT zeroed"; }

# The sample loaded and unloaded again: its handler must not run, so its
# memory keeps the pattern while the PAMT is reset.
test_sim_sample_unloaded() {
	local m
	needs_series || return
	m=$(new_marker)
	boot sim_sample_unloaded 120 "$SIM_MEM tdx_sim=$SIM_ADDR tdxsample=unload tdxtest=kexec_load tdxmarker=$m" &&
	expect_after "rust_tdx_reset: manages" "rust_tdx_reset: unregistered" &&
	expect_after "kexec_core: Starting new kernel" "tdx_sim: verdict: pamt zeroed" &&
	expect_after "kexec_core: Starting new kernel" "tdx_sim: verdict: user NOT zeroed" &&
	! grep -qa "rust_tdx_reset: reset" "$LOG" || problem "the handler of the unloaded sample ran"
	clean_log
}

# Kexec jump (preserve_context): the first kernel jumps to a second one
# confined to the crash kernel region and back.  Nothing is reset on the
# way (the sample's handler does not run, the first kernel's memory keeps
# the pattern when it resumes); a normal kexec from the resumed kernel
# then resets both.
test_sim_kexec_jump() {
	local m resumed="TDXTEST[1]: resumed after kexec jump"
	needs_series || return
	m=$(new_marker)
	boot sim_kexec_jump 240 "$SIM_MEM tdx_sim=$SIM_ADDR tdxsample=load crashkernel=384M nr_cpus=1 tdxtest=kexec_jump tdxmarker=$m" &&
	expect_after "TDXTEST[2]: second kernel has marker $m" "$resumed" &&
	expect_after "$resumed" "tdx_sim: verdict: pamt NOT zeroed" &&
	expect_after "$resumed" "tdx_sim: verdict: user NOT zeroed" &&
	expect_after "TDXTEST[1]: kexec -e into stage 3" "rust_tdx_reset: reset 2097152 bytes at 0x40200000" &&
	{ [ "$(count "rust_tdx_reset: reset")" = 1 ] || problem "the sample's handler ran more than once"; } &&
	expect_after "kexec_core: Starting new kernel" "tdx_sim: verdict: pamt zeroed" &&
	expect_after "kexec_core: Starting new kernel" "tdx_sim: verdict: user zeroed" &&
	expect "TDXTEST[3]: third kernel has marker $m" &&
	clean_log
}
