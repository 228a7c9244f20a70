#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# ci/dco-check: the per-commit rules (sign-off, body, Co-developed-by).

load helpers

setup() {
	dco_setup
}

# Confirm that a commit with a body and the author's sign-off passes.
@test "sign-off matching the author passes" {
	good
	run "$DCO_CHECK" --all
	[ "$status" -eq 0 ]
	[[ $output == *"1 commit pass"* ]]
}

# Confirm that a commit without any Signed-off-by fails.
@test "missing sign-off fails" {
	commit $'nosob: no sign-off\n\nA body.'
	run "$DCO_CHECK" --all
	[ "$status" -eq 1 ]
	[[ $output == *"nosob: no sign-off"* ]]
	[[ $output == *"no Signed-off-by trailer"* ]]
}

# Confirm that a sign-off whose name differs from the author's fails.
@test "sign-off name mismatch fails" {
	commit $'name: other name\n\nA body.\n\nSigned-off-by: Ada King <ada@example.org>'
	run "$DCO_CHECK" --all
	[ "$status" -eq 1 ]
	[[ $output == *"no Signed-off-by matches the author Ada Lovelace <ada@example.org>"* ]]
	[[ $output == *'found "Ada King <ada@example.org>"'* ]]
}

# Confirm that names compare exactly: a change of case is a mismatch.
@test "sign-off name compares case-sensitively" {
	commit $'name: lower case\n\nA body.\n\nSigned-off-by: ada lovelace <ada@example.org>'
	run "$DCO_CHECK" --all
	[ "$status" -eq 1 ]
	[[ $output == *"no Signed-off-by matches the author"* ]]
}

# Confirm that a sign-off whose email differs from the author's fails.
@test "sign-off email mismatch fails" {
	commit $'mail: other mail\n\nA body.\n\nSigned-off-by: Ada Lovelace <ada@example.com>'
	run "$DCO_CHECK" --all
	[ "$status" -eq 1 ]
	[[ $output == *"no Signed-off-by matches the author"* ]]
}

# Confirm that emails compare case-insensitively (and the key too).
@test "sign-off email compares case-insensitively" {
	commit $'mail: upper case\n\nA body.\n\nsigned-off-by: Ada Lovelace <ADA@Example.ORG>'
	run "$DCO_CHECK" --all
	[ "$status" -eq 0 ]
}

# Confirm that whitespace around the name and the email is trimmed.
@test "whitespace around name and email is trimmed" {
	commit $'space: padded\n\nA body.\n\nSigned-off-by:    Ada Lovelace    <  ada@example.org >   '
	run "$DCO_CHECK" --all
	[ "$status" -eq 0 ]
}

# Confirm that one sign-off must carry both the author's name and email.
@test "name and email must come from the same sign-off" {
	commit $'split: two half matches\n\nA body.\n\nSigned-off-by: Ada Lovelace <x@example.org>\nSigned-off-by: Ada King <ada@example.org>'
	run "$DCO_CHECK" --all
	[ "$status" -eq 1 ]
	[[ $output == *"no Signed-off-by matches the author"* ]]
}

# Confirm that a sign-off of the author among others passes.
@test "author's sign-off among other sign-offs passes" {
	commit "$(printf 'many: chain\n\nA body.\n\n%s\n%s' "$SOB_BOB" "$SOB_ADA")"
	run "$DCO_CHECK" --all
	[ "$status" -eq 0 ]
}

# Confirm that a Signed-off-by line outside the trailer block does not count.
@test "sign-off in the body but not a trailer fails" {
	commit "$(printf 'body: misplaced\n\n%s\n\nThe last paragraph is not a trailer block.' "$SOB_ADA")"
	run "$DCO_CHECK" --all
	[ "$status" -eq 1 ]
	[[ $output == *"no Signed-off-by trailer"* ]]
	[[ $output == *"not in the trailer block"* ]]
}

# Confirm that the author's sign-off above another trailer block (a
# cherry-pick note between two sign-off blocks, as in podman) gets the hint.
@test "author's sign-off above another person's trailer block: hint" {
	commit "$(printf 'pick: backport

A body.

%s
(cherry picked from commit 0123456789abcdef)

%s' "$SOB_ADA" "$SOB_BOB")"
	run "$DCO_CHECK" --all
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == *"no Signed-off-by matches the author"* ]]
	[[ $output == *"not in the trailer block"* ]]
	# someone else's sign-off above the block does not earn the hint
	commit "$(printf 'pick: other\n\nA body.\n\n%s\n(cherry picked)\n\n%s' "Signed-off-by: $CAROL" "$SOB_BOB")"
	run "$DCO_CHECK" HEAD~1..HEAD
	[ "$status" -eq 1 ]
	[[ $output != *"not in the trailer block"* ]]
}

