#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fetch the pinned Debian packages into cache/ and check their sha256.

. "$(dirname "$0")/lib.sh"
mkdir -p "$CACHE"
cd "$CACHE"

fetch() {	# fetch DEB SHA256 PACKAGE
	local deb=$1 sum=$2 pkg=$3 got
	if [ ! -f "$deb" ]; then
		note "downloading $pkg=$BASE_PKG_VERSION"
		apt-get download "$pkg=$BASE_PKG_VERSION" >/dev/null 2>"$CACHE/download.log" ||
			die "cannot download $pkg version $BASE_PKG_VERSION (expected exactly this version; $(apt-cache policy "$pkg" 2>/dev/null | awk '/Candidate/ {print "the archive offers " $2}'))"
	fi
	got=$(sha256sum "$deb" | cut -d' ' -f1)
	[ "$got" = "$sum" ] ||
		die "$deb: sha256 $got, expected $sum (remove it from $CACHE to fetch again)"
}

fetch "$BASE_SRC_DEB" "$BASE_SRC_SHA256" linux-source-6.12
fetch "$BASE_CFG_DEB" "$BASE_CFG_SHA256" linux-config-6.12
