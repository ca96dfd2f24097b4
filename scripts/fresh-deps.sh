#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# fresh-deps.sh: show that scripts/deps.sh installs everything the harness
# needs on a plain Debian 12.  A minimal root made with debootstrap gets
# git, make and ca-certificates only (scripts/debian-root.sh, which keeps
# it in cache/: deps.sh updates its package lists), and a clone of this
# repository; a stand-in for a rustup cargo without a toolchain comes
# first on PATH, as on machines with rustup.  deps.sh must run to completion there and leave
# Debian's toolchain and bindgen-cli $BINDGEN_VERSION installed.
#
# Exits 77, saying why, when this machine cannot make such a root.

. "$(dirname "$0")/lib.sh"
read -r MIRROR _ < <(debian_mirrors)
root=$BUILD/fresh-root
mkdir -p "$LOGS"

in_root() { chroot "$root" /usr/bin/env -i HOME=/root PATH=/root/rustup/bin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"; }
cleanup() {
	mountpoint -q "$root/proc" && umount "$root/proc"
	mountpoint -q "$root/dev" && umount "$root/dev"
	rm -rf --one-file-system "$root"
}

python3 -c "import urllib.request as u; u.urlopen('$MIRROR/dists/bookworm/Release', timeout=20)" 2>/dev/null ||
	{ echo "SKIP: the Debian mirror $MIRROR cannot be reached"; exit 77; }
# The root with git, make and ca-certificates, kept in cache/ once made.
tarball=$("$TOP/scripts/debian-root.sh" fresh bookworm git make ca-certificates) ||
	{ rc=$?; echo "$tarball"; exit $rc; }

trap cleanup EXIT
cleanup
mkdir -p "$root"
tar -C "$root" -xf "$tarball" || die "cannot unpack $tarball"
cp /etc/resolv.conf "$root/etc/resolv.conf"	# this machine's resolver
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"

# This machine's network setup, as a fresh machine on its network has it:
# the resolver, and the local CA certificates of an intercepting proxy.
if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
	cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
	in_root update-ca-certificates >"$LOGS/fresh-ca.log" 2>&1 ||
		die "update-ca-certificates failed in the root (see $LOGS/fresh-ca.log)"
fi

# What rustup leaves on PATH when it has no toolchain: a cargo that fails.
mkdir -p "$root/root/rustup/bin"
printf '#!/bin/sh\necho "error: rustup could not choose a version of cargo to run" >&2\nexit 1\n' \
	>"$root/root/rustup/bin/cargo"
chmod +x "$root/root/rustup/bin/cargo"

git clone -q "$TOP" "$root/src"
note "running scripts/deps.sh in the fresh root"
if ! in_root /bin/bash -c 'cd /src && scripts/deps.sh' >"$LOGS/fresh-deps.log" 2>&1; then
	for f in "$root"/src/cache/*.log; do cp "$f" "$LOGS/fresh-${f##*/}"; done
	tail -5 "$LOGS/fresh-deps.log"
	die "scripts/deps.sh failed in a fresh Debian 12 (logs: $LOGS/fresh-*.log)"
fi
got=$(in_root /usr/local/bin/bindgen --version) || die "no bindgen in the fresh root"
[ "$got" = "bindgen $BINDGEN_VERSION" ] || die "fresh root has $got, expected bindgen $BINDGEN_VERSION"
in_root /usr/bin/rustc --version >/dev/null || die "no Debian rustc in the fresh root"
echo "fresh Debian 12: scripts/deps.sh completed; $got, $(in_root /usr/bin/rustc --version)"
