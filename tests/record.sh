# SPDX-License-Identifier: GPL-2.0
# The record of the long proofs (scripts/proof.sh, proof/record) and the
# repository's own words.

# The mechanism, on a copy of tests/run.sh and its libraries in a
# repository of its own, with one recorded part (gate_fake, reading fake/
# and its test file) and one test that always runs: make proof records a
# verdict from a clean checkout only; make check reports a part proven
# only for the inputs and the PASS recorded; a changed input or base makes
# it run; a recorded FAIL is never proven; a skip fails make check.
proof_fixture() {
	local h=$1
	rm -rf "$h" && mkdir -p "$h/scripts" "$h/tests" "$h/proof" "$h/fake" "$h/cache" "$h/build/linux" || return
	cp "$TOP/scripts/lib.sh" "$TOP/scripts/proof.sh" "$h/scripts/" &&
	cp "$TOP/tests/run.sh" "$TOP/tests/lib.sh" "$h/tests/" || return
	cat >"$h/tests/fake.sh" <<-'EOF'
	test_gate_fake() {
		echo ran >>"$TOP/build/fake.ran"
		[ "$(cat "$TOP/fake/verdict")" != skip ] || return $SKIP
		[ "$(cat "$TOP/fake/verdict")" = pass ]
	}
	test_quick() { :; }
	EOF
	echo "gate_fake: fake tests/fake.sh" >"$h/proof/parts"
	echo pass >"$h/fake/verdict"
	printf '/build/\n/cache/\n' >"$h/.gitignore"
	echo a >"$h/cache/linux-source-6.12_6.12.1-1_all.deb"
	echo b >"$h/cache/linux-config-6.12_6.12.1-1_amd64.deb"
	git -C "$h/build/linux" init -q &&
	git_id -C "$h/build/linux" commit -q --allow-empty -m "Debian linux-source-6.12 6.12.1-1 (Linux 6.12.1)" &&
	git -C "$h/build/linux" tag base &&
	git -C "$h" init -q && git -C "$h" add -A && git_id -C "$h" commit -q -m fixture
}
# in_fixture [ARGS...]: tests/run.sh ARGS in the copy; its output in
# $LOG (appended) and in $out, its status returned.
in_fixture() {
	echo "\$ tests/run.sh $*" >>"$LOG"
	out=$(cd "$PROOF_DIR" && env -u SRC -u BASE -u BASE_VERSION -u KERNEL -u INITRD TEST_JOBS=1 \
		tests/run.sh "$@" 2>&1)
	local rc=$?
	echo "$out" >>"$LOG"
	return $rc
}
ran() { cat "$PROOF_DIR/build/fake.ran" 2>/dev/null | wc -l; }

test_proof_mechanism() {
	local out rec
	PROOF_DIR=$BUILD/proof-test LOG=$LOGS/proof_mechanism.log
	: >"$LOG"
	proof_fixture "$PROOF_DIR" || { problem "cannot make the fixture"; return; }

	echo "  make proof on a clean checkout records the part's PASS"
	in_fixture --proof || { problem "make proof failed on a clean checkout"; return; }
	grep -qP '^gate_fake\tPASS\t[0-9a-f]{64}\t' "$PROOF_DIR/proof/record/gate_fake" ||
		{ problem "make proof recorded no PASS for gate_fake"; return; }
	[ "$(ran)" = 1 ] || { problem "make proof ran the part $(ran) times"; return; }
	git -C "$PROOF_DIR" add proof/record && git_id -C "$PROOF_DIR" commit -q -m record || return

	echo "  make check: the part is proven and does not run; the other test runs"
	in_fixture || { problem "make check failed with the part proven"; return; }
	grep -q '^PROVEN gate_fake (' <<<"$out" || { problem "the recorded part was not reported as proven"; return; }
	grep -q '^PASS quick' <<<"$out" || { problem "the test that is not recorded did not run"; return; }
	[ "$(ran)" = 1 ] || { problem "a proven part ran again"; return; }
	[ "$(tail -1 <<<"$out")" = "2 passed, 0 failed, 0 skipped" ] ||
		{ problem "last line '$(tail -1 <<<"$out")', not '2 passed, 0 failed, 0 skipped'"; return; }

	echo "  a new input file makes the part run, and so does a changed base"
	echo new >"$PROOF_DIR/fake/more"
	in_fixture; grep -q '^PASS gate_fake' <<<"$out" && [ "$(ran)" = 2 ] ||
		{ problem "a changed input did not make the part run"; return; }
	rm "$PROOF_DIR/fake/more"
	echo c >"$PROOF_DIR/cache/linux-source-6.12_6.12.1-1_all.deb"
	in_fixture; grep -q '^PASS gate_fake' <<<"$out" && [ "$(ran)" = 3 ] ||
		{ problem "a changed base did not make the part run"; return; }
	echo a >"$PROOF_DIR/cache/linux-source-6.12_6.12.1-1_all.deb"

	echo "  make proof refuses a dirty checkout and records nothing"
	rec=$(cat "$PROOF_DIR/proof/record/gate_fake")
	echo dirty >>"$PROOF_DIR/tests/fake.sh"
	in_fixture --proof gate_fake && { problem "make proof ran on a dirty checkout"; return; }
	grep -q 'records only what a clean checkout proves' <<<"$out" &&
		[ "$(cat "$PROOF_DIR/proof/record/gate_fake")" = "$rec" ] && [ "$(ran)" = 3 ] ||
		{ problem "make proof on a dirty checkout did not refuse, or changed the record"; return; }
	git -C "$PROOF_DIR" checkout -q tests/fake.sh

	echo "  a recorded FAIL is never proven"
	echo fail >"$PROOF_DIR/fake/verdict"
	git_id -C "$PROOF_DIR" commit -q -am fail || return
	in_fixture --proof && { problem "make proof passed with the part failing"; return; }
	grep -qP '^gate_fake\tFAIL\t' "$PROOF_DIR/proof/record/gate_fake" || { problem "the FAIL was not recorded"; return; }
	git -C "$PROOF_DIR" add proof/record && git_id -C "$PROOF_DIR" commit -q -m record || return
	in_fixture && { problem "make check passed with a recorded FAIL"; return; }
	grep -q '^FAIL gate_fake' <<<"$out" && ! grep -q '^PROVEN' <<<"$out" ||
		{ problem "a recorded FAIL was not run again"; return; }

	echo "  a part that neither ran nor is proven fails make check"
	echo skip >"$PROOF_DIR/fake/verdict"
	in_fixture && { problem "make check passed with a part skipped"; return; }
	[ "$(tail -1 <<<"$out")" = "1 passed, 0 failed, 1 skipped" ] ||
		problem "last line '$(tail -1 <<<"$out")', not '1 passed, 0 failed, 1 skipped'"
}

# The project's documents and code speak of the project only: no numbers
# of internal work items, no paths outside the repository.
BOOKKEEPING='\b(issues?|tasks?) #?[0-9]+\b|\bstops? [0-9]+([^ 0-9]| [^a-z]|$)|ANCHORS\.md|/work/|shared/reference|\.\./shared'
test_gate_bookkeeping() {
	local hits
	hits=$(git -C "$TOP" grep -nIiE "$BOOKKEEPING" -- . ':!tests/record.sh')
	[ -z "$hits" ] || { problem "internal bookkeeping in the repository:"; echo "$hits" | head -20 | sed 's/^/    /'; return 1; }
	echo "  $(git -C "$TOP" ls-files | wc -l) files: no work-item number, no path outside the repository"
}
