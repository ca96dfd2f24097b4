#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Create the kernel work tree build/linux: the base (scripts/fetch-base.sh
# resolves its version) as the first commit, tagged "base", then series/
# applied with git am.  Does nothing while the work tree holds the version
# resolved now; made again, with series/ applied again, when the base
# moved, unless it holds work that series/ does not (then it stops).
# "worktree.sh --force" makes it again in any case, on the same terms.
# Nothing is changed when series/ does not apply to the new base.

. "$(dirname "$0")/lib.sh"

have=$BASE_PKG_VERSION
[ ! -d "$WORK/.git" ] || [ -n "$have" ] ||
	die "$WORK has no '$BASE_TAG' commit naming its base (made by an older harness): export what you need from it (make export), then remove it"

rc=0
version=$("$TOP/scripts/fetch-base.sh") || rc=$?
if [ $rc = 75 ] && [ -n "$have" ] && [ -z "${BASE_VERSION:-}" ]; then
	note "cannot resolve the base now; keeping $WORK on $have"
	exit 0
fi
[ $rc = 0 ] || exit $rc
[ "$version" = "$have" ] && [ "${1:-}" != --force ] && exit 0

mapfile -t patches < <(grep -v '^#' "$TOP/series/series" | sed '/^$/d')

# unexported: what the work tree holds that series/ and test-patches/ do
# not: uncommitted changes, commits of HEAD that export would change
# (compared as same_changes), commits of other branches not in HEAD.
unexported() {
	local tmp p ids
	[ -z "$(git -C "$WORK" status --porcelain -uno)" ] || echo "uncommitted changes"
	tmp=$(mktemp -d)
	format_series "$tmp" "$BASE_TAG..HEAD"
	(cd "$tmp" && ls) | diff -q - <(printf '%s\n' "${patches[@]}") >/dev/null ||
		echo "commits of HEAD that series/ does not have (make export)"
	for p in "${patches[@]}"; do
		[ ! -f "$tmp/$p" ] || cmp -s <(same_changes <"$tmp/$p") <(same_changes <"$TOP/series/$p") ||
			echo "a commit of HEAD that differs from series/$p (make export)"
	done
	rm -rf "$tmp"
	ids=$(cat "$TOP"/series/*.patch "$TOP"/test-patches/*.patch 2>/dev/null |
		git -C "$WORK" patch-id --stable | cut -d' ' -f1)
	git -C "$WORK" log -p --format='commit %H' --branches --not HEAD "$BASE_TAG" |
		git -C "$WORK" patch-id --stable | while read -r id c; do
			grep -qx "$id" <<<"$ids" ||
				echo "commit $(git -C "$WORK" log -1 --format='%h (%s) on' "$c") $(git -C "$WORK" branch --contains "$c" --format='%(refname:short)' | paste -sd,)"
		done
}

if [ -n "$have" ]; then
	work=$(unexported)
	[ -z "$work" ] ||
		die "$WORK holds work not in series/, on base $have; the base is now $version.  Nothing was changed.  Export it on the old base (make export BASE_VERSION=$have) or move it yourself (docs/carrying.md, \"When 6.12.y moves\"):
$(sed 's/^/  /' <<<"$work")"
	note "making $WORK again: base $have -> $version"
fi

base_debs "$version"
kver=${version%%-*}
new=$WORK.new
rm -rf "$new"
trap 'rm -rf "$new"' EXIT
mkdir -p "$new"
note "unpacking linux-source-6.12 $version"
dpkg-deb --fsys-tarfile "$CACHE/$BASE_SRC_DEB" |
	tar -xO ./usr/src/linux-source-6.12.tar.xz |
	tar -xJ -C "$new" --strip-components=1
kv=$(make -s -C "$new" kernelversion)
[ "$kv" = "$kver" ] || die "linux-source-6.12 $version unpacks to Linux $kv, expected $kver"

# Fixed dates make the base commit, and with --committer-date-is-author-date
# every series commit, the same object on every machine.
export GIT_AUTHOR_DATE=$FIXED_DATE GIT_COMMITTER_DATE=$FIXED_DATE
cd "$new"
git init -q -b main
git config core.abbrev 12
git config user.name "$PROJECT_NAME"
git config user.email "$PROJECT_EMAIL"
git add -A -f	# Debian's top-level .gitignore ignores everything
git_id commit -q -m "Debian linux-source-6.12 $version (Linux $kver)"
git tag "$BASE_TAG"
unset GIT_AUTHOR_DATE GIT_COMMITTER_DATE

if [ ${#patches[@]} -gt 0 ]; then
	note "applying ${#patches[@]} patches from series/"
	if ! git_id am -q --committer-date-is-author-date "${patches[@]/#/$TOP/series/}" >"$new.am.log" 2>&1; then
		n=$(cat .git/rebase-apply/next 2>/dev/null || echo 0)
		rm -f "$new.am.log"
		die "series/ does not apply to Debian linux-source-6.12 $version (BASE=$BASE): ${patches[$((n - 1))]:-a patch} fails.  $WORK is as it was${have:+, on $have}; BASE_VERSION=${have:-VERSION} keeps a base it applies to; to move the series: docs/carrying.md, \"When 6.12.y moves\""
	fi
	rm -f "$new.am.log"
fi
cd "$TOP"

rm -rf "$WORK" "$SRC" "$GATES"
git -C "$TOP" worktree prune 2>/dev/null || true
mv "$new" "$WORK"
git -C "$WORK" worktree add -q --detach "$SRC" HEAD
note "$WORK: Debian linux-source-6.12 $version with ${#patches[@]} patches"
