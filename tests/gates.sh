# SPDX-License-Identifier: GPL-2.0
# The quality gates of scripts/gates.sh as tests, and the Rust style gates
# on the test kernel's checkout.

gate() {
	needs_series || return
	"$TOP/scripts/gates.sh" "$1" 2>&1 | sed 's/^/  /'
	return "${PIPESTATUS[0]}"
}

test_gate_checkpatch() { gate checkpatch; }
test_gate_export() { gate export; }
test_gate_bisect() { gate bisect; }
test_gate_matrix() { gate matrix; }
test_gate_warnings() { gate warnings; }
test_gate_distro() { gate distro; }

# The two commands' set-up on a fresh Debian 12 and a fresh Debian 13
# (scripts/fresh-hosts.sh): scripts/deps.sh in a minimal root of each, then
# base_resolution and QEMU tests of each kind (kexec -l, kexec -s, kdump,
# the dumped log of an NMI and of a machine check) with that release's
# QEMU, kexec-tools, makedumpfile and busybox.
test_gate_fresh_hosts() {
	local b rc=0
	needs_series || return
	for b in bookworm trixie; do
		"$TOP/scripts/fresh-hosts.sh" "$b" 2>&1 | sed 's/^/  /'
		[ "${PIPESTATUS[0]}" = 0 ] || { problem "a fresh Debian $b cannot run the harness (logs: $LOGS/fresh-$b-*)"; rc=1; }
	done
	return $rc
}

# rustfmt on the Rust code of the test kernel's checkout.
test_gate_rustfmt() {
	kmake "$OBJ/test" -s rustfmtcheck 2>&1 | tail -20
	return "${PIPESTATUS[0]}"
}

# make rustdoc on the test kernel's checkout: no warning.
test_gate_rustdoc() {
	local out
	out=$(kmake "$OBJ/test" -s rustdoc 2>&1) ||
		{ echo "$out" | tail -20; problem "make rustdoc failed"; return; }
	! echo "$out" | grep -E '^(warning|error)' -A6 || problem "rustdoc warns"
}

# The test kernel is built with CLIPPY=1: its log must hold no warning.
test_gate_clippy() {
	grep -q 'clippy-driver' "$OBJ/test/rust/.kernel.o.cmd" ||
		{ problem "the test kernel was not built with CLIPPY=1"; return 1; }
	! grep -E '^(warning|error)' -A6 "$LOGS/build-test.log" ||
		problem "the test kernel's build has warnings"
}

# make bench, one run of each kind, so that it cannot break unnoticed: both
# kernels build and hand over on both CPU models, the emulated module's
# PAMT reset is timed, clearbench runs.  The figures themselves mean
# nothing after one run; docs/measurements.md's come from make bench.
test_gate_bench() {
	local out rc
	needs_series || return
	out=$(REPS=1 CLEAR_MIB=64 "$TOP/bench/run.sh" 2>&1)
	rc=$?
	echo "$out" | sed 's/^/  /'
	[ $rc = 0 ] || { problem "make bench failed"; return 1; }
	[ "$(grep -cE '^(intel|amd) +(kexec|kdump)_load +base [0-9.]+ .* ratio series/base [0-9.]+$' <<<"$out")" = 4 ] ||
		{ problem "make bench did not time both hand-overs on both CPU models"; return 1; }
	grep -q "tdx_sim: bench:" <<<"$out" || { problem "make bench did not time the PAMT reset"; return 1; }
	grep -qi "movdir64b" <<<"$out" || problem "clearbench printed nothing"
}

# The other bases (docs/carrying.md, "The bases, and what is proven"): series/ applies there with git am
# (make worktree), Debian's own config of that release takes TDX with kexec
# and kdump (gate_distro), and kexec, kdump and kexec jumps work on the
# emulated TDX module with a test kernel built from that base.  Where that
# base with series/ is the very tree this run tests (Debian uploads one
# 6.12 to both releases), its test kernel would be this one, from the same
# sources with the same toolchain and configuration, whose QEMU tests make
# check runs every time: then only gate_distro runs there, Debian's config
# of that release being its own.
BASE_TESTS="gate_distro kexec_load kexec_file kdump_load kdump_file sim_kexec_load
	sim_kdump_load sim_disable_kexec_load sim_disable_kdump_load kexec_jump_stress sim_kexec_jump"
