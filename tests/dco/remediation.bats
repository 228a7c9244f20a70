#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# ci/dco-check: remediation commits that add a sign-off without rewriting
# history (dcoapp's individual and third-party forms).

load helpers

setup() {
	dco_setup
}

# remediate TEXT [git commit options]: a remediation commit whose body is TEXT
remediate() {
	local text=$1
	shift
	commit "$(printf 'dco: add a sign-off\n\n%s' "$text")" "$@"
}

# Confirm that the author's own remediation commit fixes a missing sign-off.
@test "individual remediation is accepted" {
	commit $'fix: unsigned\n\nA body.'
	x=$(sha)
	remediate "$(printf 'I, %s, hereby add my Signed-off-by to this commit: %s\n\n%s' "$ADA" "$x" "$SOB_ADA")"
	run "$DCO_CHECK" --all
	[ "$status" -eq 0 ]
	[[ $output == *"2 commits pass, 1 signed off by remediation commits"* ]]
}

# Confirm that the same text fixes a name mismatch too.
@test "remediation fixes a mismatched sign-off" {
	commit $'fix: wrong name\n\nA body.\n\nSigned-off-by: A. Lovelace <ada@example.org>'
	x=$(sha)
	remediate "$(printf 'I, %s, hereby add my Signed-off-by to this commit: %s\n\n%s' "$ADA" "$x" "$SOB_ADA")"
	run "$DCO_CHECK" --all
	[ "$status" -eq 0 ]
}

# Confirm that an unambiguous abbreviated sha and a wrapped sentence work,
# and that several sentences may follow each other.
@test "abbreviated shas and wrapped sentences are accepted" {
	commit $'fix: one\n\nA body.'
	x=$(sha)
	commit $'fix: two\n\nA body.'
	y=$(sha)
	remediate "$(printf 'I, %s, hereby add my\n  Signed-off-by to this commit: %s\nI, %s, hereby add my Signed-off-by to this commit: %s.\n\n%s' \
		"$ADA" "${x:0:7}" "$ADA" "${y:0:12}" "$SOB_ADA")"
	run "$DCO_CHECK" --all
	[ "$status" -eq 0 ]
	[[ $output == *"2 signed off by remediation commits"* ]]
}

# Confirm that a shorter-than-7-digit sha is not accepted.
@test "a too-short sha is rejected" {
	commit $'fix: unsigned\n\nA body.'
	x=$(sha)
	remediate "$(printf 'I, %s, hereby add my Signed-off-by to this commit: %s\n\n%s' "$ADA" "${x:0:6}" "$SOB_ADA")"
	run "$DCO_CHECK" --all
	[ "$status" -eq 1 ]
	[[ $output == *"remediation text not understood"* ]]
}

# Confirm that someone else's remediation for the author is refused.
@test "remediation by the wrong person is rejected" {
	commit $'fix: unsigned\n\nA body.'
	x=$(sha)
	remediate "$(printf 'I, %s, hereby add my Signed-off-by to this commit: %s\n\n%s' "$ADA" "$x" "$SOB_ADA")" \
		--author="$BOB"
	r=$(sha)
	run "$DCO_CHECK" --all
	[ "$status" -eq 1 ]
	[[ $output == *"${x:0:12} fix: unsigned"* ]]
	[[ $output == *"remediation in ${r:0:12} not accepted: that commit is authored by $BOB, not by $ADA"* ]]
}

# Confirm that a remediation for another identity does not fix the author.
@test "remediation naming someone else does not apply" {
	commit $'fix: unsigned\n\nA body.'
	x=$(sha)
	remediate "$(printf 'I, %s, hereby add my Signed-off-by to this commit: %s\n\n%s' "$BOB" "$x" "$SOB_BOB")" \
		--author="$BOB"
	run "$DCO_CHECK" --all
	[ "$status" -eq 1 ]
	[[ $output == *"${x:0:12} fix: unsigned"* ]]
	[[ $output == *"neither the author nor an unpaired co-developer"* ]]
}

# Confirm that a remediation commit must itself be signed off.
@test "remediation without its own sign-off is rejected" {
	commit $'fix: unsigned\n\nA body.'
	x=$(sha)
	remediate "$(printf 'I, %s, hereby add my Signed-off-by to this commit: %s' "$ADA" "$x")"
	run "$DCO_CHECK" --all
	[ "$status" -eq 1 ]
	[[ $output == *"${x:0:12} fix: unsigned"* ]]
	[[ $output == *"not accepted: that commit has no Signed-off-by from $ADA"* ]]
}

# Confirm that a remediation outside the checked range does not count.
@test "remediation outside the range does not count" {
	good
	base=$(sha)
	commit $'fix: unsigned\n\nA body.'
	x=$(sha)
	remediate "$(printf 'I, %s, hereby add my Signed-off-by to this commit: %s\n\n%s' "$ADA" "$x" "$SOB_ADA")"
	run "$DCO_CHECK" "$base..$x"
	[ "$status" -eq 1 ]
	run "$DCO_CHECK" "$base"
	[ "$status" -eq 0 ]
}

# Confirm the third-party form: someone signs off on the author's behalf.
@test "third-party remediation is accepted" {
	commit $'fix: by bob, unsigned\n\nA body.' --author="$BOB"
	x=$(sha)
	remediate "$(printf 'On behalf of %s, I, %s, hereby add my Signed-off-by to this commit: %s\n\n%s' "$BOB" "$ADA" "$x" "$SOB_ADA")"
	run "$DCO_CHECK" --all
	[ "$status" -eq 0 ]
}

