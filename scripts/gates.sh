#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# gates.sh GATE: the quality gates a distribution needs before it carries
# the series.  Each prints what it found and exits non-zero on a violation.
#
#   checkpatch	checkpatch.pl --strict on every patch of series/
#   export	series/ round-trips: applied to the base and exported again,
#		it is byte-identical, with the same tree
#   bisect	every prefix of series/ builds the test configuration
#   matrix	the series builds in the configurations of the matrix
#		(bisect and matrix also fail on a warning in a file of the
#		series, headers included)
#   warnings	no new W=1 warnings in the C files the series touches
#   distro	Debian's amd64 config takes INTEL_TDX_HOST=y with kexec and
#		kdump, only with the series, and the touched files build
#
# The builds use their own checkout, build/src-gates, so that the test
# kernel's checkout and objects stay as they are.

. "$(dirname "$0")/lib.sh"
SRC=$BUILD/src-gates
export SRC
mkdir -p "$LOGS"

series_patches() { grep -v '^#' "$TOP/series/series" | sed '/^$/d'; }
nr_patches() { series_patches | wc -l; }

# checkout REV: point build/src-gates at REV of the work tree.
checkout() { "$TOP/scripts/checkout.sh" "$1"; }

# series_files [PATHSPEC...]: the files the series touches.
series_files() { git -C "$WORK" diff --name-only "$BASE_TAG..HEAD" -- "$@"; }

# series_warnings LOG: the compiler warnings in the build log LOG that point
# into a file the series touches (a header of the series warns in every file
# that includes it); rustc names the file on a "-->" line.
series_warnings() {
	local re
	re=$(series_files | sed 's/[.]/\\./g' | paste -sd'|')
	{ grep -E "(^|/)($re):[0-9]+:[0-9]+: warning:|^ *--> (.*/)?($re):[0-9]+:[0-9]+$" "$1" || true; } |
		sort -u
}

# build_clean OBJ LOG WHAT [make args]: build, then fail on errors and on
# warnings from the series' files.
build_clean() {
	local o=$1 log=$2 what=$3 w
	shift 3
	kmake "$o" -s "$@" >"$log" 2>&1 ||
		{ echo "$what does not build"; grep -E 'error' "$log" | head -10; return 1; }
	w=$(series_warnings "$log")
	[ -z "$w" ] || { echo "$what: warnings in the series' files (log: $log)"; echo "$w" | head -10; return 1; }
}

gate_checkpatch() {
	local ignore bad=0 p out
	ignore=$(grep -v '^#' "$TOP/config/checkpatch.ignore" | awk 'NF { print $1 }' | paste -sd,)
	for p in $(series_patches); do
		out=$("$WORK/scripts/checkpatch.pl" --strict --no-tree --quiet --show-types \
			${ignore:+--ignore "$ignore"} "$TOP/series/$p" 2>&1) || true
		if [ -n "$out" ]; then
			echo "$p:"; echo "$out" | sed 's/^/  /'
			bad=1
		fi
	done
	[ $bad = 1 ] || echo "$(nr_patches) patches: checkpatch.pl --strict reports nothing"
	return $bad
}

gate_export() {
	local tmp head
	tmp=$(mktemp -d)
	trap 'git -C "$WORK" worktree remove --force "$tmp/wt" >/dev/null 2>&1; rm -rf "$tmp"' RETURN
	git -C "$WORK" worktree add -q --detach "$tmp/wt" "$BASE_TAG"
	mapfile -t patches < <(series_patches)
	git_id -C "$tmp/wt" am -q --committer-date-is-author-date "${patches[@]/#/$TOP/series/}" ||
		{ echo "series/ does not apply to $BASE_TAG"; return 1; }
	[ "$(git -C "$tmp/wt" rev-parse HEAD^{tree})" = "$(git -C "$WORK" rev-parse HEAD^{tree})" ] ||
		{ echo "series/ does not give the work tree's tree (export first?)"; return 1; }
	head=$(git -C "$tmp/wt" rev-parse HEAD)
	mkdir "$tmp/out"
	format_series "$tmp/out" "$BASE_TAG..$head"
	for p in $(series_patches); do
		cmp -s "$tmp/out/$p" "$TOP/series/$p" ||
			{ echo "$p: export is not byte-identical"; diff -u "$TOP/series/$p" "$tmp/out/$p" | head; return 1; }
	done
	echo "$(nr_patches) patches round-trip byte-identical"
}

# use_gcc: from here on build with GCC and without Rust.
use_gcc() {
	export TOOLCHAIN=gcc
	. "$TOP/scripts/lib.sh"
}

