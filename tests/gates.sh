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
