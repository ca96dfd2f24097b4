#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# debian-image.sh NAME KERNEL...: the Debian 12 system of the operator's
# flow (scripts/debian-root.sh) with KERNEL installed the Debian way, on a
# disk image QEMU boots, in build/debian/NAME/:
#
#   disk.img		the root file system (ext4, /dev/vda)
#   vmlinuz, initrd.img	the kernel and the initrd initramfs-tools made
#   release		the kernel's release (uname -r)
#   root/		the tree the image was made from, for crash
#
# KERNEL is a linux-image .deb, or a package of the Debian archive as
# NAME=VERSION; a -dbg .deb among them is installed in root/ only, after
# the image is made (crash runs there, on the host: the system under TCG
# would take minutes to read its vmlinux).  The test's driver (guest/)
# starts once the system is up; it does nothing unless the command line
# names a scenario (tdxop=).
# Exits 77, saying why, when this machine cannot make the root.

. "$(dirname "$0")/lib.sh"

name=$1; shift
dir=$BUILD/debian/$name root=$BUILD/debian/$name/root
tarball=$("$TOP/scripts/debian-root.sh" system bookworm systemd-sysv udev kmod procps \
	initramfs-tools busybox zstd kdump-tools kexec-tools makedumpfile) ||
	{ rc=$?; echo "$tarball"; exit $rc; }

in_root() { chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }
umount_root() {
	local m
	for m in var/cache/apt/archives proc sys dev; do
		! mountpoint -q "$root/$m" || umount "$root/$m"
	done
}
trap umount_root EXIT

umount_root
rm -rf --one-file-system "$dir"
mkdir -p "$root" "$CACHE/debian-debs"
tar -C "$root" -xf "$tarball"
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
mount --bind /dev "$root/dev"
# The archive's packages are downloaded once.
mount --bind "$CACHE/debian-debs" "$root/var/cache/apt/archives"
cp /etc/resolv.conf "$root/etc/resolv.conf"

pkgs=() debug=()
for k in "$@"; do
	if [ "${k%-dbg_*.deb}" != "$k" ]; then
		debug+=("$k")
	elif [ -f "$k" ]; then
		cp "$k" "$root/tmp/"
		pkgs+=("/tmp/${k##*/}")
	else
		pkgs+=("$k")
	fi
done
# initramfs-tools as in images made in a chroot: the modules the machine
# needs for its root listed (MODULES=list), since the chroot cannot show
# them (MODULES=dep fails there, and kdump-tools' hook would use it).  Both
# initrds, the system's and the capture kernel's, take the list.
echo MODULES=list >"$root/etc/initramfs-tools/conf.d/modules"
printf '%s\n' virtio_pci virtio_blk ext4 >>"$root/etc/initramfs-tools/modules"
note "installing ${pkgs[*]##*/} in $root"
{ in_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive in_root apt-get install -y -qq \
	--no-install-recommends "${pkgs[@]}"; } >"$LOGS/debian-image-$name.log" 2>&1 ||
	die "cannot install ${pkgs[*]} (see $LOGS/debian-image-$name.log)"
rm -f "$root"/tmp/*.deb "$root/etc/resolv.conf"

release=$(cd "$root/lib/modules" && ls)
[ "$(echo "$release" | wc -w)" = 1 ] || die "not one kernel in $root: $release"
[ -f "$root/boot/initrd.img-$release" ] || die "initramfs-tools made no initrd for $release"
[ -f "$root/var/lib/kdump/initrd.img-$release" ] ||
	die "kdump-tools made no initrd for $release"
# What kdump-config's first load leaves, so that it keeps the initrd the
# package made rather than making it again at every boot (under TCG that
# takes minutes).
cp "$root/etc/kdump/sysctl.conf" "$root/var/lib/kdump/latest_sysctls-$release"

# kdump-tools' defaults but one: Debian 12's makedumpfile 1.7.2 does not
# know 6.12 ("The kernel version is not supported"), and the pages its
# default filter (-d 31) drops include some crash needs ("page excluded:
# ... xa_node shift"): it may drop zero pages only.
echo 'MAKEDUMP_ARGS="-c -d 1"' >>"$root/etc/default/kdump-tools"

# The system: its disk, a name, the test's driver.
echo "/dev/vda / ext4 defaults 0 1" >"$root/etc/fstab"
echo "tdxhost" >"$root/etc/hostname"
install -m 755 "$TOP/guest/tdxtest" "$root/usr/local/sbin/tdxtest"
install -m 644 "$TOP/guest/tdxtest.service" "$root/etc/systemd/system/tdxtest.service"
in_root systemctl enable -q tdxtest.service
umount_root

cp "$root/boot/vmlinuz-$release" "$dir/vmlinuz"
cp "$root/boot/initrd.img-$release" "$dir/initrd.img"
echo "$release" >"$dir/release"
mkfs.ext4 -q -F -L root -d "$root" "$dir/disk.img" 3G >"$LOGS/debian-mkfs-$name.log" 2>&1 ||
	die "cannot make the disk image (see $LOGS/debian-mkfs-$name.log)"
for k in ${debug[@]+"${debug[@]}"}; do
	dpkg --root="$root" -i "$k" >>"$LOGS/debian-image-$name.log" 2>&1 ||
		die "cannot install $k (see $LOGS/debian-image-$name.log)"
done
echo "$dir"
