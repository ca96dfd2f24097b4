#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# checkout.sh REV [PATCH...]
#
# Point the build checkout build/src at REV of the work tree with the given
# test-only patches applied on top.  The resulting tree is computed in a
# scratch index first; when it equals what build/src holds already nothing
# is touched, so incremental builds stay incremental.

. "$(dirname "$0")/lib.sh"

rev=$(git -C "$WORK" rev-parse --verify "$1^{commit}") || die "no such revision: $1"
shift
[ -d "$SRC" ] || git -C "$WORK" worktree add -q --detach "$SRC" "$rev"

idx=$(mktemp)
trap 'rm -f "$idx"' EXIT
export GIT_INDEX_FILE=$idx
git -C "$WORK" read-tree "$rev"
for p in "$@"; do
	git -C "$WORK" apply --cached "$p" || die "test-only patch $p does not apply"
done
tree=$(git -C "$WORK" write-tree)
unset GIT_INDEX_FILE

if [ "$(git -C "$SRC" rev-parse HEAD^{tree})" != "$tree" ]; then
	if [ $# -gt 0 ]; then
		export GIT_AUTHOR_DATE=$FIXED_DATE GIT_COMMITTER_DATE=$FIXED_DATE
		rev=$(git_id -C "$WORK" commit-tree "$tree" -p "$rev" -m "test-only patches")
	fi
	git -C "$SRC" checkout -q --detach "$rev"
fi
