#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# debian-kernel.sh [MUTANT]: the distribution kernel of the operator's flow
# (tests/debian.sh), packaged as Debian packages.
#
# Debian's own amd64 config of the base with INTEL_TDX_HOST=y
# (config/distro-tdx.config), trimmed for the QEMU machine by localmodconfig
# from config/debian-modules (modules Debian builds that the machine does
# not load are dropped; every built-in option stays), built with GCC as
# Debian builds it, from the test kernel's checkout (the series and the
# test-only emulation of the TDX module), and packaged by the kernel's own
# bindeb-pkg: linux-image, and its -dbg package for crash, in
# build/debian/packages/.  With MUTANT (test-patches/mutants/NAME.patch)
# on top, in the same object directory, for debian_mutants: in
# build/debian/packages-mutant/.

. "$(dirname "$0")/lib.sh"

export TOOLCHAIN=gcc
. "$TOP/scripts/lib.sh"

[ $# = 0 ] || set -- "$(realpath "$1")"
o=$OBJ/debian out=$BUILD/debian/packages${1:+-mutant} log=$LOGS/debian-kernel${1:+-mutant}
mkdir -p "$o" "$LOGS"
series_applied || die "the operator's flow needs the series (series/ is empty)"
"$TOP/scripts/checkout.sh" HEAD "$TOP"/test-patches/*.patch "$@"

cfg=$o/config.trimmed
debian_config "$cfg"
cp "$cfg" "$o/.config"
kmake "$o" -s LSMOD="$TOP/config/debian-modules" localmodconfig >"$log-config.log" 2>&1 ||
	{ tail "$log-config.log" >&2; die "localmodconfig failed"; }
cp "$o/.config" "$cfg"
"$TOP/scripts/config-kernel.sh" "$o" "$cfg" "$TOP/config/distro-tdx.config" "$TOP/config/debian.config"

note "building the distribution kernel in $o ($(grep -c '=m$' "$o/.config") modules)"
rm -rf "$out" && mkdir -p "$out"
# bindeb-pkg leaves the packages beside the object directory.
rm -f "$OBJ"/linux-*.deb "$OBJ"/linux-*.buildinfo "$OBJ"/linux-*.changes
kmake "$o" LOCALVERSION= KDEB_COMPRESS=none bindeb-pkg >"$log.log" 2>&1 ||
	{ tail -30 "$log.log" >&2; die "distribution kernel build failed (log: $log.log)"; }
mv "$OBJ"/linux-image-*.deb "$out"/
rm -f "$OBJ"/linux-*.deb "$OBJ"/linux-*.buildinfo "$OBJ"/linux-*.changes
ls "$out"
