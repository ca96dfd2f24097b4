#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: what the series costs, measured side by side in one run.
#
# 1. kexec -e to the next kernel's /init, and panic to the capture kernel's
#    /init: the base kernel (INTEL_TDX_HOST=n) against the series
#    (INTEL_TDX_HOST=y, not a TDX platform), alternating, REPS times each,
#    under QEMU/TCG on two bare-metal CPU models, Intel (Sapphire Rapids)
#    and AMD; the ratio of the medians, and the spread (min-max) of each.
#    Both kernels are made from the same configuration fragments, which
#    the base takes but for INTEL_TDX_HOST, and without Rust, as Debian
#    builds its 6.12: they differ in the series and INTEL_TDX_HOST only.
#    The series' kernel is gate_bisect's last prefix before Rust, in its
#    objects: after it (make check) it is built already (it builds
#    first, while the gates' checkout still has its sources), and ccache
#    serves the base's.
# 2. The emulated TDX module on an erratum platform: how long the reset of
#    a real PAMT took beside a memset of the same size in the same kernel.
# 3. bench/clearbench.c on this CPU: the kernel's MOVDIR64B loop beside the
#    fastest other ways to clear memory.

. "$(dirname "$0")/../scripts/lib.sh"
use_gates_tree
REPS=${REPS:-9}

build() {	# build NAME REV [--lenient] FRAGMENT...
	local name=$1 rev=$2 lenient=; shift 2
	[ "$1" = --lenient ] && { lenient=$1; shift; }
	"$TOP/scripts/checkout.sh" "$rev"
	"$TOP/scripts/config-kernel.sh" $lenient "$OBJ/$name" tinyconfig "$@"
	kmake "$OBJ/$name" -s bzImage modules >"$LOGS/build-$name.log" 2>&1 ||
		die "building $name failed (log: $LOGS/build-$name.log)"
	"$TOP/scripts/mkinitramfs.sh" "$OBJ/$name" "$BUILD/initramfs-$name.cpio.gz"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
spread() { sort -n | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo "-" hi }'; }

mkdir -p "$LOGS"
note "building the base kernel and the series' kernel"
frags=("$TOP/config/test.config" "$TOP/config/tdx-host.config" "$TOP/config/matrix/norust.config")
build bench-series HEAD "${frags[@]}"
build bench-base "$BASE_TAG" --lenient "${frags[@]}"
grep -q '^CONFIG_INTEL_TDX_HOST=y' "$OBJ/bench-base/.config" &&
	die "the base took INTEL_TDX_HOST=y: not the base this benchmark compares against"

echo "== kexec and kdump hand-over under QEMU/TCG, $REPS runs each, seconds (median)"
for cpu in intel amd; do
	case $cpu in intel) model=$CPU_SPR ;; amd) model=$CPU_AMD ;; esac
	for sc in kexec_load kdump_load; do
		extra=; [ $sc = kdump_load ] && extra=crashkernel=384M
		for k in bench-base bench-series; do : >"$BUILD/bench-$k-$cpu-$sc"; done
		for r in $(seq "$REPS"); do
			for k in bench-base bench-series; do
				QEMU_CPU=$model "$TOP/bench/boottime.py" "$BUILD/initramfs-$k.bzImage" \
					"$BUILD/initramfs-$k.cpio.gz" $sc $extra >>"$BUILD/bench-$k-$cpu-$sc" ||
					die "$k $cpu $sc run $r failed"
			done
		done
		b=$(median <"$BUILD/bench-bench-base-$cpu-$sc")
		s=$(median <"$BUILD/bench-bench-series-$cpu-$sc")
		printf '%-5s %-10s base %s (%s)  series %s (%s)  ratio series/base %s\n' "$cpu" "$sc" \
			"$b" "$(spread <"$BUILD/bench-bench-base-$cpu-$sc")" \
			"$s" "$(spread <"$BUILD/bench-bench-series-$cpu-$sc")" \
			"$(awk -v b="$b" -v s="$s" 'BEGIN { printf "%.3f", s / b }')"
	done
done

echo "== PAMT reset on the emulated TDX module, erratum platform (test kernel, QEMU/TCG)"
LOG=$LOGS/bench-sim.log
QEMU_CPU=$CPU_SPR "$TOP/scripts/qemu-run.sh" "$BUILD/initramfs-test.bzImage" "$BUILD/initramfs-test.cpio.gz" \
	"$LOG" 120 "memmap=64K#0x40000000 nohibernate tdx_sim=0x40000000,bench tdxtest=boot" ||
	die "the emulated TDX platform did not boot (log: $LOG)"
grep -a "tdx_sim: bench:" "$LOG" | sed 's/^\[[^]]*\] //' || die "no figures in $LOG"

echo "== clearbench on this machine's CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
gcc -O2 -Wall -o "$BUILD/clearbench" "$TOP/bench/clearbench.c"
"$BUILD/clearbench" "${CLEAR_MIB:-1024}"
