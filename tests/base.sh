# SPDX-License-Identifier: GPL-2.0
# How the base is resolved (scripts/fetch-base.sh, scripts/worktree.sh),
# against a local apt repository of small stand-in linux-source-6.12 and
# linux-config-6.12 packages, signed with a key made for the test and
# trusted by it alone (DEBIAN_KEYRING).  A copy of the harness runs there,
# with a proven list of its own; no network.

# base_fixture DIR: the key, an empty repository, the harness copy.
base_fixture() {
	local d=$1
	rm -rf "$d"
	mkdir -p "$d/gnupg" "$d/debs" "$d/h/series" "$d/h/test-patches" "$d/h/config"
	chmod 700 "$d/gnupg"
	# gpg starts its agent on first use, which can time out on a loaded
	# machine: a second try, and what gpg said in the log.
	{ GNUPGHOME=$d/gnupg gpg -q --batch --passphrase '' \
		--quick-gen-key 'base test <base-test@lists.invalid>' default default never ||
	  GNUPGHOME=$d/gnupg gpg -q --batch --passphrase '' \
		--quick-gen-key 'base test <base-test@lists.invalid>' default default never; } 2>>"$LOG" &&
	GNUPGHOME=$d/gnupg gpg -q --export >"$d/keyring.gpg" || return
	cp -r "$TOP/scripts" "$d/h/"
	[ -z "${BASE_MUTANT:-}" ] || sed -i -e "${BASE_MUTANT#*:}" "$d/h/scripts/${BASE_MUTANT%%:*}"
	echo "# Order in which the patches apply (git am)." >"$d/h/series/series"
	: >"$d/h/config/proven-bases"
	BASE_STAMP=$(($(date +%s) - 3600))
}

# stand_in KVER-REV [CONTENT]: the two packages of version KVER-REV, the
# source's file "file" holding CONTENT.
stand_in() {
	local v=$1 kv=${1%%-*} d=$BASE_DIR/pkg
	rm -rf "$d"
	mkdir -p "$d/src/linux-source-6.12" "$d/s/DEBIAN" "$d/s/usr/src" "$d/c/DEBIAN" \
		"$d/c/usr/src/linux-config-6.12"
	printf 'kernelversion:\n\t@echo %s\n' "$kv" >"$d/src/linux-source-6.12/Makefile"
	printf '%s\n' "${2:-one}" two three four five six seven >"$d/src/linux-source-6.12/file"
	tar -cJf "$d/s/usr/src/linux-source-6.12.tar.xz" -C "$d/src" linux-source-6.12
	echo "CONFIG_KEXEC=y" | xz >"$d/c/usr/src/linux-config-6.12/config.amd64_none_amd64.xz"
	printf 'Package: linux-source-6.12\nVersion: %s\nArchitecture: all\nMaintainer: t <t@lists.invalid>\nDescription: stand-in\n' \
		"$v" >"$d/s/DEBIAN/control"
	printf 'Package: linux-config-6.12\nVersion: %s\nArchitecture: amd64\nMaintainer: t <t@lists.invalid>\nDescription: stand-in\n' \
		"$v" >"$d/c/DEBIAN/control"
	dpkg-deb -Zxz --root-owner-group --build "$d/s" "$BASE_DIR/debs/linux-source-6.12_${v}_all.deb" >/dev/null &&
	dpkg-deb -Zxz --root-owner-group --build "$d/c" "$BASE_DIR/debs/linux-config-6.12_${v}_amd64.deb" >/dev/null
}

# publish DEB...: the repository holds these packages, in bookworm-security;
# bookworm and bookworm-updates are empty.  Each publication is dated later.
publish() {
	local m=$BASE_DIR/mirror s a
	rm -rf "$m"
	BASE_STAMP=$((BASE_STAMP + 10))
	for s in bookworm bookworm-updates bookworm-security; do
		case $s in *-security) a=$m/debian-security ;; *) a=$m/debian ;; esac
		mkdir -p "$a/pool/$s" "$a/dists/$s/main/binary-amd64"
		[ $s != bookworm-security ] || [ $# = 0 ] || cp "${@/#/$BASE_DIR/debs/}" "$a/pool/$s/"
		(cd "$a" && dpkg-scanpackages -m "pool/$s" /dev/null 2>/dev/null) >"$a/dists/$s/main/binary-amd64/Packages"
		(cd "$a/dists/$s" &&
		 printf 'Origin: test\nSuite: %s\nCodename: %s\nDate: %s\nArchitectures: amd64\nComponents: main\nSHA256:\n %s %s main/binary-amd64/Packages\n' \
			"$s" "$s" "$(date -R -u -d "@$BASE_STAMP")" \
			"$(sha256sum main/binary-amd64/Packages | cut -d' ' -f1)" \
			"$(stat -c %s main/binary-amd64/Packages)" >Release &&
		 GNUPGHOME=$BASE_DIR/gnupg gpg -q --batch --yes --clearsign -o InRelease Release) || return
	done
}

