#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# fetch-base.sh: resolve the version of the base (BASE=) and fetch its two
# packages into cache/; print the version on standard output.
#
# The version is BASE_VERSION= if given, else the newest one that both
# linux-source-6.12 and linux-config-6.12 have in the release's suites.
# A version listed in config/proven-bases is checked against its sha256;
# another one is used with a notice.  apt verifies both against the signed
# archive.  apt runs with a private configuration under cache/, naming the
# base's suites on the machine's own Debian mirror (debian_mirrors), so
# that the machine's sources are neither used nor changed: a Debian 12
# machine fetches Debian 13's packages the same way.  Nothing in cache/
# changes unless the version resolves and its packages check.  Exits 75
# when the package lists cannot be read (no network, no mirror).

. "$(dirname "$0")/lib.sh"
mkdir -p "$CACHE"
cd "$CACHE"

apt_dir=$CACHE/apt-$BASE
keyring=${DEBIAN_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}
read -r main_uri sec_uri < <(debian_mirrors)
stage=$(mktemp -d "$CACHE/.stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
APT_OPTS=(-o Dir::Etc::SourceList="$stage/sources.list" -o Dir::Etc::SourceParts=/dev/null
	  -o Dir::State::Lists="$stage/lists" -o Dir::Cache="$stage/cache"
	  -o Dir::State::status=/dev/null -o APT::Architecture=amd64
	  -o APT::Sandbox::User="$(id -un)")

# The package lists, updated in a staging copy of the last ones (apt
# replaces files, so hard links are safe), kept only if the base resolves.
[ -f "$keyring" ] || die "$keyring is missing (install debian-archive-keyring)"
mkdir -p "$stage/lists/partial" "$stage/cache/archives/partial"
[ -d "$apt_dir/lists" ] && cp -al "$apt_dir/lists/." "$stage/lists/"
for s in $BASE_SUITES; do
	case $s in
	*-security) echo "deb [signed-by=$keyring] $sec_uri $s main" ;;
	*) echo "deb [signed-by=$keyring] $main_uri $s main" ;;
	esac
done >"$stage/sources.list"
apt-get "${APT_OPTS[@]}" update >"$stage/update.log" 2>&1 &&
	! grep -qE '^(W|E): ' "$stage/update.log" || {
	echo "error: cannot read the package lists of $BASE_SUITES from $main_uri and $sec_uri:" >&2
	grep -E '^(W|E): ' "$stage/update.log" | head -5 >&2
	exit 75		# EX_TEMPFAIL: worktree.sh keeps a work tree it has
}

# versions PACKAGE: the versions of PACKAGE in the suites, newest first.
versions() {
	apt-cache "${APT_OPTS[@]}" madison "$1" 2>/dev/null | awk -F' [|] ' '{ print $2 }' |
		sort -u | sort -rV
}
src_versions=$(versions linux-source-6.12)
cfg_versions=$(versions linux-config-6.12)
common=$(comm -12 <(sort <<<"$src_versions") <(sort <<<"$cfg_versions") | sed '/^$/d')
where="$BASE_SUITES on $main_uri and $sec_uri"

if [ -n "${BASE_VERSION:-}" ]; then
	version=$BASE_VERSION
	grep -qxF -- "$version" <<<"$src_versions" && grep -qxF -- "$version" <<<"$cfg_versions" || {
		newer=$(for v in $common; do
			dpkg --compare-versions "$v" gt "$version" && echo "$v"; done | sort -V | paste -sd' ')
		die "$where no longer have linux-source-6.12 and linux-config-6.12 $version, the version BASE_VERSION asks for; ${newer:+newer ones there: $newer; }leave BASE_VERSION unset for the newest (docs/carrying.md)"
	}
else
	version=$(sort -rV <<<"$common" | head -1)
	[ -n "$version" ] ||
		die "$where have no version of linux-source-6.12 that linux-config-6.12 has too (linux-source-6.12: ${src_versions:-none}; linux-config-6.12: ${cfg_versions:-none})"
fi

line=$(proven "$version")
newest=$(newest_proven "$BASE")
if [ -n "$line" ]; then
	note "base: $BASE linux-source-6.12 $version, proven by make check on $(awk '{ print $5 }' <<<"$line")"
else
	note "notice: $BASE linux-source-6.12 $version is not proven by this project (newest proven: ${newest:-none}); using it (docs/carrying.md)"
fi

base_debs "$version"
fetch() {	# fetch PACKAGE DEB FIELD: FIELD of the proven line is its sha256
	local pkg=$1 deb=$2 want got
	want=$([ -z "$line" ] || awk -v f="$3" '{ print $f }' <<<"$line")
	if [ ! -f "$deb" ]; then
		(cd "$stage" && apt-get "${APT_OPTS[@]}" download "$pkg=$version") >>"$stage/update.log" 2>&1 ||
			die "cannot download $pkg $version from $where: $(grep -E '^(W|E): ' "$stage/update.log" | tail -2)"
		got=$(sha256sum "$stage/$deb" | cut -d' ' -f1)
		[ -z "$want" ] || [ "$got" = "$want" ] ||
			die "$pkg $version from $main_uri: sha256 $got, but config/proven-bases has $want; not used"
		[ "$(dpkg-deb -f "$stage/$deb" Package Version | paste -sd' ')" = "Package: $pkg Version: $version" ] ||
			die "$deb is not $pkg $version"
		mv "$stage/$deb" "$deb"
	else
		got=$(sha256sum "$deb" | cut -d' ' -f1)
		[ -z "$want" ] || [ "$got" = "$want" ] ||
			die "$CACHE/$deb: sha256 $got, but config/proven-bases has $want (remove it to fetch again)"
	fi
	[ -n "$want" ] || note "  $deb sha256 $got (unproven)"
}
fetch linux-source-6.12 "$BASE_SRC_DEB" 3
fetch linux-config-6.12 "$BASE_CFG_DEB" 4

rm -rf "$apt_dir"
mkdir -p "$apt_dir"
mv "$stage/lists" "$stage/sources.list" "$apt_dir/"
echo "$version"
