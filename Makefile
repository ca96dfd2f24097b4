# SPDX-License-Identifier: GPL-2.0
# The one entry point of the harness.  See README.md.

SHELL := /bin/bash
S := scripts
INITRD := build/initramfs-test.cpio.gz

.PHONY: all deps worktree build initramfs demo check test gates export clean distclean

# Build the patched kernel and show kexec and kdump working in QEMU.
all: demo

deps:
	@$(S)/deps.sh

worktree: deps
	@$(S)/worktree.sh

build: worktree
	@$(S)/build-kernel.sh test

initramfs: build
	@$(S)/mkinitramfs.sh build/obj/test $(INITRD)

demo: initramfs
	@tests/run.sh kexec_load kdump_load
	@echo "Serial logs: build/logs/kexec_load.log build/logs/kdump_load.log"

# Everything: the QEMU tests and the quality gates.  Last line: N passed, N failed.
check: initramfs
	@tests/run.sh

# The QEMU tests alone, for day-to-day work: make test T="kexec_load kdump_file".
test: initramfs
	@tests/run.sh $(T)

# Export the work tree's commits to series/.
export:
	@$(S)/export-series.sh

clean:
	rm -rf build/obj build/logs $(INITRD)

distclean:
	rm -rf build cache
