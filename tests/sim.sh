# SPDX-License-Identifier: GPL-2.0
# The emulated TDX module (test-patches/) on a bare-metal Intel platform
# with four CPUs in two packages (CPU_SPR, or CPU_GNR without the
# erratum), VMX turned on
# and off per CPU where KVM does: the first kernel initialises TDX with
# the base's own tdx_enable(),
# which has the module make the PAMTs private, and the Rust sample has
# pages of its own made private.  The kernel that kexec or kdump starts
# counts the lines of those ranges that are still private: on an erratum
# platform none may be left; and a capture kernel finds none of the
# sample's pages that were not registered ("shared") touched (a kernel
# started by a normal kexec reuses that memory: there the emulation's
# FAIL on the conversion of such a page is the check).

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

# sim_left_after WHEN LINE KIND...: after LINE, every line of KIND is
# still private (N of N) in the count WHEN: "verdict", the kernel's own,
# or "hand-over", the old kernel's as it hands over to the next (which
# may write over a line before it looks).
sim_left_after() {
	local when=$1 line=$2 k; shift 2
	for k in "$@"; do
		awk -v a="$line" -v k="tdx_sim: $when: $k: " 'index($0, a) && !s { s = 1; next }
			s && (i = index($0, k)) { split(substr($0, i + length(k)), w, " ")
				if (w[1] > 0 && w[1] == w[3] && w[2] == "of") f = 1 }
			END { exit !f }' "$LOG" ||
			{ problem "after '$line' not every line of $k still private ($when)"; return; }
	done
}

# stop_flushes HOW N [CPUS [R]]: before the jump every other CPU, or CPUS
# of them, stopped (HOW: "stopped" or "answered the crash NMI") having
# flushed its caches N times, and relocate_kernel() was told to flush
# (R = 1) or not (R = 0); R is N unless given.  A CPU that made SEAMCALLs flushes; one that did not, on a
# CPU without SME, does not.
stop_flushes() {
	local want=${3:-$((QEMU_SMP - 1))} reloc=${4:-$2} got
	got=$(grep -acE "tdx_sim: CPU[0-9]+ $1, flushed $2\b" "$LOG")
	[ "$got" = "$want" ] && [ "$(grep -acE "tdx_sim: CPU[0-9]+ $1, flushed" "$LOG")" = "$want" ] ||
		{ problem "not $want CPUs $1 with $2 flushes each: $(grep -aE "tdx_sim: CPU[0-9]+ $1, flushed" "$LOG" | sed 's/.*tdx_sim: //' | paste -sd, -)"; return; }
	grep -qaE "tdx_sim: CPU[0-9]+ runs relocate_kernel\(\), flush $reloc\b" "$LOG" ||
		problem "relocate_kernel() not told flush $reloc"
}

# A kernel started by kexec finds the module initialised: tdx_enable()
# is not reached, TDH.SYS.INIT fails as on hardware, without a splat.
enable_refused_after() {
	expect_after "$1" "virt/tdx: SEAMCALL (0x0000000000000021) failed: 0xc000050000000000" &&
	expect_after "$1" "tdx_sim: TDX not enabled: tdx_cpu_enable() failed on $QEMU_SMP of $QEMU_SMP CPUs"
}

