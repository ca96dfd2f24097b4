#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# fresh-hosts.sh RELEASE: show that a plain Debian RELEASE (bookworm,
# trixie) runs the harness.  A minimal root made with debootstrap gets git,
# make and ca-certificates only (scripts/debian-root.sh, which keeps it in
# cache/: deps.sh updates its package lists), and this checkout as a clone
# with its working tree's files; a stand-in for a rustup cargo without a
# toolchain comes first on PATH, as on machines with rustup.  There:
# scripts/deps.sh must install everything and Debian's toolchain and
# bindgen-cli $BINDGEN_VERSION, then, with that release's QEMU,
# kexec-tools, makedumpfile and busybox, tests must pass: on the release
# this machine runs, whose tools make check's QEMU tests use already,
# base_resolution and kexec -l, kexec -s and kdump; on another release
# every test of make test (base_resolution and every QEMU test of the
# test kernel).  The initramfs is made in the root; the kernel, the work
# tree and the test kernel's checkout are this checkout's (read-only:
# rust_doctests reads the base's kunit.py there).

. "$(dirname "$0")/lib.sh"
rel=${1:?usage: fresh-hosts.sh RELEASE}
if [ "$(. /etc/os-release && echo "$VERSION_CODENAME")" = "$rel" ]; then
	FRESH_TESTS=${FRESH_TESTS:-base_resolution kexec_load kexec_file kdump_load}
else
	FRESH_TESTS=${FRESH_TESTS:---no-gates}
fi
read -r MIRROR _ < <(debian_mirrors)
root=$BUILD/fresh-$rel
log=$LOGS/fresh-$rel
mkdir -p "$LOGS"

in_root() { chroot "$root" /usr/bin/env -i HOME=/root PATH=/root/rustup/bin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"; }
cleanup() {
	local m
	for m in src/build/linux src/build/src sys proc dev; do
		! mountpoint -q "$root/$m" || umount -R -l "$root/$m"
	done
	rm -rf --one-file-system "$root"
}

[ "$(id -u)" = 0 ] || die "a fresh Debian root needs root (debootstrap, chroot, mounts)"
[ -f "$TEST_OBJ/arch/x86/boot/bzImage" ] || die "no test kernel in $TEST_OBJ (make build)"
python3 -c "import urllib.request as u; u.urlopen('$MIRROR/dists/$rel/Release', timeout=20)" 2>/dev/null ||
	die "the Debian mirror $MIRROR cannot be reached: a fresh $rel root cannot be made"
# The root with git, make and ca-certificates, kept in cache/ once made.
tarball=$("$TOP/scripts/debian-root.sh" "fresh-$rel" "$rel" git make ca-certificates) ||
	die "no minimal $rel root: $tarball"

trap cleanup EXIT
cleanup
mkdir -p "$root"
tar -C "$root" -xf "$tarball" || die "cannot unpack $tarball"
cp /etc/resolv.conf "$root/etc/resolv.conf"	# this machine's resolver
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
mount --rbind /dev "$root/dev"

# This machine's network setup, as a fresh machine on its network has it:
# the resolver, and the local CA certificates of an intercepting proxy.
if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
	cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
	in_root update-ca-certificates >"$log-ca.log" 2>&1 ||
		die "update-ca-certificates failed in the root (see $log-ca.log)"
fi

# What rustup leaves on PATH when it has no toolchain: a cargo that fails.
mkdir -p "$root/root/rustup/bin"
printf '#!/bin/sh\necho "error: rustup could not choose a version of cargo to run" >&2\nexit 1\n' \
	>"$root/root/rustup/bin/cargo"
chmod +x "$root/root/rustup/bin/cargo"

# A clone, with the working tree's files as they are.
git clone -q "$TOP" "$root/src"
(cd "$TOP" && git ls-files -co --exclude-standard -z | tar --null -T - -cf -) | tar -C "$root/src" -xf -
note "running scripts/deps.sh in a fresh Debian $rel"
if ! in_root /bin/bash -c 'cd /src && scripts/deps.sh' >"$log-deps.log" 2>&1; then
	for f in "$root"/src/cache/*.log; do cp "$f" "$log-${f##*/}"; done
	tail -5 "$log-deps.log"
	die "scripts/deps.sh failed in a fresh Debian $rel (logs: $log-*.log)"
fi
got=$(in_root /usr/local/bin/bindgen --version) || die "no bindgen in the fresh root"
[ "$got" = "bindgen $BINDGEN_VERSION" ] || die "fresh root has $got, expected bindgen $BINDGEN_VERSION"
in_root /usr/bin/rustc --version >/dev/null || die "no Debian rustc in the fresh root"
echo "fresh Debian $rel: scripts/deps.sh completed; $got, $(in_root /usr/bin/rustc --version)"
echo "  with $(in_root dpkg-query -W -f '${Package} ${Version}, ' qemu-system-x86 kexec-tools makedumpfile busybox-static | sed 's/, $//')"

# The tests, with the root's tools and this checkout's kernel and work tree.
mkdir -p "$root/src/build/linux" "$root/src/build/src" "$root/src/build/kobj/arch/x86/boot"
for d in linux src; do
	mount --bind "$BUILD/$d" "$root/src/build/$d" && mount -o remount,bind,ro "$root/src/build/$d" ||
		die "cannot mount build/$d in the root"
done
cp "$TEST_OBJ/arch/x86/boot/bzImage" "$root/src/build/kobj/arch/x86/boot/"
find "$TEST_OBJ" -name '*.ko' -exec cp {} "$root/src/build/kobj/" \;
if ! in_root /bin/bash -c "cd /src && git config --global --add safe.directory '*' &&
	scripts/mkinitramfs.sh build/kobj build/initramfs-test.cpio.gz &&
	tests/run.sh $FRESH_TESTS" >"$log-tests.log" 2>&1; then
	grep -E '^(PASS|FAIL|SKIP)|FAIL:' "$log-tests.log" | head -20
	mkdir -p "$log-logs" && cp "$root"/src/build/logs/*.log "$log-logs/" 2>/dev/null
	die "the tests failed in a fresh Debian $rel (logs: $log-tests.log, $log-logs/)"
fi
tail -1 "$log-tests.log"
grep -qE '^[1-9][0-9]* passed, 0 failed, 0 skipped$' "$log-tests.log" ||
	die "not every test ran in the fresh Debian $rel (log: $log-tests.log)"
