# SPDX-License-Identifier: GPL-2.0
# The operator's flow on a Debian 12 system: the series' kernel built from
# Debian's config and installed as a Debian package (scripts/debian-kernel.sh,
# scripts/debian-image.sh), systemd, kdump-tools, kexec-tools' service and
# crash, as an operator runs them.  The guest's steps are guest/tdxtest's.
# The baseline is Debian's own kernel of the base (no series: no TDX).

# The machine: 2 CPUs in 2 packages, the erratum platform when the
# emulated TDX module is on.
DEBIAN_SMP=2
# The system of the series' kernel; debian_mutants points the tests at a
# mutant's.
DEBIAN_SERIES=series

# debian_images: the distribution kernel and both systems, made once a run.
debian_images() {
	if [ -n "${DEBIAN_IMAGES:-}" ]; then
		[ "$DEBIAN_IMAGES" = 0 ] || { SKIP_WHY=${DEBIAN_WHY:-} LOG=$LOGS/debian-build.log; }
		return "$DEBIAN_IMAGES"
	fi
	DEBIAN_IMAGES=1
	needs_series || { DEBIAN_IMAGES=$?; return "$DEBIAN_IMAGES"; }
	local rc=0 debver=${BASE_PKG_VERSION%%-*}
	"$TOP/scripts/debian-kernel.sh" >"$LOGS/debian-build.log" 2>&1 &&
	"$TOP/scripts/debian-image.sh" series "$BUILD"/debian/packages/linux-image-*.deb \
		>>"$LOGS/debian-build.log" 2>&1 &&
	"$TOP/scripts/debian-image.sh" base \
		"linux-image-$debver+deb12-amd64-unsigned=$BASE_PKG_VERSION" >>"$LOGS/debian-build.log" 2>&1 &&
	crash_root >>"$LOGS/debian-build.log" 2>&1 || rc=$?
	if [ $rc = "$SKIP" ]; then
		SKIP_WHY=$(grep '^SKIP: ' "$LOGS/debian-build.log" | sed 's/^SKIP: //' | tail -1)
	elif [ $rc != 0 ]; then
		tail -5 "$LOGS/debian-build.log"
		LOG=$LOGS/debian-build.log
	fi
	DEBIAN_IMAGES=$rc DEBIAN_WHY=$SKIP_WHY
	return $rc
}

# debian_boot NAME SYSTEM LIMIT CMDLINE...: boot SYSTEM (series, base or
# mutant) from a copy of its disk, until it powers off; the copy stays as
# build/debian/NAME.img for what the test reads back.  DEBIAN_DISK: a
# second disk image.  The CPU has no CMPXCHG16B: QEMU 7.2's TCG calls its
# CMPXCHG16B helper without storing the pending flags operation, so the
# helper computes EFLAGS from a stale one and can set TF, VM or IOPL from
# the operand of an earlier ADD.  Debian's SLUB fast path
# (SLAB_FREELIST_HARDENED: ADD, XOR, BSWAP, then CMPXCHG16B) hits it
# every few boots: a double fault or a #DB in __kmalloc_node_noprof(), a
# #GP in user space.  The test kernel's SLUB (SLUB_TINY) has no
# CMPXCHG16B fast path.
debian_boot() {
	local name=$1 sys=$BUILD/debian/$2 limit=$3 cpu=$CPU_AMD; shift 3
	case " $* " in *" tdx_sim="*) cpu=$CPU_SPR ;; esac
	cpu=${QEMU_CPU:-$cpu},-cx16
	LOG=$LOGS/$name.log
	rm -f "$LOG"
	cp --sparse=always "$sys/disk.img" "$BUILD/debian/$name.img"
	QEMU_SMP=$DEBIAN_SMP QEMU_SOCKETS=$DEBIAN_SMP QEMU_CPU=$cpu \
	QEMU_DISKS="$BUILD/debian/$name.img ${DEBIAN_DISK:-}" \
		"$TOP/scripts/qemu-run.sh" "$sys/vmlinuz" "$sys/initrd.img" "$LOG" "$limit" \
		"root=/dev/vda ro $*" ||
		problem "QEMU did not end with a power-off (rc $?)"
}

