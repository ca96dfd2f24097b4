#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# debian-kernel.sh [--deb | MUTANT]: the series' kernel from Debian's
# config, packaged as Debian packages.  One recipe for what an operator
# installs and for what the operator's flow (tests/debian.sh) tests:
#
# Debian's own amd64 config of the base with INTEL_TDX_HOST=y
# (config/distro-tdx.config), built with GCC as Debian builds it, packaged
# by the kernel's own bindeb-pkg (linux-image and its -dbg package).
#
# --deb (make deb): the series alone, every module Debian builds, in
# build/deb/ (its own checkout build/deb-src and objects build/obj/deb).
# Otherwise the flow's kernel: the series with the test-only emulation of
# the TDX module (test-patches/, config/debian.config), trimmed for the
# QEMU machine by localmodconfig from config/debian-modules (modules
# Debian builds that the machine does not load are dropped; every
# built-in option stays), in build/debian/packages/; with MUTANT
# (test-patches/mutants/NAME.patch) on top, in the same object directory,
# for debian_mutants: in build/debian/packages-mutant/.

. "$(dirname "$0")/lib.sh"

export TOOLCHAIN=gcc
. "$TOP/scripts/lib.sh"

patches=() frags=("$TOP/config/distro-tdx.config")
if [ "${1:-}" = --deb ]; then
	export SRC=$BUILD/deb-src
	o=$OBJ/deb out=$BUILD/deb log=$LOGS/deb
else
	patches=("$TOP"/test-patches/*.patch)
	[ $# = 0 ] || patches+=("$(realpath "$1")")
	frags+=("$TOP/config/debian.config")
	o=$OBJ/debian out=$BUILD/debian/packages${1:+-mutant} log=$LOGS/debian-kernel${1:+-mutant}
fi
mkdir -p "$o" "$LOGS"
series_applied || die "the series' kernel needs the series (series/ is empty)"
"$TOP/scripts/checkout.sh" HEAD "${patches[@]}"

cfg=$o/config.debian
debian_config "$cfg"
if [ "${1:-}" != --deb ]; then
	cp "$cfg" "$o/.config"
	kmake "$o" -s LSMOD="$TOP/config/debian-modules" localmodconfig >"$log-config.log" 2>&1 ||
		{ tail "$log-config.log" >&2; die "localmodconfig failed"; }
	cp "$o/.config" "$cfg"
fi
"$TOP/scripts/config-kernel.sh" "$o" "$cfg" "${frags[@]}"

note "building the series' kernel from Debian's config in $o ($(grep -c '=m$' "$o/.config") modules)"
rm -rf "$out" && mkdir -p "$out"
# bindeb-pkg leaves the packages beside the object directory.
rm -f "$OBJ"/linux-*.deb "$OBJ"/linux-*.buildinfo "$OBJ"/linux-*.changes
kmake "$o" LOCALVERSION= KDEB_COMPRESS=none bindeb-pkg >"$log.log" 2>&1 ||
	{ tail -30 "$log.log" >&2; die "the kernel's build failed (log: $log.log)"; }
mv "$OBJ"/linux-image-*.deb "$out"/
rm -f "$OBJ"/linux-*.deb "$OBJ"/linux-*.buildinfo "$OBJ"/linux-*.changes
ls "$out"
