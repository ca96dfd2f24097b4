#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# mkinitramfs.sh OBJDIR OUTPUT
#
# Build the test initramfs: Debian's busybox-static, kexec-tools and
# makedumpfile with their shared libraries, initramfs/init, initramfs/kjump.c
# built static, the kernel image of OBJDIR as /boot/bzImage so the guest can
# kexec into it, and the modules of OBJDIR in /lib/modules.  That kernel
# image is also copied beside OUTPUT (OUTPUT without .cpio.gz, .bzImage):
# the kernel the tests boot with it, whatever OBJDIR builds next.

. "$(dirname "$0")/lib.sh"

obj=$1 out=$2
kernel=$obj/arch/x86/boot/bzImage
[ -f "$kernel" ] || die "no kernel image at $kernel"
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,lib,lib64,proc,sys,dev,tmp,boot,mnt,etc}
install -m755 /bin/busybox "$root/bin/busybox"
install -m755 "$TOP/initramfs/init" "$root/init"
gcc -static -O2 -Wall -Werror -o "$root/bin/kjump" "$TOP/initramfs/kjump.c" ||
	die "building initramfs/kjump.c failed"
install -m644 "$kernel" "$root/boot/bzImage"
for tool in /usr/sbin/kexec /usr/bin/makedumpfile; do
	[ -x "$tool" ] || die "$tool is missing (run 'make deps')"
	install -D -m755 "$tool" "$root$tool"
	for lib in $(ldd "$tool" | grep -o '/[^ ]*'); do
		[ -e "$root$lib" ] || install -D -m755 "$lib" "$root$lib"
	done
done
mkdir -p "$root/lib/modules"
find "$obj" -name '*.ko' -exec install -m644 {} "$root/lib/modules/" \;
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -1 >"$out"
install -m644 "$kernel" "${out%.cpio.gz}.bzImage"