# debian_run NAME SYSTEM OP CMDLINE...: the scenario OP of guest/tdxtest
# with a new marker ($DEBIAN_MARK) on SYSTEM, which started it on its
# kernel with its CPUs.  Returns the status of debian_images if that
# failed (SKIP included).
debian_run() {
	local name=$1 sys=$2 op=$3; shift 3
	debian_images || return
	DEBIAN_MARK=$(new_marker)
	debian_boot "$name" "$sys" 600 "$* tdxop=$op tdxmark=$DEBIAN_MARK" &&
	expect "TDXOP: $op: start on $(cat "$BUILD/debian/$sys/release"), $DEBIAN_SMP CPUs"
}

# debian_file NAME PATH: the file PATH of the system's disk after the run
# NAME, on stdout.
debian_file() { debugfs -R "cat $2" "$BUILD/debian/$1.img" 2>/dev/null; }

# kdump_saved NAME MARKER: after the reboot the first kernel found the
# dump and the log kdump-tools saved in /var/crash/STAMP/, and the saved
# log has the marker; STAMP in $STAMP.
kdump_saved() {
	STAMP=$(sed -n 's,.*TDXOP: crash file \([0-9]*\)/dump\.[0-9]* [1-9][0-9]* bytes.*,\1,p' "$LOG" | head -1)
	[ -n "$STAMP" ] || { problem "no dump in /var/crash after the reboot"; return; }
	expect_re "TDXOP: crash file $STAMP/dmesg\.$STAMP [1-9][0-9]* bytes" &&
	{ debian_file "$1" "/var/crash/$STAMP/dmesg.$STAMP" | grep -qF "TDXOP: marker $2, sysrq-c" ||
		problem "the saved dmesg.$STAMP has no marker $2"; }
}

# kdump_scenario NAME SYSTEM CMDLINE...: kdump-tools as installed, with
# crashkernel=: ready, sysrq-c, the capture kernel saves the dump, the
# first kernel boots again and finds it.
kdump_scenario() {
	local name=$1 sys=$2; shift 2
	debian_run "$name" "$sys" kdump crashkernel=384M "$@" &&
	expect_re "TDXOP: kdump-config status: current state *: ready to kdump" &&
	expect_after "TDXOP: marker $DEBIAN_MARK, sysrq-c" "kdump-tools" &&
	expect "TDXOP: kdump: crashed on" &&
	kdump_saved "$name" "$DEBIAN_MARK" &&
	no_splat "$CRASH_SPLAT"
}

# crash_root: Debian 13's crash in build/debian/crash/, with the series'
# debug vmlinux as /vmlinux.  Debian 12's crash 8.0.2 cannot open a 6.12
# dump ("vmlinux and dump do not match"); 8.0.6 can.
crash_root() {
	local tarball root=$BUILD/debian/crash
	tarball=$("$TOP/scripts/debian-root.sh" crash trixie crash) || { local rc=$?; echo "$tarball"; return $rc; }
	rm -rf --one-file-system "$root" && mkdir -p "$root" &&
	tar -C "$root" -xf "$tarball" &&
	ln "$BUILD/debian/series/root/usr/lib/debug/lib/modules/$(cat "$BUILD/debian/series/release")/vmlinux" \
		"$root/vmlinux"
}

