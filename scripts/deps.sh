#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install the build and test dependencies that are missing.  Idempotent.

. "$(dirname "$0")/lib.sh"
mkdir -p "$CACHE"

PKGS=(rustc-web rust-web-src rust-web-clippy rustfmt-web cargo-web
      clang-19 lld-19 llvm-19 libclang-19-dev
      gcc libc6-dev make flex bison bc libelf-dev libssl-dev cpio dwarves xz-utils
      zstd perl python3 kmod git ccache gnupg
      qemu-system-x86 kexec-tools makedumpfile busybox-static
      debhelper rsync debootstrap e2fsprogs)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
	note "installing Debian packages: ${missing[*]}"
	[ "$(id -u)" = 0 ] || die "missing packages (${missing[*]}); run as root or install them"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null ||
		die "apt-get update failed; cannot install: ${missing[*]}"
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$CACHE/apt.log" 2>&1 ||
		die "apt-get install failed for: ${missing[*]} (see $CACHE/apt.log)"
fi

if ! /usr/local/bin/bindgen --version 2>/dev/null | grep -qx "bindgen $BINDGEN_VERSION"; then
	note "installing bindgen-cli $BINDGEN_VERSION from crates.io"
	# Debian's cargo and rustc (cargo-web, rustc-web), never a rustup proxy
	# that may come first on PATH without a toolchain behind it.
	[ -x /usr/bin/cargo ] || die "/usr/bin/cargo (Debian's cargo-web) is missing"
	RUSTC=/usr/bin/rustc CARGO_HOME=$CACHE/cargo /usr/bin/cargo install --locked --quiet \
		--root /usr/local bindgen-cli --version "$BINDGEN_VERSION" \
		>"$CACHE/bindgen.log" 2>&1 ||
		die "cargo install bindgen-cli $BINDGEN_VERSION failed (see $CACHE/bindgen.log)"
fi