# Confirm that the third-party signer must author and sign the remediation.
@test "third-party remediation by the wrong person is rejected" {
	commit $'fix: by bob, unsigned\n\nA body.' --author="$BOB"
	x=$(sha)
	remediate "$(printf 'On behalf of %s, I, %s, hereby add my Signed-off-by to this commit: %s\n\n%s' "$BOB" "$CAROL" "$x" "$SOB_ADA")"
	run "$DCO_CHECK" --all
	[ "$status" -eq 1 ]
	[[ $output == *"not accepted: that commit is authored by $ADA, not by $CAROL"* ]]
}

# Confirm that a co-developer's remediation fixes an unpaired Co-developed-by.
@test "co-developer remediation fixes an unpaired Co-developed-by" {
	commit "$(printf 'codev: unpaired\n\nA body.\n\nCo-developed-by: %s\n%s' "$BOB" "$SOB_ADA")"
	x=$(sha)
	run "$DCO_CHECK" --all
	[ "$status" -eq 1 ]
	remediate "$(printf 'I, %s, hereby add my Signed-off-by to this commit: %s\n\n%s' "$BOB" "$x" "$SOB_BOB")" \
		--author="$BOB"
	run "$DCO_CHECK" --all
	[ "$status" -eq 0 ]
}

# Confirm that a remediation does not supply a missing body.
@test "remediation does not fix an empty body" {
	commit 'fix: subject only'
	x=$(sha)
	remediate "$(printf 'I, %s, hereby add my Signed-off-by to this commit: %s\n\n%s' "$ADA" "$x" "$SOB_ADA")"
	run "$DCO_CHECK" --all
	[ "$status" -eq 1 ]
	[[ $output == *"no body"* ]]
	[[ $output != *"no Signed-off-by"* ]]
}

# Confirm that the printed remediation text, used as printed, fixes the range.
@test "the suggested remediation commit passes" {
	commit $'fix: one\n\nA body.'
	commit $'fix: two\n\nA body.'
	run "$DCO_CHECK" --all
	[ "$status" -eq 1 ]
	# take Ada's block: from the git commit line to EOF, and run it
	printf '%s\n' "$output" | sed -n "/^git commit --allow-empty/,/^EOF\$/p" >"$BATS_TEST_TMPDIR/fix.sh"
	[ "$(grep -c 'hereby add my' "$BATS_TEST_TMPDIR/fix.sh")" -eq 2 ]
	sh "$BATS_TEST_TMPDIR/fix.sh"
	run "$DCO_CHECK" --all
	[ "$status" -eq 0 ]
	[[ $output == *"3 commits pass, 2 signed off by remediation commits"* ]]
}

# root N: a parentless, empty, unsigned commit "amb: root N" with a fixed
# date; roots 4546 and 4701 are 47c4b930c4c9... and 47c4b9330ec7... (their
# shas share the 7-digit prefix 47c4b93).
root() {
	printf 'amb: root %s\n\nA body, no sign-off.\n' "$1" |
		GIT_AUTHOR_DATE='1700000000 +0000' GIT_COMMITTER_DATE='1700000000 +0000' \
			git commit-tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904
}

# Confirm that an abbreviation matching two commits of the range is refused,
# and that enough digits make it unambiguous.
@test "an ambiguous abbreviated sha is rejected" {
	a=$(root 4546)
	b=$(root 4701)
	[ "${a:0:7}" = "${b:0:7}" ]
	git reset -q --hard "$a"
	git merge -q --allow-unrelated-histories --no-edit -m 'Merge the other root' "$b"
	remediate "$(printf 'I, %s, hereby add my Signed-off-by to this commit: %s\n\n%s' "$ADA" "${a:0:7}" "$SOB_ADA")"
	run "$DCO_CHECK" --all
	[ "$status" -eq 1 ]
	[[ $output == *"${a:0:7} is ambiguous (2 commits in the range start with it)"* ]]
	[[ $output == *"2 of 3 commits fail"* ]]
	remediate "$(printf 'I, %s, hereby add my Signed-off-by to this commit: %s\nI, %s, hereby add my Signed-off-by to this commit: %s\n\n%s' \
		"$ADA" "${a:0:8}" "$ADA" "${b:0:8}" "$SOB_ADA")"
	run "$DCO_CHECK" --all
	[ "$status" -eq 0 ]
}

# Confirm that an abbreviation unique in the range but not in the repository
# is refused too.
@test "an abbreviated sha ambiguous in the repository is rejected" {
	a=$(root 4546)
	b=$(root 4701)
	git branch other "$b"
	git reset -q --hard "$a"
	remediate "$(printf 'I, %s, hereby add my Signed-off-by to this commit: %s\n\n%s' "$ADA" "${a:0:7}" "$SOB_ADA")"
	run "$DCO_CHECK" --all
	[ "$status" -eq 1 ]
	[[ $output == *"${a:0:7} is ambiguous in this repository"* ]]
	git branch -D -q other
	git reflog expire --expire=now --all
	git prune --expire=now
	run "$DCO_CHECK" --all
	[ "$status" -eq 0 ]
}

# Confirm that the printed rewrite command, run as printed, fixes the range.
@test "the suggested rebase passes" {
	commit $'fix: one\n\nA body.'
	commit $'fix: two\n\nA body.\n\nSigned-off-by: A. Lovelace <ada@example.org>'
	run "$DCO_CHECK"
	[ "$status" -eq 1 ]
	cmd=$(printf '%s\n' "$output" | sed -n "s/^    \(git rebase .* --exec .*\)\$/\1/p")
	[ "$cmd" = "git rebase --root --exec 'git commit --amend --no-edit --signoff --allow-empty'" ]
	eval "$cmd" >/dev/null 2>&1
	run "$DCO_CHECK"
	[ "$status" -eq 0 ]
	[[ $output == *"2 commits pass" ]]
}
