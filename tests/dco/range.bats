#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# ci/dco-check: ranges, options, exit codes and the one-pass cost.

load helpers

setup() {
	dco_setup
}

bad() {
	commit "$(printf 'bad: %s\n\nA body.' "${1:-no sign-off}")"
}

# Confirm that --help documents the usage and exits 0.
@test "--help prints the usage" {
	run "$DCO_CHECK" --help
	[ "$status" -eq 0 ]
	[[ $output == *"Usage: dco-check"* ]]
}

# Confirm that usage errors exit 2.
@test "usage errors exit 2" {
	good
	run "$DCO_CHECK" --frobnicate
	[ "$status" -eq 2 ]
	[[ $output == *"unknown option: --frobnicate"* ]]
	run "$DCO_CHECK" HEAD HEAD
	[ "$status" -eq 2 ]
	run "$DCO_CHECK" --all HEAD
	[ "$status" -eq 2 ]
	run "$DCO_CHECK" HEAD...HEAD
	[ "$status" -eq 2 ]
	run "$DCO_CHECK" --exclude-email
	[ "$status" -eq 2 ]
	run "$DCO_CHECK" --exclude-email '('
	[ "$status" -eq 2 ]
	[[ $output == *"bad regular expression"* ]]
}

# Confirm that bad revisions exit 2 and name the revision.
@test "bad revisions exit 2" {
	good
	run "$DCO_CHECK" no-such-rev
	[ "$status" -eq 2 ]
	[[ $output == *"bad revision: 'no-such-rev'"* ]]
	run "$DCO_CHECK" HEAD..no-such-rev
	[ "$status" -eq 2 ]
	run "$DCO_CHECK" -- -x
	[ "$status" -eq 2 ]
	[[ $output == *"bad revision"* ]]
}

# Confirm that running outside a repository exits 2.
@test "outside a git repository exits 2" {
	mkdir "$BATS_TEST_TMPDIR/plain"
	cd "$BATS_TEST_TMPDIR/plain"
	run "$DCO_CHECK"
	[ "$status" -eq 2 ]
	[[ $output == *"not a git repository"* ]]
}

# Confirm that a repository without commits has nothing to check.
@test "unborn HEAD passes with nothing to check" {
	run "$DCO_CHECK"
	[ "$status" -eq 0 ]
	[[ $output == *"nothing to check"* ]]
}

# Confirm the exit codes 0 and 1 and that -q silences success only.
@test "exit 0 when all pass, 1 when one fails; -q is quiet on success" {
	good
	run "$DCO_CHECK" -q
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	bad
	run "$DCO_CHECK" -q
	[ "$status" -eq 1 ]
	[[ $output == *"1 of 2 commits fail"* ]]
}

# Confirm that without an upstream the whole history is checked.
@test "default range without upstream is the whole history" {
	bad 'root'
	good
	run "$DCO_CHECK"
	[ "$status" -eq 1 ]
	[[ $output == *"no upstream branch: whole history"* ]]
	[[ $output == *"bad: root"* ]]
}

# Confirm that with an upstream only the commits not on it are checked.
@test "default range with upstream is @{upstream}..HEAD" {
	bad 'already upstream'
	git clone -q --bare "$REPO" "$BATS_TEST_TMPDIR/origin.git"
	git remote add origin "$BATS_TEST_TMPDIR/origin.git"
	git fetch -q origin
	git branch -q -u origin/main
	good
	run "$DCO_CHECK"
	[ "$status" -eq 0 ]
	[[ $output == *"origin/main..HEAD: 1 commit pass"* ]]
	bad 'local'
	run "$DCO_CHECK"
	[ "$status" -eq 1 ]
	[[ $output == *"bad: local"* ]]
	[[ $output != *"already upstream"* ]]
	[[ $output == *"git rebase origin/main --exec"* ]]
	# --all ignores the upstream
	run "$DCO_CHECK" --all
	[ "$status" -eq 1 ]
	[[ $output == *"already upstream"* ]]
	# up to date with the upstream: nothing to check
	git reset -q --hard origin/main
	run "$DCO_CHECK"
	[ "$status" -eq 0 ]
	[[ $output == *"no commits to check"* ]]
}

# Confirm that a detached HEAD (no upstream) checks the whole history.
@test "detached HEAD checks the whole history" {
	bad
	good
	git checkout -q --detach
	run "$DCO_CHECK"
	[ "$status" -eq 1 ]
	[[ $output == *"whole history"* ]]
}

# Confirm the BASE and BASE..HEAD forms.
@test "BASE and BASE..HEAD select the range" {
	bad 'old'
	old=$(sha)
	good
	mid=$(sha)
	bad 'new'
	run "$DCO_CHECK" "$old"
	[ "$status" -eq 1 ]
	[[ $output == *"1 of 2 commits fail"* ]]
	[[ $output != *"bad: old"* ]]
	run "$DCO_CHECK" "$old..$mid"
	[ "$status" -eq 0 ]
	[[ $output == *"$old..$mid: 1 commit pass"* ]]
	run "$DCO_CHECK" "$old.."
	[ "$status" -eq 1 ]
	run "$DCO_CHECK" "HEAD~1..HEAD"
	[ "$status" -eq 1 ]
	[[ $output == *"git rebase HEAD~1 --exec"* ]]
	run "$DCO_CHECK" "$mid..$mid"
	[ "$status" -eq 0 ]
	[[ $output == *"no commits to check"* ]]
}

# Confirm that one git log pass serves any number of commits (no process
# per commit): count the git invocations through a shim.
@test "a constant number of git processes, whatever the commit count" {
	for i in $(seq 40); do
		commit "$(printf 'many: commit %d\n\nA body.\n\n%s' "$i" "$SOB_ADA")"
	done
	real_git=$(command -v git)
	mkdir "$BATS_TEST_TMPDIR/shim"
	printf '#!/bin/sh\necho x >>"%s"\nexec "%s" "$@"\n' "$BATS_TEST_TMPDIR/calls" "$real_git" \
		>"$BATS_TEST_TMPDIR/shim/git"
	chmod +x "$BATS_TEST_TMPDIR/shim/git"
	PATH="$BATS_TEST_TMPDIR/shim:$PATH" run "$DCO_CHECK"
	[ "$status" -eq 0 ]
	[[ $output == *"40 commits pass"* ]]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/calls")" -le 4 ]
}

# Confirm that a failing git log is a git error (2), not a pass.
@test "a git log failure exits 2" {
	good
	rm -f "$BATS_TEST_TMPDIR/calls"
	real_git=$(command -v git)
	mkdir "$BATS_TEST_TMPDIR/shim"
	printf '#!/bin/sh\ncase " $* " in *" log "*) exit 128 ;; esac\nexec "%s" "$@"\n' "$real_git" \
		>"$BATS_TEST_TMPDIR/shim/git"
	chmod +x "$BATS_TEST_TMPDIR/shim/git"
	PATH="$BATS_TEST_TMPDIR/shim:$PATH" run "$DCO_CHECK" --all
	[ "$status" -eq 2 ]
	[[ $output == *"git log failed"* ]]
}