# sim_test NAME SCENARIO SIM-OPTIONS OUTCOME FLUSH [EXTRA-CMDLINE]
# OUTCOME, what the kernel did before the jump and what the next one finds:
#   reset     TDH.SYS.DISABLE failed (an older module: the unknown leaf),
#             the kernel converted the memory, nothing private is left
#   disabled  the module (",sysdisable") cleared everything and is
#             uninitialised: the next kernel initialises TDX again
#   left      no erratum: nothing is converted, private lines are left
# The kernel's own check decides the erratum from the CPU model.
# SIM_SAMPLE: what the first kernel does with the sample (default load).
sim_test() {
	local name=$1 scenario=$2 opts=$3 outcome=$4 flush=$5 extra=${6:-} m next how code
	local sample=${SIM_SAMPLE:-load} kinds="pamt user"
	needs_series || return
	m=$(new_marker)
	case $scenario in
	kexec_*) next="kexec_core: Starting new kernel" how=stopped ;;
	kdump_*) next="TDXTEST[1]: crashing" how="answered the crash NMI" kinds="$kinds shared" ;;
	esac
	case $opts in
	*faildisable*) code=0xc000050800000000 ;;	# TDX_SYS_STATE_INCORRECT
	*busy=69:always*) code=0x8000020200000000 ;;	# TDX_SYS_BUSY
	*) code=0xc000010000000000 ;;			# TDX_OPERAND_INVALID, RAX
	esac
	boot "$name" 180 "$SIM_ON$opts tdxsample=$sample $extra tdxtest=$scenario tdxmarker=$m" &&
	case $outcome in
	left) expect_re "tdx_sim: emulated TDX module at .*, TDX platform, no erratum" ;;
	*) expect_re "tdx_sim: emulated TDX module at .*, TDX platform, erratum platform" ;;
	esac &&
	sim_enabled &&
	expect "rust_tdx_reset: registered 4 resident pages" &&
	expect "rust_tdx_reset: 2 workers hosted 16 guests each" &&
	stop_flushes "$how" "$flush" &&
	case $outcome in
	reset)
		expect "virt/tdx: kexec: TDX module not disabled ($code), converting TDX private memory" &&
		sim_clean_after "$next" $kinds ;;
	disabled)
		expect_re "tdx_sim: TDH.SYS.DISABLE: module shut down after ([2-9]|[1-9][0-9]+) calls" &&
		expect "virt/tdx: kexec: TDX module disabled, its memory cleared" &&
		sim_clean_after "$next" $kinds ;;
	left)
		expect "virt/tdx: kexec: TDX module not disabled ($code), no erratum: nothing to convert" &&
		sim_left_after hand-over "$next" pamt user &&
		sim_clean_after "$next" ${kinds#pamt user} ;;
	esac &&
	case $scenario:$outcome in
	kexec_*:disabled)
		expect_after "$next" "virt/tdx: module initialized" &&
		expect_after "$next" "tdx_sim: TDX enabled on $QEMU_SMP CPUs" ;;
	kexec_*) enable_refused_after "$next" ;;
	esac &&
	clean_log "$CRASH_SPLAT"
}

# An older TDX module, without TDH.SYS.DISABLE: the kernel's own reset.
test_sim_kexec_load() { sim_test sim_kexec_load kexec_load "" reset 1; }
test_sim_kexec_file() { sim_test sim_kexec_file kexec_file "" reset 1; }
test_sim_kdump_load() { sim_test sim_kdump_load kdump_load "" reset 1 crashkernel=384M; }
test_sim_kdump_file() { sim_test sim_kdump_file kdump_file "" reset 1 crashkernel=384M; }

# A newer module: TDH.SYS.DISABLE (several resumable calls) clears it all,
# and the kernel started by kexec initialises TDX again.
test_sim_disable_kexec_load() { sim_test sim_disable_kexec_load kexec_load ",sysdisable" disabled 1; }
test_sim_disable_kexec_file() { sim_test sim_disable_kexec_file kexec_file ",sysdisable" disabled 1; }
test_sim_disable_kdump_load() { sim_test sim_disable_kdump_load kdump_load ",sysdisable" disabled 1 crashkernel=384M; }
test_sim_disable_kdump_file() { sim_test sim_disable_kdump_file kdump_file ",sysdisable" disabled 1 crashkernel=384M; }

# TDH.SYS.DISABLE fails outright: the kernel falls back to its reset.
test_sim_disable_fails() { sim_test sim_disable_fails kexec_load ",sysdisable,faildisable" reset 1; }

# Without the erratum (a later Intel CPU) nothing is converted: the private
# lines survive the kexec.  This is also the negative control of the
# verdict itself.
test_sim_noerratum() { QEMU_CPU=$CPU_GNR sim_test sim_noerratum kexec_load "" left 1; }

# TDH.SYS.DISABLE busy: five times at a normal kexec (retried, then the
# module shuts down), and every time at a crash (given up, then the
# memory is converted and the dump taken).
test_sim_disable_busy() { sim_test sim_disable_busy kexec_load ",sysdisable,busy=69:5" disabled 1; }
test_sim_disable_busy_kdump() {
	sim_test sim_disable_busy_kdump kdump_load ",sysdisable,busy=69:always" reset 1 crashkernel=384M
}

