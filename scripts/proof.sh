# SPDX-License-Identifier: GPL-2.0
# The record of the long proofs (proof/record), tied to their inputs.
# Sourced by tests/run.sh after scripts/lib.sh.
#
# A recorded part is a test of make check that takes minutes and whose
# verdict depends only on files of the repository, the base and the tools
# it runs with: proof/parts names each with the repository paths it reads.
# make proof runs them from a clean checkout and writes one line per part
# in proof/record/PART; make check then reports an unchanged part whose
# recorded verdict is PASS as proven, and runs every other.  The line:
# PART, VERDICT, the sha256 of the part's inputs (part_manifest), seconds,
# date (UTC), commit, and the tools it ran with (part_tools), tab
# separated.  One file a part, so that proofs of different parts run in
# different checkouts merge as commits.

PARTS_FILE=${PARTS_FILE:-$TOP/proof/parts}
RECORD=${RECORD:-$TOP/proof/record}

# recorded_parts: the parts proof/parts names, in its order.
recorded_parts() { sed -n 's/^\([a-z0-9_]*\):.*/\1/p' "$PARTS_FILE"; }
is_recorded() { recorded_parts | grep -qx -- "$1"; }

# part_paths PART: the repository paths PART reads, as proof/parts names
# them (directories whole, the sets "NAME = PATH..." expanded);
# "base:OTHER" stands for the base OTHER, "!FILE" for a file left out.
part_paths() {
	local w
	for w in $(sed -n "s/^$1:[[:space:]]*//p" "$PARTS_FILE"); do
		if [[ $w =~ ^[A-Z]+$ ]]; then
			sed -n "s/^$w = //p" "$PARTS_FILE" | grep . || { echo "error: proof/parts: no set $w" >&2; return 1; }
		else
			echo "$w"
		fi
	done | tr ' ' '\n' | sed '/^$/d'
}

# base_line [RELEASE]: the base a run tests: release, version and the
# sha256 of both packages, as in cache/.  Of another release, the version
# its suites resolve to now (scripts/fetch-base.sh, which fetches its
# packages when they are not in cache/ yet).
base_line() {
	local b=${1:-$BASE} v
	if [ "$b" = "$BASE" ]; then
		v=$BASE_PKG_VERSION
	else
		v=$(env -u SRC BASE="$b" "$TOP/scripts/fetch-base.sh" 2>/dev/null) || return
	fi
	[ -n "$v" ] || { echo "$b none"; return; }
	(base_debs "$v" && cd "$CACHE" && echo "$b $v $(sha256sum "$BASE_SRC_DEB" "$BASE_CFG_DEB" | cut -d' ' -f1 | paste -sd' ')")
}

# part_manifest PART: every input of PART, one a line: the git blob id of
# each file of the repository it reads, as the working tree has it (so an
# uncommitted change counts), and the base.  Its sha256 is the part's
# input hash.
part_manifest() {
	local p paths files=()
	echo "part $1"
	base_line || return
	paths=$(part_paths "$1") && [ -n "$paths" ] || { echo "error: proof/parts names no input of $1" >&2; return 1; }
	for p in $paths; do
		case $p in
		base:*) base_line "${p#base:}" || return ;;
		!*) ;;
		*) mapfile -t -O ${#files[@]} files < <(git -C "$TOP" ls-files -co --exclude-standard -- "$p")
		   [ -e "$TOP/$p" ] || { echo "error: proof/parts: $1 reads $p, which is not in the repository" >&2; return 1; } ;;
		esac
	done
	printf '%s\n' "${files[@]}" | LC_ALL=C sort -u | grep -vxF -f <(sed -n 's/^!//p' <<<"$paths"; echo /) |
	while read -r p; do
		[ -f "$TOP/$p" ] && echo "$(git -C "$TOP" hash-object -- "$p") $p"
	done
}
part_hash() { local m; m=$(part_manifest "$1") && sha256sum <<<"$m" | cut -d' ' -f1; }

# part_tools: the versions of the tools the parts run with, for the
# record's note (not an input: a newer compiler should not turn a proof
# stale by itself, but make check says where they differ).
PROOF_TOOLS="gcc-12 clang-19 rustc-web qemu-system-x86 kexec-tools makedumpfile busybox-static debootstrap"
part_tools() {
	dpkg-query -W -f '${Package}=${Version} ' $PROOF_TOOLS 2>/dev/null | sed 's/ $//'
	printf ' bindgen=%s\n' "$(/usr/local/bin/bindgen --version 2>/dev/null | cut -d' ' -f2)"
}

# record_line PART: PART's line of the record, if any.
record_line() { [ -f "$RECORD/$1" ] && awk -F'\t' -v p="$1" '$1 == p' "$RECORD/$1"; }

# proven PART: the record proves PART for exactly these inputs: its line
# has the verdict PASS and PART's input hash now.  Prints what the report
# says after "PROVEN PART ".
proven_part() {
	local line verdict hash secs date commit tools now
	line=$(record_line "$1") && [ -n "$line" ] || return 1
	IFS=$'\t' read -r _ verdict hash secs date commit tools <<<"$line"
	[ "$verdict" = PASS ] || return 1
	now=$(part_hash "$1") && [ "$now" = "$hash" ] || return 1
	echo "($date, ${commit:0:12}, inputs unchanged; it ran ${secs}s)"
	[ "$tools" = "$(part_tools)" ] ||
		echo "  note: recorded with $(diff <(tr ' ' '\n' <<<"$tools") <(part_tools | tr ' ' '\n') |
			sed -n 's/^< //p' | paste -sd' '), here $(diff <(tr ' ' '\n' <<<"$tools") <(part_tools | tr ' ' '\n') |
			sed -n 's/^> //p' | paste -sd' ')"
}

# tree_clean: the checkout has no change git would commit, nor an
# untracked file it would add, but the record itself.
tree_clean() {
	[ -z "$(git -C "$TOP" status --porcelain --untracked-files=all -- . ":!${RECORD#$TOP/}")" ]
}

# record_part PART VERDICT HASH SECONDS COMMIT: PART's line of the
# record, in place of the one it had.
record_part() {
	local tmp
	mkdir -p "$RECORD"
	tmp=$(mktemp "$RECORD/.$1.XXXXXX")
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$(date -u +%F)" "$5" "$(part_tools)" >"$tmp" &&
		mv "$tmp" "$RECORD/$1"
}
