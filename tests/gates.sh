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

# scripts/deps.sh on a fresh minimal Debian 12 (scripts/fresh-deps.sh).
test_gate_fresh_deps() {
	local out rc
	out=$("$TOP/scripts/fresh-deps.sh" 2>&1)
	rc=$?
	echo "$out" | sed 's/^/  /'
	[ $rc = "$SKIP" ] && SKIP_WHY=$(echo "$out" | sed -n 's/^SKIP: //p')
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

# The other pinned bases (README, "Bases"): series/ applies there with git am
# (make worktree), Debian's own config of that release takes TDX with kexec
# and kdump (gate_distro), and kexec, kdump and kexec jumps work on the
# emulated TDX module with a test kernel built from that base.
BASE_TESTS="gate_distro kexec_load kexec_file kdump_load kdump_file sim_kexec_load
	sim_kdump_load sim_disable_kexec_load sim_disable_kdump_load kexec_jump_stress sim_kexec_jump"
test_gate_bases() {
	local b rc=0
	needs_series || return
	for b in $BASES; do
		[ "$b" = "$BASE" ] && continue
		echo "  BASE=$b"
		{ env -u SRC BASE="$b" make -C "$TOP" -s initramfs &&
		  env -u SRC BASE="$b" "$TOP/tests/run.sh" $BASE_TESTS; } 2>&1 | sed 's/^/    /'
		[ "${PIPESTATUS[0]}" = 0 ] || rc=1
	done
	return $rc
}