# pkgs V...: the file names of both packages of each version.
pkgs() { local v; for v; do echo "linux-source-6.12_${v}_all.deb linux-config-6.12_${v}_amd64.deb"; done; }

# in_copy CMD...: run CMD in the harness copy, against the repository; its
# output in $LOG (appended).
in_copy() {
	echo "\$ $*" >>"$LOG"
	(cd "$BASE_DIR/h" && env -u SRC -u BASE_VERSION DEBIAN_MIRROR="file://$BASE_DIR/mirror" \
		DEBIAN_KEYRING="$BASE_DIR/keyring.gpg" "$@") >>"$LOG" 2>&1
}
copy_version() { git -C "$BASE_DIR/h/build/linux" log -1 --format=%s base 2>/dev/null; }
# state [DIR...]: the files below DIR (build and cache) and the work tree's
# commits, to see that nothing changed.
state() {
	local d=("$@")
	[ $# -gt 0 ] || d=(build cache)
	(cd "$BASE_DIR/h" && { find "${d[@]}" -type f ! -path '*/.git/*' -printf '%p %s %T@\n' 2>/dev/null || true; } | sort &&
	 { git -C build/linux log --format=%H%s 2>/dev/null || true; })
}

test_base_resolution() {
	local before sum
	BASE_DIR=$BUILD/base-test LOG=$LOGS/base_resolution.log
	: >"$LOG"
	base_fixture "$BASE_DIR" || { problem "cannot make the test's signing key"; return; }
	stand_in 6.12.200-1 && stand_in 6.12.201-1 || return
	sum=$(sha256sum "$BASE_DIR/debs/$(pkgs 6.12.200-1 | cut -d' ' -f1)" | cut -d' ' -f1)
	echo "bookworm 6.12.200-1 $sum $(sha256sum "$BASE_DIR/debs/$(pkgs 6.12.200-1 | cut -d' ' -f2)" | cut -d' ' -f1) 2026-12-01" \
		>"$BASE_DIR/h/config/proven-bases"

	echo "  (c) neither package there: a clear error, build/ and cache/ untouched"
	publish || { problem "cannot publish the repository"; return; }
	in_copy scripts/worktree.sh && { problem "resolved a base from an empty archive"; return; }
	expect "have no version of linux-source-6.12 that linux-config-6.12 has too" &&
	{ [ -z "$(state)" ] || problem "build/ or cache/ changed: $(state | head -3)"; } || return

	echo "  the proven version: used, checked against its sums"
	publish $(pkgs 6.12.200-1) && in_copy scripts/worktree.sh &&
	expect "base: bookworm linux-source-6.12 6.12.200-1, proven by make check on 2026-12-01" &&
	{ [ "$(copy_version)" = "Debian linux-source-6.12 6.12.200-1 (Linux 6.12.200)" ] ||
		problem "work tree: '$(copy_version)'"; } || return

	echo "  (e) a proven version whose package has another sha256: refused"
	rm -rf "$BASE_DIR/h/build" "$BASE_DIR/h/cache"
	stand_in 6.12.200-1 changed && publish $(pkgs 6.12.200-1) || return
	in_copy scripts/worktree.sh && { problem "a package with the wrong sum was used"; return; }
	expect_re "linux-source-6.12 6.12.200-1 from file://.*: sha256 [0-9a-f]{64}, but config/proven-bases has $sum; not used" &&
	{ [ -z "$(state | grep -v '/apt-')" ] || problem "build/ or cache/ holds: $(state | grep -v '/apt-' | head -3)"; } || return

	echo "  (a) the proven version gone, a newer one there: used, with the notice"
	stand_in 6.12.200-1 && publish $(pkgs 6.12.201-1) && in_copy scripts/worktree.sh &&
	expect "notice: bookworm linux-source-6.12 6.12.201-1 is not proven by this project (newest proven: 6.12.200-1); using it" &&
	{ [ "$(copy_version)" = "Debian linux-source-6.12 6.12.201-1 (Linux 6.12.201)" ] ||
		problem "work tree: '$(copy_version)'"; } || return

	echo "  (b) linux-source newer than linux-config: the newest version both have"
	stand_in 6.12.202-1 && publish $(pkgs 6.12.201-1) linux-source-6.12_6.12.202-1_all.deb &&
	{ in_copy scripts/fetch-base.sh || problem "fetch-base.sh failed: $(tail -1 "$LOG")"; } && expect "using it" &&
	{ [ "$(tail -1 "$LOG")" = 6.12.201-1 ] || problem "resolved to '$(tail -1 "$LOG")'"; } || return

	echo "  (d) an exact version asked for and gone: a clear error"
	in_copy env BASE_VERSION=6.12.150-1 scripts/fetch-base.sh && { problem "BASE_VERSION=6.12.150-1 resolved"; return; }
	expect "no longer have linux-source-6.12 and linux-config-6.12 6.12.150-1, the version BASE_VERSION asks for; newer ones there: 6.12.201-1" ||
		return

	echo "  the series applies again on a new base; export names the base"
	(cd "$BASE_DIR/h/build/linux" && sed -i 's/^two$/TWO/' file && git commit -qam "Change two") &&
	in_copy scripts/export-series.sh &&
	grep -qx '# Order in which the patches apply to Debian linux-source-6.12 6.12.201-1 (git am).' \
		"$BASE_DIR/h/series/series" || { problem "export did not name the base"; return; }
	stand_in 6.12.203-1 && publish $(pkgs 6.12.203-1) && in_copy scripts/worktree.sh &&
	expect "making $BASE_DIR/h/build/linux again: base 6.12.201-1 -> 6.12.203-1" &&
	[ "$(git -C "$BASE_DIR/h/build/linux" log -1 --format=%s)" = "Change two" ] &&
	grep -qx TWO "$BASE_DIR/h/build/linux/file" || { problem "the series was not applied again on 6.12.203-1"; return; }

	echo "  (f) unexported commits and a new base: stop, the commits kept"
	(cd "$BASE_DIR/h/build/linux" && sed -i 's/^four$/FOUR/' file && git commit -qam "Unexported work") &&
	before=$(state build) && stand_in 6.12.204-1 && publish $(pkgs 6.12.204-1) || return
	in_copy scripts/worktree.sh && { problem "the work tree was made again over unexported work"; return; }
	expect "holds work not in series/, on base 6.12.203-1; the base is now 6.12.204-1.  Nothing was changed." &&
	expect "commits of HEAD that series/ does not have (make export)" &&
	{ [ "$(git -C "$BASE_DIR/h/build/linux" log -1 --format=%s)" = "Unexported work" ] &&
	  [ "$(state build)" = "$before" ] || problem "the work tree changed"; } || return

	echo "  a base the series no longer applies to: stop naming the patch, nothing half-applied"
	git -C "$BASE_DIR/h/build/linux" reset -q --hard HEAD~1 && before=$(state build) &&
	stand_in 6.12.205-1 zero && publish $(pkgs 6.12.205-1) || return
	in_copy scripts/worktree.sh && { problem "a series that does not apply was applied"; return; }
	expect "series/ does not apply to Debian linux-source-6.12 6.12.205-1 (BASE=bookworm): 0001-Change-two.patch fails." &&
	{ [ "$(state build)" = "$before" ] && [ ! -e "$BASE_DIR/h/build/linux.new" ] ||
		problem "something changed in build/"; } &&
	echo "  $(grep -c '^\$ ' "$LOG") runs of the harness, each as expected"
}

# Mutants of the resolution, FILE:SED-SCRIPT, each applied to the harness
# copy: base_resolution must fail on every one, with the failure that the
# check the mutant removes reports (BASE_KILLS, in the same order), not
# another one.
BASE_KILLS=(
	"a package with the wrong sum was used"
	"Version '6.12.202-1' for 'linux-config-6.12' was not found"
	"the work tree was made again over unexported work"
	"something changed in build/"
)
BASE_MUTANTS=(
	'fetch-base.sh:s/\[ -z "\$want" \] || \[ "\$got" = "\$want" \] ||$/true ||/'
	'fetch-base.sh:s/^\tversion=\$(sort -rV <<<"\$common" | head -1)$/\tversion=$(sort -rV <<<"$src_versions" | head -1)/'
	'worktree.sh:s/^\twork=\$(unexported)$/\twork=/'
	"worktree.sh:/^trap 'rm -rf \"\$new\"' EXIT\$/d"
)
test_gate_base_mutants() {
	local m n=0 out
	for m in "${BASE_MUTANTS[@]}"; do
		n=$((n + 1))
		cp "$TOP/scripts/${m%%:*}" "$LOGS/mutant.tmp"
		sed -i -e "${m#*:}" "$LOGS/mutant.tmp"
		cmp -s "$LOGS/mutant.tmp" "$TOP/scripts/${m%%:*}" &&
			{ problem "mutant $n ($m) changes nothing"; return; }
		out=$(BASE_MUTANT=$m test_base_resolution 2>&1) &&
			{ problem "mutant $n survives: $m"; return; }
		echo "$out" | grep -m1 'FAIL:' | grep -qF -- "${BASE_KILLS[n - 1]}" ||
			{ problem "mutant $n failed for another reason than '${BASE_KILLS[n - 1]}': $(echo "$out" | grep -m1 'FAIL:')"; return; }
		echo "  mutant $n killed: $(echo "$out" | grep -m1 'FAIL:' | sed 's/^ *//')"
	done
	LOG=
}
