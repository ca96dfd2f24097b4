# SPDX-License-Identifier: GPL-2.0
# Common settings for the harness scripts.  Sourced, not executed.

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=$TOP/cache

# The pinned bases: Debian's linux-source-6.12 and linux-config-6.12 of one
# release each, at a fixed version and sha256, fetched from the suites
# named (scripts/fetch-base.sh).  BASE= picks one; the default is the
# release the build machines run.  Each base builds under its own
# directory, laid out alike, so that ccache serves the files the two share.
BASES="bookworm trixie"
BASE=${BASE:-bookworm}
case $BASE in
bookworm)	# Debian 12
	BASE_PKG_VERSION=6.12.117-1~deb12u1
	BASE_SRC_SHA256=e849faf31ca3555757f3a8877cb01af92122f744f75d1f3102734651c4e14703
	BASE_CFG_SHA256=9837dbdf866d58ff9cc64f106dbf0cbf16d1ea6e369b83c338d05e8860224b27
	BUILD=$TOP/build ;;
trixie)		# Debian 13
	BASE_PKG_VERSION=6.12.118-1
	BASE_SRC_SHA256=b75bb2e78a5c7762254e2af7685085c788a67eb342cb4092ad2a05eaf9fc33b7
	BASE_CFG_SHA256=d8154165c97b5e1b249d4a4893d2ac6422cbc3001849b78ebd4fbd2de98272c3
	BUILD=$TOP/build/trixie ;;
*)
	echo "error: unknown BASE '$BASE' (one of: $BASES)" >&2
	exit 1 ;;
esac
BASE_SUITES="$BASE $BASE-updates $BASE-security"
BASE_KVER=${BASE_PKG_VERSION%%-*}
BASE_SRC_DEB=linux-source-6.12_${BASE_PKG_VERSION}_all.deb
BASE_CFG_DEB=linux-config-6.12_${BASE_PKG_VERSION}_amd64.deb
BASE_TAG=base-${BASE_KVER}

BINDGEN_VERSION=0.73.2

# The date of the commits the harness makes itself (base, test-only tree),
# so that they are the same objects on every machine.
FIXED_DATE=2026-11-14T12:56:00Z

# The one identity every commit of the series is made with.
PROJECT_NAME="TDX Host Kexec Project"
PROJECT_EMAIL="tdx-host-kexec@lists.invalid"

WORK=$BUILD/linux		# developer work tree: base + series
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

JOBS=${JOBS:-3}

# The CPUs QEMU gives every test kernel; each test checks they all came up.
QEMU_SMP=2

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

# kmake OBJDIR [make args...]: run Kbuild from the build checkout.
kmake() {
	local o=$1; shift
	mkdir -p "$o"
	o=$(cd "$o" && pwd)
	make -C "$SRC" O="$o" -j"$JOBS" "${KMAKE_LLVM[@]}" "${KMAKE_RUST[@]}" "$@"
}