# A crash while another CPU is inside a SEAMCALL (every CPU makes 2 ms
# SEAMCALLs without end): the shootdown NMI waits for the SEAMCALL to
# return, as on hardware, the module is disabled and the dump taken.  The
# capture kernel says that a crash NMI did wait, so the scenario happened.
test_sim_kdump_in_seamcall() {
	sim_test sim_kdump_in_seamcall kdump_load ",sysdisable,seamloop" disabled 1 crashkernel=384M &&
	expect "tdx_sim: seamloop: SEAMCALLs without end on every CPU" &&
	expect_after_re "TDXTEST[1]: crashing" "tdx_sim: the crash NMI waited for a SEAMCALL to return on [1-9] CPUs"
}

# A crash on one CPU while another is in tdx_enable() with an older module
# (crashinit): the PAMTs are allocated, the TDMR list built and the first
# TDH.SYS.TDMR.INIT calls made the first PAMT lines private.  The crash
# kexec converts every PAMT of the list, freeing nothing, the dump is
# taken.
test_sim_kdump_during_enable() {
	local m p="Kernel panic - not syncing: tdx_sim: crash while another CPU is in tdx_enable()"
	needs_series || return
	m=$(new_marker)
	boot sim_kdump_during_enable 180 "$SIM_ON,crashinit crashkernel=384M tdxcrash=duringenable tdxtest=kdump_load tdxmarker=$m" &&
	expect_after "TDXTEST[1]: crashing" "$p" &&
	{ ! grep -qaE "tdx_sim: TDX enabled|virt/tdx: module initialized" "$LOG" || problem "tdx_enable() finished before the crash"; } &&
	expect_after "$p" "virt/tdx: kexec: TDX module not disabled (0xc000010000000000), converting TDX private memory" &&
	stop_flushes "answered the crash NMI" 1 &&
	sim_clean_after "$p" pamt &&
	expect "TDXTEST[capture]: vmcore dmesg has marker $m" &&
	expect "TDXTEST[capture]: DONE" &&
	clean_log "tdx_sim: crash while another CPU is in tdx_enable"
}

# A crash on a TDX host before anything initialised TDX: nothing to
# disable or convert, no CPU made a SEAMCALL so none flushes, the dump is
# taken.
test_sim_kdump_before_enable() {
	local m
	needs_series || return
	m=$(new_marker)
	boot sim_kdump_before_enable 180 "$SIM_ON,sysdisable,noenable crashkernel=384M tdxtest=kdump_load tdxmarker=$m" &&
	expect "virt/tdx: BIOS enabled: private KeyID range" &&
	{ ! grep -qaE "virt/tdx: kexec:|tdx_sim: TDX enabled" "$LOG" ||
		problem "TDX was enabled, disabled or converted: $(grep -aE -m1 "virt/tdx: kexec:|tdx_sim: TDX enabled" "$LOG")"; } &&
	stop_flushes "answered the crash NMI" 0 &&
	expect "TDXTEST[capture]: vmcore dmesg has marker $m" &&
	expect "TDXTEST[capture]: DONE" &&
	clean_log "$CRASH_SPLAT"
}

# A guest (-cpu max), which makes no SEAMCALL: no CPU flushes, for kexec
# and for kdump.  WBINVD would raise #VE in a TDX guest and #VC in an
# SEV-ES or SEV-SNP guest.
test_guest_noflush() {
	needs_series || return
	QEMU_CPU=max kexec_test guest_kexec kexec_load || return
	QEMU_CPU=max kdump_test guest_kdump kdump_load
}