# crash_opens NAME: crash opens the dump saved in the run NAME with the
# debug vmlinux of the series' package: its log has the marker, and the
# crashing task's stack the sysrq crash.
crash_opens() {
	local root=$BUILD/debian/crash out
	rm -f "$root/dump"
	debugfs -R "dump /var/crash/$STAMP/dump.$STAMP $root/dump" "$BUILD/debian/$1.img" \
		>/dev/null 2>&1 && [ -s "$root/dump" ] || { problem "cannot read the dump back"; return; }
	out=$(chroot "$root" crash -s /vmlinux /dump 2>&1 <<-CMDS
	log
	bt
	quit
	CMDS
	) || { problem "crash cannot open the dump: $(echo "$out" | grep -v 'please wait' | tail -3)"; return; }
	echo "$out" >"$LOGS/$1.crash"
	grep -qF "TDXOP: marker $DEBIAN_MARK, sysrq-c" <<<"$out" ||
		{ problem "crash: no marker in the log (output: $LOGS/$1.crash)"; return; }
	grep -qE '^PID: [0-9]+ .* COMMAND: "tdxtest"' <<<"$out" &&
	grep -qE '^ *#[0-9]+ .* sysrq_handle_crash' <<<"$out" ||
		problem "crash: bt does not show the sysrq crash (output: $LOGS/$1.crash)"
}

# The series on the erratum platform with an older TDX module (no
# TDH.SYS.DISABLE): the capture kernel finds nothing private left, and the
# dump opens in crash.
test_debian_kdump() {
	local QEMU_SMP=$DEBIAN_SMP
	kdump_scenario debian_kdump "$DEBIAN_SERIES" "$SIM_ON" &&
	expect_re "tdx_sim: emulated TDX module at .*, TDX platform, erratum platform" &&
	sim_enabled &&
	expect "virt/tdx: kexec: TDX module not disabled (0xc000010000000000), converting TDX private memory" &&
	sim_clean_after "TDXOP: marker $DEBIAN_MARK, sysrq-c" pamt &&
	crash_opens debian_kdump
}

# The baseline: Debian's own kernel of the base, whose config cannot have
# TDX host support with kdump (INTEL_TDX_HOST depends on !KEXEC_CORE).
# Its -dbg package is 1 GiB: crash is not run on it.
base_no_tdx() {
	local rel
	rel=$(cat "$BUILD/debian/base/release")
	! grep -q "^CONFIG_INTEL_TDX_HOST=y" "$BUILD/debian/base/root/boot/config-$rel" ||
		problem "Debian's kernel $rel has INTEL_TDX_HOST"
}
test_debian_base_kdump() {
	kdump_scenario debian_base_kdump base nohibernate &&
	base_no_tdx
}

# kexec_scenario NAME SYSTEM CMDLINE...: the installed kernel loaded with
# a marker on its command line, systemctl kexec: the services stop,
# systemd kexecs, the new kernel has the marker.
kexec_scenario() {
	local name=$1 sys=$2; shift 2
	debian_run "$name" "$sys" kexec "$@" &&
	expect "TDXOP: kexec -l: kexec_loaded 1" &&
	expect_after "TDXOP: systemctl kexec" "systemd-shutdown[1]: Rebooting with kexec." &&
	expect_after "kexec_core: Starting new kernel" \
		"TDXOP: kexec: new kernel, command line marker $DEBIAN_MARK-kexec" &&
	no_splat
}

# The series with an older TDX module: the memory is converted, and the
# new kernel finds the module initialised (TDX stays off there).
test_debian_kexec() {
	local QEMU_SMP=$DEBIAN_SMP
	kexec_scenario debian_kexec "$DEBIAN_SERIES" "$SIM_ON" &&
	sim_enabled &&
	expect "virt/tdx: kexec: TDX module not disabled (0xc000010000000000), converting TDX private memory" &&
	sim_clean_after "kexec_core: Starting new kernel" pamt &&
	enable_refused_after "kexec_core: Starting new kernel"
}

