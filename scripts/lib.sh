# SPDX-License-Identifier: GPL-2.0
# Common settings for the harness scripts.  Sourced, not executed.

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=$TOP/cache

# The bases: Debian's linux-source-6.12 and linux-config-6.12 of one
# release each.  BASE= picks the release; the default is the one the build
# machines run.  The version is resolved from the release's suites when the
# work tree is made (scripts/fetch-base.sh): the newest one both packages
# have, or BASE_VERSION= if given; config/proven-bases lists the versions
# make check passed on, with the sha256 of both packages.  Each base builds
# under its own directory, laid out alike, so that ccache serves the files
# the two share.
BASES="bookworm trixie"
BASE=${BASE:-bookworm}
case $BASE in
bookworm) BUILD=$TOP/build ;;		# Debian 12
trixie) BUILD=$TOP/build/trixie ;;	# Debian 13
*)
	echo "error: unknown BASE '$BASE' (one of: $BASES)" >&2
	exit 1 ;;
esac
BASE_SUITES="$BASE $BASE-updates $BASE-security"
PROVEN=${PROVEN:-$TOP/config/proven-bases}
# The work tree's base commit, whose subject names the version it holds.
BASE_TAG=base

# base_debs VERSION: the file names of the two packages at VERSION.
base_debs() {
	BASE_SRC_DEB=linux-source-6.12_${1}_all.deb
	BASE_CFG_DEB=linux-config-6.12_${1}_amd64.deb
}

# proven VERSION: the line of config/proven-bases for this base at VERSION:
# release, version, sha256 of linux-source-6.12 and of linux-config-6.12,
# the date make check passed on it.
proven() { awk -v b="$BASE" -v v="$1" '$1 == b && $2 == v' "$PROVEN"; }
# newest_proven RELEASE: the newest version of RELEASE make check passed on.
newest_proven() { awk -v b="$1" '$1 == b { print $2 }' "$PROVEN" | sort -V | tail -1; }

