# SPDX-License-Identifier: GPL-2.0
# The simulated TDX erratum platform (test-patches/): the PAMT and the
# memory of a test in-kernel TDX user, both filled with a pattern in the
# first kernel, must read zero in the kernel that kexec or kdump starts.

SIM_ADDR=0x40000000
SIM="memmap=4M\$$SIM_ADDR tdx_sim=$SIM_ADDR"

# sim_test NAME SCENARIO SIM-OPTIONS VERDICT EXTRA-CMDLINE
sim_test() {
	local name=$1 scenario=$2 opts=$3 verdict=$4 extra=${5:-} m next
	m=$(new_marker)
	case $scenario in
	kexec_*) next="kexec_core: Starting new kernel" ;;
	kdump_*) next="TDXTEST[1]: crashing" ;;
	esac
	boot "$name" 180 "$SIM$opts $extra tdxtest=$scenario tdxmarker=$m" &&
	expect "tdx_sim: TDX host platform$([ -z "$opts" ] && echo " with erratum")," &&
	expect_after "$next" "tdx_sim: verdict: pamt $verdict" &&
	expect_after "$next" "tdx_sim: verdict: user $verdict" &&
	clean_log 'sysrq triggered crash'
}

test_sim_kexec_load() { sim_test sim_kexec_load kexec_load "" zeroed; }
test_sim_kexec_file() { sim_test sim_kexec_file kexec_file "" zeroed; }
test_sim_kdump_load() { sim_test sim_kdump_load kdump_load "" zeroed crashkernel=384M; }
test_sim_kdump_file() { sim_test sim_kdump_file kdump_file "" zeroed crashkernel=384M; }

# Without the erratum nothing is reset: the pattern survives the kexec.
# This is also the negative control of the verdict itself.
test_sim_noerratum() { sim_test sim_noerratum kexec_load ",noerratum" "NOT zeroed"; }