# An AMD host with SME, which QEMU/TCG does not model: the emulation gives
# every CPU the cache state SME capable CPUs carry from boot (",sme", on
# the AMD model, no TDX platform).  A normal kexec flushes every CPU as it
# stops, as the base did; a crash flushes none in the shootdown NMI (on
# TDX hosts only), and relocate_kernel() still flushes the crashing CPU.
test_sme_kexec() {
	local m
	needs_series || return
	m=$(new_marker)
	QEMU_CPU=$CPU_AMD boot sme_kexec 120 "$SIM_ON,sme tdxtest=kexec_load tdxmarker=$m" &&
	expect_re "tdx_sim: emulated TDX module at .*, no TDX platform, no erratum" &&
	expect_after "kexec_core: Starting new kernel" "TDXTEST[2]: second kernel has marker $m" &&
	stop_flushes stopped 1 &&
	clean_log
}
test_sme_kdump() {
	local m
	needs_series || return
	m=$(new_marker)
	QEMU_CPU=$CPU_AMD boot sme_kdump 180 "$SIM_ON,sme crashkernel=384M tdxtest=kdump_load tdxmarker=$m" &&
	expect_re "tdx_sim: emulated TDX module at .*, no TDX platform, no erratum" &&
	stop_flushes "answered the crash NMI" 0 $((QEMU_SMP - 1)) 1 &&
	{ ! grep -qa "virt/tdx: kexec:" "$LOG" || problem "$(grep -a -m1 'virt/tdx: kexec:' "$LOG")"; } &&
	expect "TDXTEST[capture]: vmcore dmesg has marker $m" &&
	expect "TDXTEST[capture]: DONE" &&
	clean_log "$CRASH_SPLAT"
}

# A crash while two of the other CPUs ignore the shootdown NMI, spinning
# with NMIs blocked (test-only), with panic_on_warn=1.  The crash is an
# oops, which reaches crash_kexec() without going through panic(): a WARN
# on the way would panic and lose the dump.  The log names both CPUs, the
# third answers having flushed, the memory is reset regardless and the
# capture kernel takes the dump.
test_sim_kdump_deaf_cpu() {
	local m
	needs_series || return
	m=$(new_marker)
	boot sim_kdump_deaf_cpu 180 "$SIM_ON,nmideaf=2 tdxsample=load crashkernel=384M panic_on_warn=1 tdxcrash=oops tdxtest=kdump_load tdxmarker=$m" &&
	expect_after "TDXTEST[1]: crashing" "BUG: kernel NULL pointer dereference" &&
	sim_enabled &&
	expect_after_re "TDXTEST[1]: crashing" "reboot: CPUs [0-9]+[-,][0-9]+ did not answer the shootdown NMI, going on without them" &&
	stop_flushes "answered the crash NMI" 1 $((QEMU_SMP - 3)) &&
	sim_clean_after "TDXTEST[1]: crashing" pamt user &&
	expect "TDXTEST[capture]: vmcore dmesg has marker $m" &&
	expect "TDXTEST[capture]: DONE" &&
	clean_log "$CRASH_SPLAT|BUG: kernel NULL pointer dereference|Oops: "
}

# A crash while another CPU is stuck inside a SEAMCALL (tdxcrash=stuck):
# its crash NMI is held back for good, so it never answers and is named;
# TDH.SYS.DISABLE finds it in the module and is busy (the module's own
# contention, not an injected answer), the crash path gives up after a
# second, converts the memory, and the dump is taken.
test_sim_kdump_stuck_cpu() {
	local m p="Kernel panic - not syncing: tdx_sim: crash while CPU"
	needs_series || return
	m=$(new_marker)
	boot sim_kdump_stuck_cpu 90 "$SIM_ON,sysdisable tdxsample=load crashkernel=384M tdxcrash=stuck tdxtest=kdump_load tdxmarker=$m" &&
	sim_enabled &&
	expect_after "TDXTEST[1]: crashing" "$p" &&
	expect_after_re "$p" "reboot: CPUs [0-9]+ did not answer the shootdown NMI, going on without them" &&
	stop_flushes "answered the crash NMI" 1 $((QEMU_SMP - 2)) &&
	expect_after "$p" "virt/tdx: kexec: TDX module not disabled (0x8000020200000000), converting TDX private memory" &&
	expect_after_re "$p" "tdx_sim: [1-9][0-9]* calls were busy: another CPU was in the module" &&
	expect_after "$p" "tdx_sim: the crash NMI waited for a SEAMCALL to return on 1 CPUs" &&
	sim_clean_after "$p" pamt user shared &&
	expect "TDXTEST[capture]: vmcore dmesg has marker $m" &&
	expect "TDXTEST[capture]: DONE" &&
	clean_log "tdx_sim: crash while CPU[0-9]+ is stuck in the module"
}

