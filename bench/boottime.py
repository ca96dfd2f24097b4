#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Time kexec and kdump hand-overs under QEMU, host side.

boottime.py KERNEL INITRD SCENARIO [CMDLINE...]

Boots KERNEL with the test initramfs running SCENARIO (kexec_load or
kdump_load) on a bare-metal CPU model with two CPUs (QEMU_CPU overrides
the model) and prints the seconds from the first kernel's hand-over line
to the next kernel's /init, as seen on the serial console.
"""
import os
import subprocess
import sys
import time

MARKS = {
    "kexec_load": ("TDXTEST[1]: kexec -e into stage 2", "TDXTEST[2]: scenario"),
    "kdump_load": ("TDXTEST[1]: crashing", "TDXTEST[capture]: scenario"),
}


def main():
    kernel, initrd, scenario = sys.argv[1:4]
    extra = " ".join(sys.argv[4:])
    start_mark, end_mark = MARKS[scenario]
    cmdline = f"console=ttyS0 panic=-1 {extra} tdxtest={scenario} tdxmarker=bench"
    qemu = subprocess.Popen(
        ["qemu-system-x86_64", "-accel", "tcg", "-cpu", os.environ.get("QEMU_CPU", "max,-hypervisor"),
         "-m", "2G", "-smp", "2",
         "-display", "none", "-monitor", "none", "-no-reboot", "-serial", "stdio",
         "-kernel", kernel, "-initrd", initrd, "-append", cmdline],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    start = end = None
    deadline = time.monotonic() + 180
    try:
        for raw in qemu.stdout:
            line = raw.decode(errors="replace")
            if start is None and start_mark in line:
                start = time.monotonic()
            elif start is not None and end_mark in line:
                end = time.monotonic()
                break
            if time.monotonic() > deadline:
                break
    finally:
        qemu.kill()
        qemu.wait()
    if start is None or end is None:
        sys.exit(f"{scenario}: no hand-over seen")
    print(f"{end - start:.3f}")


if __name__ == "__main__":
    main()
