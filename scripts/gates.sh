#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# gates.sh GATE: the quality gates a distribution needs before it carries
# the series.  Each prints what it found and exits non-zero on a violation.
#
#   checkpatch	checkpatch.pl --strict on every patch of series/
#   export	series/ round-trips: applied to the base and exported again,
#		it is byte-identical, with the same tree
#   bisect	every prefix of series/ builds the test configuration (those
#		before the first Rust patch without Rust)
#   matrix	the series builds in the configurations of the matrix
#		(bisect and matrix also fail on a warning in a file of the
#		series, headers included)
#   warnings	no new W=1 warnings (GCC, Debian's config) in the C files
#		the series touches
#   distro	Debian's amd64 config takes INTEL_TDX_HOST=y with kexec and
#		kdump, only with the series, and the touched files build
#
# The builds use their own checkouts and objects (use_gates_tree, use_gcc),
# or the test kernel's place, which they give back as it was
# (place_take).  Each build follows one of the same world, so that it
# compiles only what its change touches.

. "$(dirname "$0")/lib.sh"
use_gates_tree
mkdir -p "$LOGS"

series_patches() { grep -v '^#' "$TOP/series/series" | sed '/^$/d'; }
nr_patches() { series_patches | wc -l; }

# checkout REV: point the gates' checkout at REV of the work tree.
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

# series/ is exported on the newest proven version of the default base.
# There it round-trips byte for byte; on any other base its patches must
# carry the same changes (same_changes), and the gate says that series/
# wants a refresh where the bytes differ.
gate_export() {
	local tmp head exported newest p moved=
	exported=$(sed -n 's/^# Order in which the patches apply to Debian linux-source-6.12 \([^ ]*\) (git am)\.$/\1/p' \
		"$TOP/series/series")
	newest=$(newest_proven "${BASES%% *}")
	[ -n "$exported" ] && [ "$exported" = "$newest" ] ||
		{ echo "series/ was exported on '${exported:-an unnamed base}', not on the newest proven base ${BASES%% *} $newest (make export there)"; return 1; }
	tmp=$(mktemp -d)
	trap 'git -C "$WORK" worktree remove --force "$tmp/wt" >/dev/null 2>&1; rm -rf "$tmp"' RETURN
	git -C "$WORK" worktree add -q --detach "$tmp/wt" "$BASE_TAG"
	mapfile -t patches < <(series_patches)
	git_id -C "$tmp/wt" am -q --committer-date-is-author-date "${patches[@]/#/$TOP/series/}" ||
		{ echo "series/ does not apply to $BASE_PKG_VERSION"; return 1; }
	[ "$(git -C "$tmp/wt" rev-parse HEAD^{tree})" = "$(git -C "$WORK" rev-parse HEAD^{tree})" ] ||
		{ echo "series/ does not give the work tree's tree (export first?)"; return 1; }
	head=$(git -C "$tmp/wt" rev-parse HEAD)
	mkdir "$tmp/out"
	format_series "$tmp/out" "$BASE_TAG..$head"
	for p in $(series_patches); do
		cmp -s "$tmp/out/$p" "$TOP/series/$p" && continue
		if [ "$exported" = "$BASE_PKG_VERSION" ]; then
			echo "$p: export is not byte-identical"; diff -u "$TOP/series/$p" "$tmp/out/$p" | head
			return 1
		fi
		cmp -s <(same_changes <"$tmp/out/$p") <(same_changes <"$TOP/series/$p") ||
			{ echo "$p: exported on $BASE_PKG_VERSION it makes other changes"
			  diff -u <(same_changes <"$TOP/series/$p") <(same_changes <"$tmp/out/$p") | head; return 1; }
		moved="$moved $p"
	done
	if [ -n "$moved" ]; then
		echo "$(nr_patches) patches: on $BASE_PKG_VERSION the same changes as series/, exported on $exported;" \
			"blob ids or line numbers differ in$moved: series/ wants a refresh when the proven list moves"
	else
		echo "$(nr_patches) patches round-trip byte-identical on $BASE_PKG_VERSION"
	fi
}

# use_gcc: from here on build with GCC and without Rust, as Debian does, in
# a checkout of its own: these gates move it between the base and the
# series, which would make the next build of the others start over.
use_gcc() {
	export TOOLCHAIN=gcc
	. "$TOP/scripts/lib.sh"
	use_gates_tree
	SRC=$GATES/src-gcc
}