test_gate_bases() {
	local b rc=0 work names ours
	needs_series || return
	ours=$(git -C "$WORK" rev-parse HEAD^{tree})
	for b in $BASES; do
		[ "$b" = "$BASE" ] && continue
		echo "  BASE=$b"
		env -u SRC BASE="$b" make -C "$TOP" -s worktree 2>&1 | sed 's/^/    /'
		[ "${PIPESTATUS[0]}" = 0 ] || { problem "BASE=$b: no work tree with series/"; rc=1; continue; }
		work=$(BASE=$b bash -c '. "$1/scripts/lib.sh" && echo "$WORK $BASE_PKG_VERSION"' - "$TOP")
		names=$BASE_TESTS
		if [ "$(git -C "${work% *}" rev-parse HEAD^{tree})" = "$ours" ]; then
			echo "    $b ${work#* } with series/ is the tree this run tests ($BASE $BASE_PKG_VERSION, tree ${ours:0:12}):" \
				"its test kernel and QEMU tests are make check's; Debian's config of $b is its own"
			names=gate_distro
		fi
		{ { [ "$names" = gate_distro ] || env -u SRC BASE="$b" make -C "$TOP" -s initramfs; } &&
		  env -u SRC BASE="$b" "$TOP/tests/run.sh" $names; } 2>&1 | sed 's/^/    /' |
			tee "$LOGS/gate_bases-$b.out"
		[ "${PIPESTATUS[0]}" = 0 ] || rc=1
		# Every test of that base ran: a skip there is no proof.
		grep -qE "^    $(wc -w <<<"$names") passed, 0 failed, 0 skipped$" "$LOGS/gate_bases-$b.out" ||
			{ problem "BASE=$b: not all $(wc -w <<<"$names") tests ran and passed"; rc=1; }
	done
	return $rc
}

# Every test's assertions decide its status: in a test function, no
# statement follows a line whose chain ends in '|| problem "..."' (its
# failure would be swallowed), but a closing brace, return or clean_log
# chained on.
test_gate_test_shape() {
	local bad
	bad=$(awk 'FNR == 1 { f = ""; p = 0 } /^test_[a-z0-9_]+\(\)/ { f = $1; p = 0; next } /^}/ { f = ""; p = 0; next }
		f != "" && NF { if (p && $0 !~ /^[[:space:]]*(\}|return|#)/) print FILENAME ": " f ": " $0
			p = ($0 ~ /\|\| problem "[^"]*"[[:space:]]*$/) }' "$TOP"/tests/*.sh)
	[ -z "$bad" ] || { problem "a failure swallowed by the next statement:"; echo "$bad" | sed 's/^/    /'; return 1; }
	echo "  $(grep -chE '^test_[a-z0-9_]+\(\)' "$TOP"/tests/*.sh | paste -sd+ | bc) tests: every failure decides the status"
}

# mutant_start MAX [wait]: start the next of test_gate_kernel_mutants'
# runs while fewer than MAX tests run; with wait, until all have started.
mutant_start() {
	local name t why
	while [ "$next" -lt ${#runs[@]} ]; do
		if [ "$(jobs -rp | wc -l)" -ge "$1" ]; then
			[ "${2:-}" = wait ] || return 0
			wait -n
			continue
		fi
		read -r name t why <<<"${runs[$next]}"
		KERNEL=$d/$name.bzImage INITRD=$d/$name.cpio.gz mutant_try "$name" "$t" "$why" &
		next=$((next + 1))
	done
}

# The mutants of the series (test-patches/mutants/NAME.patch, applied on top
# of the series and the test-only patches): each removes the reason for a
# check of the tests, and each test its first lines name ("# kills TEST:
# TEXT") must fail on it, its first failure saying TEXT: a test that fails
# for another reason (a boot that did not come up, say) proves nothing.  A
# mutant that a test survives fails the gate.  The tests of the Debian
# flow (debian_*) are debian_mutants'.
# The mutants build one after another in the test kernel's place
# (place_take), so that each compiles only what it changes, and each
# mutant's kernel and initramfs are kept.  Their tests run as soon as their
# mutant is built: one at a time beside the next builds, the builds at a
# lower priority (a guest starved of CPU could stall), then as many at a
# time as the QEMU tests run (tests/run.sh, $jobs).
test_gate_kernel_mutants() {
	local o=$TEST_OBJ d=$BUILD/mutants mp name t why r runs=() next=0 survived=() killed=0 rc=0
	needs_series || return
	rm -rf "$d" && mkdir -p "$d" && place_take || { problem "cannot copy $o"; return 1; }
	for mp in "$TOP"/test-patches/mutants/*.patch; do
		name=$(basename "$mp" .patch)
		"$TOP/scripts/checkout.sh" HEAD "$TOP"/test-patches/*.patch "$mp" &&
		( renice -n 19 -p $BASHPID >/dev/null; kmake "$o" -s CLIPPY=1 bzImage modules ) \
			>"$LOGS/build-mutant-$name.log" 2>&1 &&
		"$TOP/scripts/mkinitramfs.sh" "$o" "$d/$name.cpio.gz" ||
			{ problem "mutant $name does not build (log: $LOGS/build-mutant-$name.log)"; rc=1; break; }
		while read -r t why; do
			runs+=("$name $t $why")
		done < <(mutant_kills "$mp" -v)
		[ "$jobs" = 1 ] || mutant_start 1
	done
	place_give_back || { problem "cannot put the test kernel's objects back"; rc=1; }
	[ $rc = 0 ] && mutant_start "$jobs" wait
	wait
	if [ $rc = 0 ]; then
		for r in "${runs[@]}"; do
			read -r name t _ <<<"$r"
			mutant_tally "$name" "$t"
		done
	fi
	rm -rf "$d"
	[ $rc = 0 ] && mutants_verdict
}
