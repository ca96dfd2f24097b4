#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# debian-root.sh NAME RELEASE PACKAGE...: a Debian root of RELEASE with
# PACKAGEs installed, made once with debootstrap from the release's
# packages and kept in cache/ as a tar archive (made again when the
# arguments change).  Prints the archive's path.  The operator's flow
# (tests/debian.sh) uses two: the Debian 12 system, and Debian 13's crash;
# gate_fresh_hosts two more: a plain Debian 12 and 13 with git and make.
# Exits 77, saying why, when this machine cannot make such a root.

. "$(dirname "$0")/lib.sh"
read -r MIRROR SECURITY < <(debian_mirrors)
NAME=$1 RELEASE=$2
shift 2
PKGS=("$@")
tarball=$CACHE/debian-$NAME-root.tar
stamp="$RELEASE ${PKGS[*]}"
root=$BUILD/debian/mkroot-$NAME
mkdir -p "$LOGS" "$CACHE"

if [ -f "$tarball" ] && [ "$(cat "$tarball.pkgs" 2>/dev/null)" = "$stamp" ]; then
	echo "$tarball"
	exit 0
fi

skip() { echo "SKIP: $*"; exit 77; }
in_root() { chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }
cleanup() {
	local m
	for m in proc sys dev; do
		! mountpoint -q "$root/$m" || umount "$root/$m"
	done
	rm -rf --one-file-system "$root"
}

[ "$(id -u)" = 0 ] || skip "debootstrap and chroot need root"
command -v debootstrap >/dev/null || skip "debootstrap is missing (scripts/deps.sh installs it)"

trap cleanup EXIT
cleanup
note "debootstrap $RELEASE (minbase) into $root"
debootstrap --variant=minbase "$RELEASE" "$root" "$MIRROR" >"$LOGS/debian-debootstrap-$NAME.log" 2>&1 ||
	die "debootstrap failed (see $LOGS/debian-debootstrap-$NAME.log)"
cat >"$root/etc/apt/sources.list" <<SOURCES
deb $MIRROR $RELEASE main
deb $MIRROR $RELEASE-updates main
deb $SECURITY $RELEASE-security main
SOURCES
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
mount --bind /dev "$root/dev"
# No service starts in the chroot.
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod +x "$root/usr/sbin/policy-rc.d"
# The operator's answer to kdump-tools' one question: enable it.
echo "kdump-tools kdump-tools/use_kdump boolean true" | in_root debconf-set-selections

note "installing ${PKGS[*]}"
{ in_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive in_root apt-get install -y -qq \
	--no-install-recommends "${PKGS[@]}" && in_root apt-get clean; } >"$LOGS/debian-root-$NAME.log" 2>&1 ||
	die "cannot install ${PKGS[*]} in the root (see $LOGS/debian-root-$NAME.log)"
rm -f "$root/usr/sbin/policy-rc.d" "$root/etc/resolv.conf"
for m in proc sys dev; do umount "$root/$m"; done

tar -C "$root" -cf "$tarball.tmp" . || die "cannot archive the root"
mv "$tarball.tmp" "$tarball"
echo "$stamp" >"$tarball.pkgs"
echo "$tarball"