# A crash from NMI context (an NMI no handler claims, unknown_nmi_panic):
# the module is disabled, nothing is left private, the dump is taken.  A
# panic in NMI context prints nothing more on the console: the capture
# kernel reads the panic and the kexec line from the dumped log.
test_sim_kdump_nmi() {
	local m
	needs_series || return
	m=$(new_marker)
	boot sim_kdump_nmi 180 "$SIM_ON,sysdisable tdxsample=load crashkernel=384M unknown_nmi_panic=1 tdxcrash=nmi tdxtest=kdump_load tdxmarker=$m" &&
	expect_after "TDXTEST[1]: crashing" "tdx_sim: unknown NMI as asked" &&
	sim_enabled &&
	expect "TDXTEST[capture]: vmcore dmesg: panic: NMI: Not continuing" &&
	expect "TDXTEST[capture]: vmcore dmesg: virt/tdx: kexec: TDX module disabled, its memory cleared" &&
	sim_clean_after "TDXTEST[1]: crashing" pamt user &&
	expect "TDXTEST[capture]: vmcore dmesg has marker $m" &&
	expect "TDXTEST[capture]: DONE" &&
	clean_log
}

# A crash after the module was shut down on the initialization error path
# (the third TDH.SYS.TDMR.INIT fails, a module with TDH.SYS.DISABLE): the
# crash path does not call TDH.SYS.DISABLE again (the emulated module, shut
# down, would refuse it) and reports the module disabled; nothing is left
# private, the dump is taken.  (A crash during a normal kexec's shutdown
# cannot dump: kernel_kexec() holds the kexec lock that crash_kexec()
# needs, so this is where a second call could happen.)
test_sim_kdump_after_disable() {
	local m fail="tdx_sim: failing call 3 of leaf 36 as asked"
	needs_series || return
	m=$(new_marker)
	boot sim_kdump_after_disable 180 "$SIM_ON,sysdisable,fail=36:3 crashkernel=384M tdxtest=kdump_load tdxmarker=$m" &&
	expect_after "$fail" "virt/tdx: module initialization failed (-5)" &&
	expect_re "tdx_sim: TDH.SYS.DISABLE: module shut down after [0-9]+ calls" &&
	expect_after "TDXTEST[1]: crashing" "virt/tdx: kexec: TDX module disabled, its memory cleared" &&
	sim_clean_after "TDXTEST[1]: crashing" pamt &&
	expect "TDXTEST[capture]: vmcore dmesg has marker $m" &&
	expect "TDXTEST[capture]: DONE" &&
	clean_log "$CRASH_SPLAT"
}

# A machine check on the Rust sample's private page, injected through
# QEMU's monitor once the guest names the page: the kernel asks the module
# for the page's type (TDH.PHYMEM.PAGE.RDMD) and reports TDX private
# memory, the panic goes to the capture kernel, the crash kexec converts
# the memory (an older module) and the dump is taken.  A machine check is
# NMI-like: the capture kernel reads the report from the dumped log.
test_sim_kdump_mce() {
	local m mon=$LOGS/sim_kdump_mce.mon
	needs_series || return
	m=$(new_marker)
	rm -f "$mon"
	inject_mce "$LOGS/sim_kdump_mce.log" "$mon" &
	QEMU_MONITOR=$mon boot sim_kdump_mce 180 "$SIM_ON tdxsample=load crashkernel=384M tdxcrash=mce tdxtest=kdump_load tdxmarker=$m" ||
		{ wait; return 1; }
	wait $! || { problem "no machine check was injected"; return; }
	expect_re "TDXTEST\[1\]: machine check at 0x[0-9a-f]+" &&
	expect "TDXTEST[capture]: vmcore dmesg: [Hardware Error]: Machine check: TDX private memory error. Possible kernel bug." &&
	expect "TDXTEST[capture]: vmcore dmesg: panic: Fatal machine check" &&
	expect "TDXTEST[capture]: vmcore dmesg: virt/tdx: kexec: TDX module not disabled (0xc000010000000000), converting TDX private memory" &&
	sim_clean_after "TDXTEST[1]: crashing" pamt user &&
	expect "TDXTEST[capture]: vmcore dmesg has marker $m" &&
	expect "TDXTEST[capture]: DONE" &&
	clean_log
}

