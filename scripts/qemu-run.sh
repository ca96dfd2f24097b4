#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# qemu-run.sh KERNEL INITRD LOG TIMEOUT CMDLINE...
#
# Boot KERNEL under QEMU/TCG with the serial console in LOG.  Exits 0 when
# the guest rebooted by itself (the tests end every run with a reboot),
# non-zero when QEMU failed or the host-side TIMEOUT (seconds) hit.
# The CPU model is bare metal, as a TDX host is (QEMU_CPU, default CPU_AMD;
# see lib.sh): QEMU_CPU=max makes the kernel a guest (the hypervisor CPUID
# bit set).  QEMU_MONITOR=PATH: QEMU's monitor on the Unix socket PATH.
# QEMU_DISKS="IMAGE...": raw disk images on virtio (/dev/vda, ...), and no
# other device (no VGA, network or CD-ROM for udev to probe); the guest
# then reboots as often as it likes and ends by powering off.
# KUnit, and with it the test kernel's Rust doctests (3 s of a 10 s boot
# under TCG), runs only where CMDLINE asks for it with kunit.enable=1; the
# kernels a test kexecs into take the same command line.

. "$(dirname "$0")/lib.sh"

kernel=$1 initrd=$2 log=$3 limit=$4; shift 4
mkdir -p "$(dirname "$log")"
rc=0
monitor=none
[ -z "${QEMU_MONITOR:-}" ] || monitor=unix:$QEMU_MONITOR,server,nowait
machine=(-no-reboot) disks=()
for d in ${QEMU_DISKS:-}; do
	machine=(-nodefaults)
	disks+=(-drive "file=$d,if=virtio,format=raw")
done
timeout --foreground -k 5 "$limit" qemu-system-x86_64 \
	-accel tcg -cpu "${QEMU_CPU:-$CPU_AMD}" -m 2G -smp "$QEMU_SMP,sockets=$QEMU_SOCKETS" \
	-display none -monitor "$monitor" ${machine[@]+"${machine[@]}"} ${disks[@]+"${disks[@]}"} \
	-serial "file:$log" \
	-kernel "$kernel" -initrd "$initrd" \
	-append "console=ttyS0 panic=-1 oops=panic kunit.enable=0 $*" \
	</dev/null >"$log.qemu" 2>&1 || rc=$?
if [ $rc = 124 ]; then
	echo "qemu: no reboot within ${limit}s" >>"$log"
fi
exit $rc
