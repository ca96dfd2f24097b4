#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Export the work tree's commits after the base tag to series/.  The same
# commits always give byte-identical files.  series/series names the base
# version they were exported on: the newest proven one of the default base
# (docs/carrying.md, "The bases, and what is proven"), so that gate_export can check them byte for byte.

. "$(dirname "$0")/lib.sh"

[ -d "$WORK/.git" ] || die "no work tree; run 'make worktree' first"
[ -z "$(git -C "$WORK" status --porcelain -uno)" ] ||
	die "$WORK has uncommitted changes; commit them first"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
format_series "$tmp" "$BASE_TAG..HEAD"

find "$TOP/series" -name '[0-9][0-9][0-9][0-9]-*.patch' ! -name '0000-*' -delete
cp "$tmp"/*.patch "$TOP/series/" 2>/dev/null || true
{
	echo "# Order in which the patches apply to Debian linux-source-6.12 $BASE_PKG_VERSION (git am)."
	(cd "$TOP/series" && ls [0-9][0-9][0-9][0-9]-*.patch 2>/dev/null | grep -v '^0000-') || true
} >"$TOP/series/series"
note "exported $(grep -vc '^#' "$TOP/series/series") patches to series/"