# inject_mce LOG SOCKET: once LOG names the page, a fatal memory error at
# its address (MCi_STATUS VAL UC EN MISCV ADDRV PCC, memory controller
# error; MCi_MISC: physical address, 4 KiB granule), broadcast to every
# CPU through QEMU's monitor on SOCKET.
inject_mce() {
	local addr i
	for i in $(seq 600); do
		addr=$(sed -n 's/.*TDXTEST\[1\]: machine check at \(0x[0-9a-f]*\).*/\1/p' "$1" 2>/dev/null)
		[ -n "$addr" ] && break
		sleep 0.2
	done
	[ -n "$addr" ] || return 1
	python3 - "$2" "mce -b 0 1 0xbe0000000000009f 0x6 $addr 0x8c" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode() + b"\n")
time.sleep(1)
PY
}

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
	{ ! grep -qa "virt/tdx: kexec:" "$LOG" ||
		problem "the kexec after the failed init converted or disabled: $(grep -a -m1 'virt/tdx: kexec:' "$LOG")"; } &&
	sim_clean_after "kexec_core: Starting new kernel" pamt &&
	clean_log
}

# A failed initialization touched the module: with TDH.SYS.DISABLE the
# kernel shuts it down once, and the next kernel initialises it from the
# start, where it fails the same way instead of finding the module
# initialised (tdx_cpu_enable() would fail).  init_disable_test NAME LEAF N
# [pamt]: the Nth call of LEAF fails, with PAMT lines private by then.
# After TDH.SYS.CONFIG handed the PAMTs to the module, the error path
# shuts it down before freeing them: at kexec the module would clear
# memory the kernel may have reused.
init_disable_test() {
	local name=$1 m fail="tdx_sim: failing call $3 of leaf $2 as asked" next="kexec_core: Starting new kernel"
	needs_series || return
	m=$(new_marker)
	boot "$name" 120 "$SIM_ON,sysdisable,fail=$2:$3 tdxtest=kexec_load tdxmarker=$m" &&
	expect_after "$fail" "virt/tdx: module initialization failed (-5)" &&
	expect "virt/tdx: kexec: TDX module disabled, its memory cleared" &&
	{ ! grep -qa "which the kernel freed" "$LOG" ||
		problem "$(grep -a -m1 'which the kernel freed' "$LOG")"; } &&
	{ ! grep -qa "virt/tdx: kexec: TDX module not disabled" "$LOG" ||
		problem "the kexec after the failed init converted memory"; } &&
	{ [ -z "${4:-}" ] || sim_clean_after "$next" pamt; } &&
	expect_after "$next" "$fail" &&
	expect_after "$next" "virt/tdx: module initialization failed (-5)" &&
	clean_log
}
# The third TDH.SYS.TDMR.INIT fails: shut down on the error path.
test_sim_init_error_disable() { init_disable_test sim_init_error_disable 36 3 pamt; }
# TDH.SYS.CONFIG fails: the module holds no PAMT, shut down at kexec.
test_sim_config_error_disable() { init_disable_test sim_config_error_disable 45 1; }

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

# The sample loaded and unloaded again: it gave its pages back and freed
# them, and its registration is gone: the kernel converts none of them
# (the emulated module reports a conversion of a page that is not
# registered as a FAIL, which clean_log rejects); the PAMT is reset.
test_sim_sample_unloaded() {
	local m
	needs_series || return
	m=$(new_marker)
	boot sim_sample_unloaded 120 "$SIM_ON tdxsample=unload tdxtest=kexec_load tdxmarker=$m" &&
	expect_after "rust_tdx_reset: registered 4 resident pages" "rust_tdx_reset: unregistering" &&
	expect "virt/tdx: kexec: TDX module not disabled (0xc000010000000000), converting TDX private memory" &&
	sim_clean_after "kexec_core: Starting new kernel" pamt &&
	{ ! grep -qaE "tdx_sim: verdict: (user|shared):" "$LOG" || problem "the unloaded sample left pages recorded"; } &&
	clean_log
}