# Confirm that a malformed sign-off (no <email>) does not match.
@test "malformed sign-off fails" {
	commit $'bad: no brackets\n\nA body.\n\nSigned-off-by: Ada Lovelace ada@example.org'
	run "$DCO_CHECK" --all
	[ "$status" -eq 1 ]
	[[ $output == *"no Signed-off-by matches the author"* ]]
}

# Confirm that a subject with only trailers has no body.
@test "subject and trailers only fails for want of a body" {
	commit "$(printf 'empty: trailers only\n\n%s' "$SOB_ADA")"
	run "$DCO_CHECK" --all
	[ "$status" -eq 1 ]
	[[ $output == *"no body"* ]]
	[[ $output != *"no Signed-off-by"* ]]
	[[ $output == *"mark them \`reword\`"* ]]
}

# Confirm that a subject alone fails for both body and sign-off.
@test "subject alone fails for body and sign-off" {
	commit 'alone: just a subject'
	run "$DCO_CHECK" --all
	[ "$status" -eq 1 ]
	[[ $output == *"no body"* ]]
	[[ $output == *"no Signed-off-by trailer"* ]]
}

# Confirm that text in the trailer paragraph counts as a body.
@test "text in the paragraph of the trailers is a body" {
	commit "$(printf 'text: one paragraph\n\nFix the thing.\n%s' "$SOB_ADA")"
	run "$DCO_CHECK" --all
	[ "$status" -eq 0 ]
}

# Confirm that a multi-line (folded) trailer is not mistaken for a body.
@test "folded trailer lines are not a body" {
	commit "$(printf 'fold: folded trailer\n\nLink: https://example.org/a\n  /very/long/path\n%s' "$SOB_ADA")"
	run "$DCO_CHECK" --all
	[ "$status" -eq 1 ]
	[[ $output == *"no body"* ]]
}

# Confirm that a Co-developed-by followed by that person's sign-off passes.
@test "Co-developed-by paired with its sign-off passes" {
	commit "$(printf 'codev: paired\n\nA body.\n\nCo-developed-by: %s\n%s\n%s' "$BOB" "$SOB_BOB" "$SOB_ADA")"
	run "$DCO_CHECK" --all
	[ "$status" -eq 0 ]
	[ "$output" = "dco-check: HEAD (whole history): 1 commit pass" ]
}

# Confirm that a Co-developed-by without the co-author's sign-off fails.
@test "Co-developed-by without a sign-off fails" {
	commit "$(printf 'codev: unpaired\n\nA body.\n\nCo-developed-by: %s\n%s' "$BOB" "$SOB_ADA")"
	run "$DCO_CHECK" --all
	[ "$status" -eq 1 ]
	[[ $output == *"\"Co-developed-by: $BOB\" is not immediately followed"* ]]
	[[ $output == *"I, $BOB, hereby add my Signed-off-by to this commit: $(sha)"* ]]
}

# Confirm that the co-author's sign-off must come immediately after.
@test "Co-developed-by with a later sign-off fails" {
	commit "$(printf 'codev: late\n\nA body.\n\nCo-developed-by: %s\n%s\n%s' "$BOB" "$SOB_ADA" "$SOB_BOB")"
	run "$DCO_CHECK" --all
	[ "$status" -eq 1 ]
	[[ $output == *"is not immediately followed"* ]]
}

# Confirm that a Co-developed-by followed by another person's sign-off fails.
@test "Co-developed-by followed by the wrong person fails" {
	commit "$(printf 'codev: wrong\n\nA body.\n\nCo-developed-by: %s\nSigned-off-by: %s\n%s' "$BOB" "$CAROL" "$SOB_ADA")"
	run "$DCO_CHECK" --all
	[ "$status" -eq 1 ]
	[[ $output == *"is not immediately followed"* ]]
	[[ $output == *"next trailer is \"Signed-off-by: $CAROL\""* ]]
}