gate_bisect() {
	local i n revs rev subject
	n=$(nr_patches)
	mapfile -t revs < <(git -C "$WORK" rev-list --reverse "$BASE_TAG..HEAD")
	[ ${#revs[@]} = "$n" ] || { echo "work tree has ${#revs[@]} commits, series/ $n"; return 1; }
	for i in $(seq 1 "$n"); do
		rev=${revs[$((i - 1))]}
		checkout "$rev"
		subject=$(git -C "$WORK" log -1 --format=%s "$rev")
		# Each prefix takes what options it has; the last one is the
		# whole series with the verified test configuration.
		"$TOP/scripts/config-kernel.sh" $([ "$i" = "$n" ] || echo --lenient) \
			"$OBJ/bisect" tinyconfig "$TOP/config/test.config" "$TOP/config/tdx-host.config" ||
			return 1
		build_clean "$OBJ/bisect" "$LOGS/gate-bisect-$i.log" \
			"patch $i/$n ($subject)" bzImage modules ||
			return 1
		echo "patch $i/$n builds: $subject"
	done
}

# The configurations of the matrix, on top of the test configuration (which
# is the matrix entry with KEXEC_JUMP=y).
MATRIX="tdx-off kexec-off crash-off kexec-jump-off"

gate_matrix() {
	local m
	checkout HEAD
	for m in $MATRIX; do
		"$TOP/scripts/config-kernel.sh" "$OBJ/matrix" tinyconfig "$TOP/config/test.config" \
			"$TOP/config/tdx-host.config" "$TOP/config/matrix/common.config" \
			"$TOP/config/matrix/$m.config" || return 1
		build_clean "$OBJ/matrix" "$LOGS/gate-matrix-$m.log" "$m" bzImage modules || return 1
		echo "$m builds"
	done
	use_gcc
	"$TOP/scripts/config-kernel.sh" "$OBJ/gcc" tinyconfig "$TOP/config/test.config" \
		"$TOP/config/tdx-host.config" "$TOP/config/matrix/gcc-norust.config" || return 1
	build_clean "$OBJ/gcc" "$LOGS/gate-matrix-gcc.log" gcc-norust bzImage || return 1
	echo "gcc-norust builds"
}

# The C files of the series that the GCC configuration builds.
touched_objs() {
	series_files '*.c' '*.S' |
		sed 's/\.[cS]$/.o/' | while read -r f; do
			if [ -f "$OBJ/$1/$(dirname "$f")/.$(basename "$f").cmd" ]; then echo "$f"; fi
		done
}

gate_warnings() {
	local f objs out bad=0
	use_gcc
	checkout HEAD
	[ -f "$OBJ/gcc/vmlinux" ] || { echo "build the matrix first"; return 1; }
	objs=$(touched_objs gcc)
	[ -n "$objs" ] || { echo "the GCC build has none of the series' C files"; return 1; }
	for f in $objs; do
		rm -f "$OBJ/gcc/$f"
		out=$(kmake "$OBJ/gcc" W=1 "$f" 2>&1 | grep -E 'warning:' || true)
		if [ -n "$out" ]; then
			echo "$out"
			bad=1
		else
			echo "$f: no W=1 warnings"
		fi
	done
	return $bad
}

gate_distro() {
	local cfg o=$OBJ/distro f
	use_gcc
	cfg=$BUILD/config.amd64_none_amd64
	dpkg-deb --fsys-tarfile "$CACHE/$BASE_CFG_DEB" |
		tar -xO ./usr/src/linux-config-6.12/config.amd64_none_amd64.xz | xz -d >"$cfg"
	grep -qx 'CONFIG_KEXEC=y' "$cfg" && grep -qx 'CONFIG_CRASH_DUMP=y' "$cfg" ||
		{ echo "Debian's config does not have KEXEC and CRASH_DUMP"; return 1; }

	checkout "$BASE_TAG"
	if "$TOP/scripts/config-kernel.sh" "$o" "$cfg" "$TOP/config/distro-tdx.config" 2>/dev/null; then
		echo "without the series Debian's config took INTEL_TDX_HOST=y"
		return 1
	fi
	echo "without the series: INTEL_TDX_HOST=y is refused ($(grep -E '^# CONFIG_INTEL_TDX_HOST|^CONFIG_INTEL_TDX_HOST' "$o/.config" || echo unset))"

	checkout HEAD
	"$TOP/scripts/config-kernel.sh" "$o" "$cfg" "$TOP/config/distro-tdx.config" || return 1
	echo "with the series: $(grep -E '^CONFIG_(INTEL_TDX_HOST|KEXEC|KEXEC_FILE|CRASH_DUMP)=' "$o/.config" | paste -sd' ')"
	kmake "$o" -s prepare >"$LOGS/gate-distro.log" 2>&1 || { tail "$LOGS/gate-distro.log"; return 1; }
	# Every C and assembly file of the series but the Rust helpers.
	for f in $(series_files '*.c' '*.S' ':!rust/' | sed 's/\.[cS]$/.o/'); do
		kmake "$o" -s "$f" >>"$LOGS/gate-distro.log" 2>&1 ||
			{ echo "$f does not build with Debian's config"; tail "$LOGS/gate-distro.log"; return 1; }
		echo "$f builds with Debian's config"
	done
}

"gate_$1"
