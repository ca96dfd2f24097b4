#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fetch the pinned Debian packages of the base (BASE=) into cache/ and check
# their sha256.  apt runs with a private configuration under cache/, naming
# the base's suites, so that the machine's own sources are neither used nor
# changed: a Debian 12 machine fetches Debian 13's packages the same way.
# DEBIAN_MIRROR overrides the mirror.

. "$(dirname "$0")/lib.sh"
mkdir -p "$CACHE"
cd "$CACHE"

apt_dir=$CACHE/apt-$BASE
mirror=${DEBIAN_MIRROR:-http://deb.debian.org}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
APT_OPTS=(-o Dir::Etc::SourceList="$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
	  -o Dir::State::Lists="$apt_dir/lists" -o Dir::Cache="$apt_dir/cache"
	  -o Dir::State::status=/dev/null -o APT::Architecture=amd64
	  -o APT::Sandbox::User="$(id -un)")

# The base's package lists, read once by the first download.
updated=
update_lists() {
	[ -f "$keyring" ] || die "$keyring is missing (install debian-archive-keyring)"
	mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
	local s
	for s in $BASE_SUITES; do
		case $s in
		*-security) echo "deb [signed-by=$keyring] $mirror/debian-security $s main" ;;
		*) echo "deb [signed-by=$keyring] $mirror/debian $s main" ;;
		esac
	done >"$apt_dir/sources.list"
	apt-get "${APT_OPTS[@]}" update >"$CACHE/download.log" 2>&1 ||
		die "cannot read the package lists of $BASE_SUITES from $mirror (see $CACHE/download.log)"
}

# The versions of PACKAGE newer than the pin that the mirror has.
newer_versions() {
	apt-cache "${APT_OPTS[@]}" madison "$1" 2>/dev/null | awk -F' [|] ' '{ print $2 }' | sort -u |
		while read -r v; do
			dpkg --compare-versions "$v" gt "$BASE_PKG_VERSION" && echo "$v"
		done | sort -V | paste -sd' '
}

fetch() {	# fetch DEB SHA256 PACKAGE
	local deb=$1 sum=$2 pkg=$3 got newer
	if [ ! -f "$deb" ]; then
		[ -n "$updated" ] || { update_lists; updated=1; }
		note "downloading $pkg=$BASE_PKG_VERSION ($BASE)"
		if ! apt-get "${APT_OPTS[@]}" download "$pkg=$BASE_PKG_VERSION" >>"$CACHE/download.log" 2>&1; then
			newer=$(newer_versions "$pkg")
			die "$BASE_SUITES on $mirror no longer have $pkg $BASE_PKG_VERSION, the version BASE=$BASE pins; ${newer:+newer ones there: $newer; }move the pin in scripts/lib.sh (README, \"Bases\")"
		fi
	fi
	got=$(sha256sum "$deb" | cut -d' ' -f1)
	[ "$got" = "$sum" ] ||
		die "$deb: sha256 $got, expected $sum (remove it from $CACHE to fetch again)"
}

fetch "$BASE_SRC_DEB" "$BASE_SRC_SHA256" linux-source-6.12
fetch "$BASE_CFG_DEB" "$BASE_CFG_SHA256" linux-config-6.12
