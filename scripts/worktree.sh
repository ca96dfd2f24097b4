#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Create the kernel work tree build/linux: the pinned base as the first
# (tagged) commit, then series/ applied with git am.  Does nothing if the
# work tree exists already; "worktree.sh --force" recreates it.

. "$(dirname "$0")/lib.sh"

if [ -d "$WORK/.git" ] && [ "${1:-}" != --force ]; then
	exit 0
fi

"$TOP/scripts/fetch-base.sh"

got=$(dpkg-deb -f "$CACHE/$BASE_SRC_DEB" Version)
[ "$got" = "$BASE_PKG_VERSION" ] ||
	die "$BASE_SRC_DEB is version $got, expected $BASE_PKG_VERSION"

rm -rf "$WORK" "$SRC" "$GATES"
git -C "$TOP" worktree prune 2>/dev/null || true
mkdir -p "$WORK"
note "unpacking linux-source-6.12 $BASE_PKG_VERSION"
dpkg-deb --fsys-tarfile "$CACHE/$BASE_SRC_DEB" |
	tar -xO ./usr/src/linux-source-6.12.tar.xz |
	tar -xJ -C "$WORK" --strip-components=1

kv=$(make -s -C "$WORK" kernelversion)
[ "$kv" = "$BASE_KVER" ] || die "unpacked tree is Linux $kv, expected $BASE_KVER"

# Fixed dates make the base commit, and with --committer-date-is-author-date
# every series commit, the same object on every machine.
export GIT_AUTHOR_DATE=$FIXED_DATE GIT_COMMITTER_DATE=$FIXED_DATE
cd "$WORK"
git init -q -b main
git config core.abbrev 12
git config user.name "$PROJECT_NAME"
git config user.email "$PROJECT_EMAIL"
git add -A -f	# Debian's top-level .gitignore ignores everything
git_id commit -q -m "Debian linux-source-6.12 $BASE_PKG_VERSION (Linux $BASE_KVER)"
git tag "$BASE_TAG"
unset GIT_AUTHOR_DATE GIT_COMMITTER_DATE

mapfile -t patches < <(grep -v '^#' "$TOP/series/series" | sed '/^$/d')
if [ ${#patches[@]} -gt 0 ]; then
	note "applying ${#patches[@]} patches from series/"
	git_id am -q --committer-date-is-author-date \
		"${patches[@]/#/$TOP/series/}" ||
		die "series/ does not apply to $BASE_TAG (git -C $WORK am --show-current-patch)"
fi
git -C "$WORK" worktree add -q --detach "$SRC" HEAD