# Confirm that Co-developed-by naming the author is refused.
@test "Co-developed-by naming the author fails" {
	commit "$(printf 'codev: self\n\nA body.\n\nCo-developed-by: %s\n%s' "$ADA" "$SOB_ADA")"
	run "$DCO_CHECK" --all
	[ "$status" -eq 1 ]
	[[ $output == *"names the author"* ]]
}

# Confirm that a merge commit without a sign-off is not checked.
@test "merge commits are skipped" {
	good
	git checkout -q -b topic
	commit "$(printf 'topic: side\n\nA body.\n\n%s' "$SOB_ADA")"
	git checkout -q main
	commit "$(printf 'main: main line\n\nA body.\n\n%s' "$SOB_ADA")"
	git merge -q --no-ff --no-edit -m 'Merge branch topic' topic
	[ "$(git rev-list --merges --count HEAD)" -eq 1 ]
	run "$DCO_CHECK" --all
	[ "$status" -eq 0 ]
	[[ $output == *"3 commits pass"* ]]
}

# Confirm that every failing commit is reported in one run, oldest first.
@test "all failures are reported together" {
	commit $'one: no sign-off\n\nA body.'
	first=$(sha)
	good
	commit "$(printf 'two: no body\n\n%s' "$SOB_ADA")"
	second=$(sha)
	commit $'three: wrong person\n\nA body.' --author="$BOB"
	third=$(sha)
	run "$DCO_CHECK" --all
	[ "$status" -eq 1 ]
	[[ $output == *"3 of 4 commits fail"* ]]
	[[ $output == *"${first:0:12} one: no sign-off"*"${second:0:12} two: no body"*"${third:0:12} three: wrong person"* ]]
	# one remediation block per person, with copy-paste text
	[[ $output == *"I, $ADA, hereby add my Signed-off-by to this commit: $first"* ]]
	[[ $output == *"I, $BOB, hereby add my Signed-off-by to this commit: $third"* ]]
	[[ $output == *"git rebase --root --exec 'git commit --amend --no-edit --signoff --allow-empty'"* ]]
}

# Confirm that --exclude-email skips bot commits and only them.
@test "--exclude-email skips matching authors" {
	commit $'deps: bump\n\nA body.' --author='dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>'
	good
	run "$DCO_CHECK" --all --exclude-email '\[bot\]@users\.noreply\.github\.com$'
	[ "$status" -eq 0 ]
	[[ $output == *"1 commit pass, 1 skipped"* ]]
	run "$DCO_CHECK" --all --exclude-email 'nobody@example\.org'
	[ "$status" -eq 1 ]
}

# Confirm that a noreply/real address mismatch gets an explanation.
@test "GitHub noreply mismatch is explained" {
	commit "$(printf 'noreply: mismatch\n\nA body.\n\n%s' "$SOB_ADA")" \
		--author='Ada Lovelace <1+ada@users.noreply.github.com>'
	run "$DCO_CHECK" --all
	[ "$status" -eq 1 ]
	[[ $output == *"GitHub noreply address"* ]]
}

# Confirm that control characters cannot shift fields or forge records.
@test "control characters in a message fail closed" {
	commit "$(printf 'ctl: unit\037separator\n\nA body.\n\n%s' "$SOB_ADA")"
	run "$DCO_CHECK" --all
	[ "$status" -eq 1 ]
	[[ $output == *"control character 0x1f"* ]]
}

@test "a record separator in a message forges nothing" {
	commit "$(printf 'ctl: record\n\nA body.\036%s\037x\037y\037z\037\037b\n\n%s' "$(sha 2>/dev/null || echo 0)" "$SOB_ADA")"
	commit "$(printf 'ctl: again\n\nA body\036.\n\n%s' "$SOB_ADA")"
	run "$DCO_CHECK" --all
	[ "$status" -eq 1 ]
	[[ $output == *"control character 0x1f"* ]]
	[[ $output == *"1 of 2 commits fail"* ]]
}

# Confirm that terminal escapes in a commit cannot hide the report.
@test "control characters are not printed" {
	commit "$(printf 'esc: \033[2K\rhidden\n\nA body.')" --author=$'Eve \033[8m <eve@example.org>'
	run "$DCO_CHECK" --all
	[ "$status" -eq 1 ]
	[[ $output == *"esc: ?[2K?hidden"* ]]
	[[ $output != *$'\033'* ]]
	[[ $output != *$'\r'* ]]
}
