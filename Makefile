# SPDX-License-Identifier: GPL-2.0
# The one entry point of the harness.  See README.md.

SHELL := /bin/bash
S := scripts
# The base, BASE=bookworm (default) or BASE=trixie: see docs/carrying.md, "The bases, and what is proven".
export BASE
BUILD := $(shell BASE='$(BASE)' bash -c '. $(S)/lib.sh && echo $$BUILD')
ifeq ($(BUILD),)
$(error unknown BASE '$(BASE)')
endif
INITRD := $(BUILD)/initramfs-test.cpio.gz

.PHONY: all deps worktree build initramfs demo check proof test export bench deb clean distclean

# Build the patched kernel and show kexec and kdump working in QEMU.
all: demo

deps:
	@$(S)/deps.sh

worktree: deps
	@$(S)/worktree.sh

build: worktree
	@$(S)/build-kernel.sh test

initramfs: build
	@$(S)/mkinitramfs.sh $(BUILD)/obj/test $(INITRD)

DEMO := kexec_load kdump_load sim_kexec_load sim_kdump_load sim_disable_kexec_load
demo: initramfs
	@tests/run.sh $(DEMO)
	@echo "What the kernels reported (serial logs: $(DEMO:%=$(BUILD)/logs/%.log)):"
	@for t in $(DEMO); do echo "  $$t:"; grep -sahE 'TDXTEST\[(2|capture)\]: (second|vmcore|makedumpfile)|tdx_sim: (TDX enabled|TDX not enabled|CPU[0-9]+|verdict)|virt/tdx: kexec:|rust_tdx_reset: (registered|reset)' $(BUILD)/logs/$$t.log | sed 's/^\[[ 0-9.]*\] //; s/^/    /'; done

# Everything: the QEMU tests and the quality gates; the long parts that
# proof/record proves for their inputs are reported as proven, the others
# run.  Last line: N passed, N failed, N skipped.
check: initramfs
	@tests/run.sh

# The long parts (proof/parts) from a clean checkout: those the record
# does not prove for their inputs now, or P="PART..." (P=all: every one).
# Each verdict goes to proof/record, to be committed.
proof: initramfs
	@tests/run.sh --proof $(P)

# Day-to-day: the QEMU tests of the test kernel (no gates, no Debian
# system), or the named ones:
# make test T="kexec_load gate_checkpatch".
test: initramfs
	@tests/run.sh $(if $(T),$(T),--no-gates)

# The series' kernel as Debian packages, what an operator installs:
# Debian's config with INTEL_TDX_HOST, no test-only patch (build/deb/).
deb: worktree
	@$(S)/debian-kernel.sh --deb

# Export the work tree's commits to series/.
export:
	@$(S)/export-series.sh

clean:
	rm -rf $(BUILD)/obj $(BUILD)/gates/obj $(BUILD)/logs $(INITRD)

distclean:
	rm -rf build cache

# Performance figures (docs/measurements.md).
bench: initramfs
	@bench/run.sh
