#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# `make check` (the README's test command) first runs ci/install-deps, then
# every suite even after one fails, and reports the failed ones; `make run`
# installs the dependencies first too. Run in a scratch clone whose
# ci/install-deps only logs, with stand-in suites on the command line.

load helpers

setup_file() {
	prepare_base
}

setup() {
	clone_tree
	LOG=$BATS_TEST_TMPDIR/check.log
	: >"$LOG"
	# shellcheck disable=SC2016 # expanded by the fake
	printf '#!/bin/sh\necho "install-deps $*" >>"%s"\nexit ${DEPS_FAIL:-0}\n' "$LOG" \
		>"$CLONE/ci/install-deps"
	mkdir -p "$CLONE/tests/zz-check"
	# shellcheck disable=SC2016 # make variables
	printf '%s\n' '# SPDX-License-Identifier: MIT' '.PHONY: zz-pass zz-fail zz-pass2' \
		'zz-pass zz-pass2:' '	@echo $@ >>$(ZZ_LOG)' \
		'zz-fail:' '	@echo $@ >>$(ZZ_LOG); exit 1' >"$CLONE/tests/zz-check/build.mk"
}

@test "make check: dependencies first, every suite despite a failure, then the failed ones" {
	run mk O="$BATS_TEST_TMPDIR/out" check CHECK_TARGETS="zz-pass zz-fail zz-pass2" ZZ_LOG="$LOG"
	[ "$status" -ne 0 ]
	[ "$(cat "$LOG")" = "install-deps --if-missing
zz-pass
zz-fail
zz-pass2" ]
	grep -qx "FAILED suites: zz-fail" <<<"$output"
	! grep -q "suites passed" <<<"$output" || false
}

@test "make check: every suite passing is a success, with the count" {
	run mk O="$BATS_TEST_TMPDIR/out" check CHECK_TARGETS="zz-pass zz-pass2" ZZ_LOG="$LOG"
	[ "$status" -eq 0 ]
	[ "$(wc -l <"$LOG")" -eq 3 ]
	grep -qx "all 2 suites passed" <<<"$output"
}

@test "make check: missing dependencies stop it before any suite" {
	DEPS_FAIL=1 run mk O="$BATS_TEST_TMPDIR/out" check CHECK_TARGETS="zz-pass" ZZ_LOG="$LOG"
	[ "$status" -ne 0 ]
	[ "$(cat "$LOG")" = "install-deps --if-missing" ]
}

@test "make run: installs the dependencies before it builds and boots" {
	run mk -n O="$BATS_TEST_TMPDIR/out" run
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$CLONE/ci/install-deps --if-missing" ]
	[ ! -s "$LOG" ]
}