# The series with a module that has TDH.SYS.DISABLE: the new kernel
# initialises TDX again.
test_debian_kexec_disable() {
	local QEMU_SMP=$DEBIAN_SMP
	kexec_scenario debian_kexec_disable "$DEBIAN_SERIES" "$SIM_ON,sysdisable" &&
	sim_enabled &&
	expect "virt/tdx: kexec: TDX module disabled, its memory cleared" &&
	sim_clean_after "kexec_core: Starting new kernel" pamt &&
	expect_after "kexec_core: Starting new kernel" "tdx_sim: TDX enabled on $DEBIAN_SMP CPUs"
}

test_debian_base_kexec() {
	kexec_scenario debian_base_kexec base nohibernate &&
	base_no_tdx
}

# Bad input an operator meets: crashkernel= too small for kdump-tools'
# kernel and initrd.  kdump-config says it cannot load, the crash reboots
# without a dump, nothing is written to /var/crash.
test_debian_kdump_small() {
	debian_run debian_kdump_small "$DEBIAN_SERIES" kdump crashkernel=16M "$SIM_ON" &&
	expect_re "kdump-tools\[[0-9]+\]: .*failed to load kdump kernel" &&
	expect_re "TDXOP: kdump-config status: current state *: Not ready to kdump" &&
	expect "TDXOP: kdump: crashed on" &&
	{ ! grep -a "TDXOP: crash file" "$LOG" || problem "files in /var/crash without a capture kernel"; } &&
	no_splat "$CRASH_SPLAT"
}

# A crash while the file system of /var/crash is full: makedumpfile fails
# and says so, no dump is saved, and the capture kernel reboots (no hang).
# kdump-tools itself then says "failed to save vmcore" when it could not
# make the dump's directory, else "saved vmcore" beside a dump of 0 bytes
# (the status of its pipeline is that of its last command).
test_debian_kdump_full() {
	debian_run debian_kdump_full "$DEBIAN_SERIES" full crashkernel=384M "$SIM_ON" &&
	expect_re "TDXOP: kdump-config status: current state *: ready to kdump" &&
	expect_re "TDXOP: /var/crash 0 KiB free" &&
	expect_after_re "TDXOP: marker $DEBIAN_MARK, sysrq-c" \
		"kdump-tools\[[0-9]+\]: (makedumpfile Failed\.|kdump-tools: failed to save vmcore)" &&
	expect "TDXOP: full: crashed on" &&
	{ ! grep -aE "TDXOP: crash file [0-9]+/dump\.[0-9]+ [1-9]" "$LOG" || problem "a dump was saved on a full file system"; } &&
	no_splat "$CRASH_SPLAT"
}

# The flow's checks against the series with the reason for one removed:
# the distribution kernel built again with each mutant of
# test-patches/mutants/ whose header names a test of the flow, installed
# on a system of its own (build/debian/mutant/, no -dbg package: crash is
# not run on it), must make that test fail as gate_kernel_mutants
# requires.  The next run's debian_images builds the series' kernel
# again.
test_debian_mutants() {
	local mp name t why survived=() killed=0 rc=0
	debian_images || return
	for mp in "$TOP"/test-patches/mutants/*.patch; do
		[ -n "$(mutant_kills "$mp")" ] || continue
		name=$(basename "$mp" .patch)
		LOG=$LOGS/debian-mutant-$name.log
		"$TOP/scripts/debian-kernel.sh" "$mp" >"$LOG" 2>&1 &&
		"$TOP/scripts/debian-image.sh" mutant \
			$(ls "$BUILD"/debian/packages-mutant/linux-image-*.deb | grep -v -- -dbg_) >>"$LOG" 2>&1 ||
			{ problem "mutant $name: no system made"; rc=1; break; }
		while read -r t why; do
			DEBIAN_SERIES=mutant mutant_run "$name" "$t" "$why"
		done < <(mutant_kills "$mp")
	done
	"$TOP/scripts/checkout.sh" HEAD "$TOP"/test-patches/*.patch || rc=1
	[ $rc = 0 ] && mutants_verdict
}