gate_bisect() {
	local i n revs rev subject rust_from norust strict o clippy=
	n=$(nr_patches)
	mapfile -t revs < <(git -C "$WORK" rev-list --reverse "$BASE_TAG..HEAD")
	[ ${#revs[@]} = "$n" ] || { echo "work tree has ${#revs[@]} commits, series/ $n"; return 1; }
	# The prefixes before the first patch that touches Rust code build
	# without Rust, in the objects of the benchmark's kernel of the series
	# (bench/run.sh), whose configuration and C the last of them has:
	# rustc has no compiler cache here, and with Rust on every change to a
	# header the bindings include compiles the kernel crate again.  What
	# those patches change in such headers is compiled into the bindings
	# from the first Rust prefix on, which builds in the test kernel's
	# place (place_take) with CLIPPY=1, as the test kernel does.
	rust_from=$((n + 1))
	for i in $(seq 1 "$n"); do
		git -C "$WORK" diff --quiet "${revs[$((i - 1))]}^" "${revs[$((i - 1))]}" -- rust samples/rust ||
			{ rust_from=$i; break; }
	done
	o=$OBJ/bench-series
	for i in $(seq 1 "$n"); do
		if [ "$i" = "$rust_from" ]; then
			take_place || return 1
			o=$TEST_OBJ clippy=CLIPPY=1
		fi
		rev=${revs[$((i - 1))]}
		checkout "$rev"
		subject=$(git -C "$WORK" log -1 --format=%s "$rev")
		norust=; [ "$i" -lt "$rust_from" ] && norust=$TOP/config/matrix/norust.config
		# Each prefix takes what options it has; the last one before
		# Rust, which has all of the series' C that builds without
		# Rust, and the last one are checked to have every option the
		# fragments ask for (the test configuration, without Rust for
		# the former).  The configuration is made again only where it
		# can change.
		strict=--lenient
		[ "$i" = "$n" ] || [ "$i" = $((rust_from - 1)) ] && strict=
		if [ "$i" = 1 ] || [ "$i" = "$rust_from" ] || [ -z "$strict" ] || kconfig_changed "$rev"; then
			"$TOP/scripts/config-kernel.sh" $strict \
				"$o" tinyconfig "$TOP/config/test.config" \
				"$TOP/config/tdx-host.config" $norust || return 1
		fi
		build_clean "$o" "$LOGS/gate-bisect-$i.log" \
			"patch $i/$n ($subject)" $clippy bzImage modules ||
			return 1
		echo "patch $i/$n builds${norust:+ (without Rust)}: $subject"
	done
	give_back
}

# take_place: build from here on in the test kernel's place, given back
# on exit if not before (give_back).
take_place() {
	place_take || { echo "cannot copy the test kernel's objects"; return 1; }
	trap place_give_back EXIT
	SRC=$TEST_SRC
}

# give_back: the test kernel's place back as it was, or say why not.
give_back() {
	trap - EXIT
	place_give_back || { echo "cannot put the test kernel's objects and checkout back"; return 1; }
}

# kconfig_changed REV: REV changes what a configuration is made from.
kconfig_changed() {
	! git -C "$WORK" diff --quiet "$1^" "$1" -- '*Kconfig*' '*/configs/*' scripts/kconfig
}

# The configurations of the matrix, on top of the test configuration (which
# is the matrix entry with KEXEC_JUMP=y).  Without Rust (norust.config) is
# gate_bisect's last prefix before Rust, which the matrix would build again
# (the patches from the first Rust one on change no C outside rust/).  The
# Rust code of the series and what it binds change with INTEL_TDX_HOST
# alone (kernel::tdx, its helpers and the sample are built with it; their
# C interface in asm/tdx.h depends on no other option): tdx-off builds
# with Rust, the others without, so that Rust, which no compiler cache
# serves here, compiles once.
MATRIX="tdx-off kexec-off crash-off kexec-jump-off"
MATRIX_RUST=tdx-off

gate_matrix() {
	local m norust
	take_place || return 1
	checkout HEAD
	for m in $MATRIX; do
		norust=; [ "$m" = "$MATRIX_RUST" ] || norust=$TOP/config/matrix/norust.config
		"$TOP/scripts/config-kernel.sh" "$TEST_OBJ" tinyconfig "$TOP/config/test.config" \
			"$TOP/config/tdx-host.config" "$TOP/config/matrix/common.config" \
			"$TOP/config/matrix/$m.config" $norust || return 1
		build_clean "$TEST_OBJ" "$LOGS/gate-matrix-$m.log" "$m" CLIPPY=1 bzImage modules || return 1
		echo "$m builds${norust:+ (without Rust)}"
	done
	give_back
}

# The C and assembly files of the series, as objects, but the Rust helpers:
# Debian's config has no Rust.
distro_objs() { series_files '*.c' '*.S' ':!rust/' | sed 's/\.[cS]$/.o/'; }

# distro_config [--lenient]: Debian's amd64 config of the base with
# INTEL_TDX_HOST=y (config/distro-tdx.config) in $OBJ/distro, for the
# checkout as it is, checked as config-kernel.sh checks (--lenient: not).
distro_config() {
	local cfg=$BUILD/config.amd64_none_amd64
	debian_config "$cfg"
	grep -qx 'CONFIG_KEXEC=y' "$cfg" && grep -qx 'CONFIG_CRASH_DUMP=y' "$cfg" ||
		{ echo "Debian's config does not have KEXEC and CRASH_DUMP"; return 1; }
	"$TOP/scripts/config-kernel.sh" "$@" "$OBJ/distro" "$cfg" "$TOP/config/distro-tdx.config"
}

# w1_warnings REV [--lenient]: the W=1 warnings of the series' C and
# assembly files at REV, with GCC and Debian's config, one per line without
# line numbers, so that those of the base and the series compare.
# --lenient: a file that does not build there (not in the config without
# the series) has none.
w1_warnings() {
	local f o=$OBJ/distro rev=$1 lenient=${2:-}
	checkout "$rev"
	distro_config ${lenient:+"$lenient"} >&2 || return 1
	kmake "$o" -s prepare scripts >"$LOGS/gate-warnings.log" 2>&1 ||
		{ tail "$LOGS/gate-warnings.log" >&2; return 1; }
	for f in $(distro_objs); do
		[ -f "$SRC/${f%.o}.c" ] || [ -f "$SRC/${f%.o}.S" ] || continue
		rm -f "$o/$f"
		kmake "$o" W=1 "$f" >>"$LOGS/gate-warnings.log" 2>&1 || [ -n "$lenient" ] ||
			{ echo "$f does not build at $rev (log: $LOGS/gate-warnings.log)" >&2; return 1; }
	done
	sed -nE 's,^(\.\./)*(src[-a-z]*/)?([^ :]+):[0-9]+:[0-9]+: warning:,\3: warning:,p' \
		"$LOGS/gate-warnings.log" | sort
}

gate_warnings() {
	local base head new
	use_gcc
	base=$(w1_warnings "$BASE_TAG" --lenient) || return 1
	head=$(w1_warnings HEAD) || return 1
	new=$(comm -13 <(echo "$base") <(echo "$head"))
	if [ -n "$new" ]; then
		echo "new W=1 warnings with the series (log: $LOGS/gate-warnings.log):"
		echo "$new"
		return 1
	fi
	echo "$(distro_objs | wc -l) files of the series: no new W=1 warning with GCC and Debian's config" \
		"($(grep -c . <<<"$head") in the base too)"
}

gate_distro() {
	local o=$OBJ/distro f
	use_gcc
	checkout "$BASE_TAG"
	if distro_config 2>/dev/null; then
		echo "without the series Debian's config took INTEL_TDX_HOST=y"
		return 1
	fi
	echo "without the series: INTEL_TDX_HOST=y is refused ($(grep -E '^# CONFIG_INTEL_TDX_HOST|^CONFIG_INTEL_TDX_HOST' "$o/.config" || echo unset))"

	checkout HEAD
	distro_config || return 1
	echo "with the series: $(grep -E '^CONFIG_(INTEL_TDX_HOST|KEXEC|KEXEC_FILE|CRASH_DUMP)=' "$o/.config" | paste -sd' ')"
	kmake "$o" -s prepare >"$LOGS/gate-distro.log" 2>&1 || { tail "$LOGS/gate-distro.log"; return 1; }
	for f in $(distro_objs); do
		kmake "$o" -s "$f" >>"$LOGS/gate-distro.log" 2>&1 ||
			{ echo "$f does not build with Debian's config"; tail "$LOGS/gate-distro.log"; return 1; }
		echo "$f builds with Debian's config"
	done
}

"gate_$1"
