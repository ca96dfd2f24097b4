#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# build-kernel.sh NAME
#
# Build the series with the test-only patches and the test configuration in
# build/obj/NAME.  The kernel image is build/obj/NAME/arch/x86/boot/bzImage.

. "$(dirname "$0")/lib.sh"

name=${1:-test}
o=$OBJ/$name
mkdir -p "$LOGS"

# The test-only patches and the TDX options apply on top of the series; with
# series/ empty this is the base kernel.
frags=("$TOP/config/test.config")
test_patches=()
if series_applied; then
	frags+=("$TOP/config/tdx-host.config" "$TOP/config/test-patches.config")
	test_patches=("$TOP"/test-patches/*.patch)
fi
"$TOP/scripts/checkout.sh" HEAD "${test_patches[@]}"

kmake "$o" -s rustavailable >/dev/null 2>"$LOGS/rustavailable.log" ||
	die "Rust is not available to Kbuild: $(cat "$LOGS/rustavailable.log")"
"$TOP/scripts/config-kernel.sh" "$o" tinyconfig "${frags[@]}"
note "building $name kernel in $o"
kmake "$o" -s CLIPPY=1 bzImage modules >"$LOGS/build-$name.log" 2>&1 ||
	{ tail -30 "$LOGS/build-$name.log" >&2; die "kernel build failed (log: $LOGS/build-$name.log)"; }