# A module that leaks its registration and is unloaded: its pages stay
# registered, the kernel's own callback converts them at kexec and at
# kdump, no code of the unloaded module runs.
test_sim_rust_leak_kexec() {
	SIM_SAMPLE=unload sim_test sim_rust_leak_kexec kexec_load ",leak" reset 1 &&
	expect_after "rust_tdx_reset: registered 4 resident pages" "rust_tdx_reset: leaking the pool" &&
	expect "rust_tdx_reset unloaded"
}
test_sim_rust_leak_kdump() {
	SIM_SAMPLE=unload sim_test sim_rust_leak_kdump kdump_load ",leak" reset 1 crashkernel=384M &&
	expect_after "rust_tdx_reset: registered 4 resident pages" "rust_tdx_reset: leaking the pool" &&
	expect "rust_tdx_reset unloaded"
}

# The sample's workers add and remove pages, 2 x 1000 guests, while the
# crash comes at a random moment of it: every page private at the crash
# was registered and is converted, no page that was not is touched, and
# the crash came while the pages changed (more than the resident pages'
# 8 changes, fewer than the 8008 of a finished load).
test_sim_rust_stress() {
	local m n
	needs_series || return
	m=$(new_marker)
	boot sim_rust_stress 180 "$SIM_ON,ruststress tdxsample=stress crashkernel=384M tdxtest=kdump_load tdxmarker=$m" &&
	expect "rust_tdx_reset: registered 4 resident pages" &&
	expect "virt/tdx: kexec: TDX module not disabled (0xc000010000000000), converting TDX private memory" &&
	sim_clean_after "TDXTEST[1]: crashing" pamt user &&
	{ ! grep -qaE "tdx_sim: verdict: shared: [1-9]" "$LOG" || problem "$(grep -aE -m1 "tdx_sim: verdict: shared: [1-9]" "$LOG")"; } &&
	{ ! grep -qa "rust_tdx_reset: 2 workers hosted" "$LOG" || problem "the workers finished before the crash"; } &&
	n=$(sed -n 's/.*tdx_sim: user pages changed state \([0-9]*\) times.*/\1/p' "$LOG" | tail -1) &&
	{ [ "${n:-0}" -gt 8 ] && [ "$n" -lt 8008 ] || problem "the crash did not come while pages changed (${n:-no} changes)"; } &&
	expect "TDXTEST[capture]: vmcore dmesg has marker $m" &&
	expect "TDXTEST[capture]: DONE" &&
	clean_log "$CRASH_SPLAT"
}

# Kexec jump (preserve_context), with a module that has TDH.SYS.DISABLE:
# the first kernel jumps to a second one confined to the crash kernel
# region, its image included, and back.  The module is not disabled and
# nothing is reset on the way: the first kernel resumes with the module
# initialised and its private lines still private.  A
# normal kexec from the resumed kernel then disables the module, and the
# third kernel initialises TDX again.  Every kernel runs every CPU; the
# consoles stay on through the suspend of the jump, so that a failure on
# the way shows in the log.
test_sim_kexec_jump() {
	# Without MWAIT: with it the jump back resets the machine (docs/limits.md).
	local QEMU_CPU=$CPU_SPR,-monitor
	local m resumed="TDXTEST[1]: resumed after kexec jump" next="kexec_core: Starting new kernel"
	needs_series || return
	m=$(new_marker)
	boot sim_kexec_jump 240 "$SIM_ON,sysdisable tdxsample=load crashkernel=384M no_console_suspend tdxtest=kexec_jump tdxmarker=$m" &&
	expect "TDXTEST[2]: kernel image inside this kernel's memory" &&
	expect_after "TDXTEST[2]: second kernel has marker $m" "$resumed" &&
	expect_after "TDXTEST[2]: kexec -e into stage 1" "CPU1 is up" &&
	{ [ "$(grep -an "tdx_sim: TDH.SYS.DISABLE:" "$LOG" | head -1 | cut -d: -f1)" -gt \
	    "$(grep -anF "$resumed" "$LOG" | cut -d: -f1)" ] || problem "the module was disabled for the jump"; } &&
	expect_after "$resumed" "tdx_sim: module initialised" &&
	sim_left_after verdict "$resumed" pamt user &&
	expect_after "TDXTEST[1]: kexec -e into stage 3" "virt/tdx: kexec: TDX module disabled, its memory cleared" &&
	sim_clean_after "$next" pamt user &&
	expect_after "$next" "virt/tdx: module initialized" &&
	expect "TDXTEST[3]: third kernel has marker $m" &&
	clean_log
}