# debian_mirrors: the archive and security archive URIs (no trailing
# slash): below DEBIAN_MIRROR if set, else the ones this machine's own apt
# sources use for Debian, else deb.debian.org.
debian_mirrors() {
	local main= sec= codename
	if [ -n "${DEBIAN_MIRROR:-}" ]; then
		main=$DEBIAN_MIRROR/debian sec=$DEBIAN_MIRROR/debian-security
	else
		codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
		if [ -n "$codename" ]; then
			read -r main sec < <(apt-get indextargets --format '$(RELEASE) $(REPO_URI)' 2>/dev/null |
				awk -v c="$codename" '$1 == c && !m { m = $2 } $1 == c "-security" && !s { s = $2 }
					END { print (m ? m : "-"), (s ? s : "-") }')
			[ "$main" != - ] || main=
			[ "$sec" != - ] || sec=
		fi
		main=${main:-http://deb.debian.org/debian} sec=${sec:-http://deb.debian.org/debian-security}
	fi
	echo "${main%/} ${sec%/}"
}

BINDGEN_VERSION=0.73.2

# The date of the commits the harness makes itself (base, test-only tree),
# so that they are the same objects on every machine.
FIXED_DATE=2026-11-14T12:56:00Z

# The one identity every commit of the series is made with.
PROJECT_NAME="TDX Host Kexec Project"
PROJECT_EMAIL="tdx-host-kexec@lists.invalid"

WORK=$BUILD/linux		# developer work tree: base + series
# worktree_version: the version of the base the work tree holds, if any.
worktree_version() {
	{ git -C "$WORK" log -1 --format=%s "$BASE_TAG" -- 2>/dev/null || true; } |
		sed -n 's/^Debian linux-source-6.12 \([^ ]*\) (Linux .*)$/\1/p'
}
BASE_PKG_VERSION=$(worktree_version)
base_debs "$BASE_PKG_VERSION"
SRC=${SRC:-$BUILD/src}		# build checkout: series (+ test-only patches)
OBJ=$BUILD/obj			# one object directory per configuration
LOGS=$BUILD/logs
GATES=$BUILD/gates		# the gates' and the benchmark's checkouts and objects

# use_gates_tree: from here on use the checkout and objects of the gates
# and the benchmark, laid out as the test kernel's (src/ beside obj/) so
# that ccache, which sees paths relative to the object directory, serves
# them what the test kernel compiled and the other way round.
use_gates_tree() {
	SRC=$GATES/src
	OBJ=$GATES/obj
	export SRC
}

# The test kernel's checkout and objects (scripts/build-kernel.sh test).
TEST_SRC=$BUILD/src
TEST_OBJ=$BUILD/obj/test

# place_take: build other trees of the series with Rust in the test
# kernel's place: a copy of its objects at their own path, from its
# checkout, while its own objects wait beside them.  Kbuild writes both
# paths into the commands it compares, for Rust too, which no cache
# serves: anywhere else every Rust object would compile again.
# place_give_back puts the test kernel's objects and checkout back,
# when this process took them.  When the checkout is back at the tree it
# had at the take, the files written in it since (what the gates checked
# out, then the way back) hold what those objects were built from: they
# are dated as the objects' configuration, else Kbuild would compile them
# again.  Another tree (the work tree moved meanwhile) keeps its dates.
place_take() {
	rm -rf "$TEST_OBJ.kept" "$TEST_OBJ.copy" &&
		TEST_PLACE_TREE=$(git -C "$TEST_SRC" rev-parse HEAD^{tree}) &&
		touch "$TEST_OBJ.taken" &&
		cp -a "$TEST_OBJ" "$TEST_OBJ.copy" &&
		mv "$TEST_OBJ" "$TEST_OBJ.kept" && mv "$TEST_OBJ.copy" "$TEST_OBJ" &&
		TEST_PLACE_TAKEN=1
}
place_give_back() {
	[ -n "${TEST_PLACE_TAKEN:-}" ] || return 0
	TEST_PLACE_TAKEN=
	rm -rf "$TEST_OBJ" && mv "$TEST_OBJ.kept" "$TEST_OBJ" &&
		SRC=$TEST_SRC "$TOP/scripts/checkout.sh" HEAD "$TOP"/test-patches/*.patch || return
	if [ "$(git -C "$TEST_SRC" rev-parse HEAD^{tree})" = "$TEST_PLACE_TREE" ]; then
		find "$TEST_SRC" -path "$TEST_SRC/.git" -prune -o -newer "$TEST_OBJ.taken" -type f -print0 |
			xargs -0r touch -r "$TEST_OBJ/.config" || return
	fi
	rm -f "$TEST_OBJ.taken"
}

# Kbuild's jobs: one more than the CPUs, as a build waits on I/O at times.
JOBS=${JOBS:-$(($(nproc) + 1))}

# The CPUs QEMU gives every test kernel, in QEMU_SOCKETS packages; each
# test checks they all came up.
QEMU_SMP=${QEMU_SMP:-4}
QEMU_SOCKETS=${QEMU_SOCKETS:-2}

# The CPU models, all bare metal (no hypervisor bit).  A kernel with the
# emulated TDX module runs on a TDX host: an Intel CPU of the erratum
# platform Sapphire Rapids (family 6, model 0x8f), so that the kernel's own
# check_tdx_erratum() decides; CPU_GNR is a later one without the erratum
# (Granite Rapids, model 0xad).  Other kernels run on QEMU's own model, an
# AMD CPU, which takes the SME path.
CPU_SPR="max,-hypervisor,vendor=GenuineIntel,family=6,model=143,stepping=8"
CPU_GNR="max,-hypervisor,vendor=GenuineIntel,family=6,model=173,stepping=1"
CPU_AMD="max,-hypervisor"

# Debian's rustc and its rust-src, not the rustup toolchain first on PATH.
KMAKE_RUST=(RUSTC=/usr/bin/rustc HOSTRUSTC=/usr/bin/rustc
	    RUSTDOC=/usr/bin/rustdoc RUSTFMT=/usr/bin/rustfmt
	    CLIPPY_DRIVER=/usr/bin/clippy-driver BINDGEN=/usr/local/bin/bindgen)
KMAKE_LLVM=(LLVM=-19 "CC=ccache clang-19")
# Paths relative to the checkout, so a fresh clone elsewhere hits the cache.
export CCACHE_BASEDIR=$TOP CCACHE_NOHASHDIR=1

# TOOLCHAIN=gcc builds with GCC and without Rust, as Debian builds its kernel.
if [ "${TOOLCHAIN:-llvm}" = gcc ]; then
	KMAKE_LLVM=("CC=ccache gcc")
	KMAKE_RUST=()
fi

die() { echo "error: $*" >&2; exit 1; }
note() { echo "==> $*" >&2; }

git_id() {
	git -c user.name="$PROJECT_NAME" -c user.email="$PROJECT_EMAIL" "$@"
}

# series_applied: the work tree has commits after the base.
series_applied() { [ -n "$(git -C "$WORK" rev-list "$BASE_TAG..HEAD")" ]; }

# format_series OUTDIR RANGE: the work tree's commits in RANGE as patches,
# the same bytes for the same commits.
format_series() {
	git -C "$WORK" -c core.abbrev=12 -c diff.algorithm=myers -c diff.renames=true \
		format-patch -q --zero-commit --no-signature --full-index -o "$1" "$2"
}

# same_changes: a patch as it reads whatever the base it was made on: the
# blob ids and line numbers dropped.
same_changes() { sed -E '/^index [0-9a-f]+\.\.[0-9a-f]+/d; s/^@@ .* @@.*/@@/'; }

# debian_config FILE: Debian's amd64 config of the base (linux-config-6.12)
# in FILE.
debian_config() {
	dpkg-deb --fsys-tarfile "$CACHE/$BASE_CFG_DEB" |
		tar -xO ./usr/src/linux-config-6.12/config.amd64_none_amd64.xz | xz -d >"$1"
}

# kmake OBJDIR [make args...]: run Kbuild from the build checkout.
kmake() {
	local o=$1; shift
	mkdir -p "$o"
	o=$(cd "$o" && pwd)
	make -C "$SRC" O="$o" -j"$JOBS" "${KMAKE_LLVM[@]}" "${KMAKE_RUST[@]}" "$@"
}
