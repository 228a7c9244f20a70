#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# ci/check-reviews against recorded GitHub API answers served on 127.0.0.1 by
# tests/gov/github-fixture-server (fixtures in tests/gov/fixtures/github).
# Fixture TSC members: tsc-alpha, tsc-beta (given as "tsc-alpha, @tsc-beta":
# commas, blanks and a leading @ are accepted); maintainers maint-one, maint-two.

SRC=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
CHECK=$SRC/ci/check-reviews

setup_file() {
	export PYTHONDONTWRITEBYTECODE=1
	local dir=$BATS_FILE_TMPDIR
	"$BATS_TEST_DIRNAME/github-fixture-server" "$BATS_TEST_DIRNAME/fixtures/github" \
		"$dir/port" "$dir/requests.log" 3>&- &
	echo $! >"$dir/pid"
	for _ in $(seq 300); do
		[ -s "$dir/port" ] && break
		sleep 0.1
	done
	[ -s "$dir/port" ]
}

teardown_file() {
	kill "$(cat "$BATS_FILE_TMPDIR/pid")" 2>/dev/null || true
}

setup() {
	SVSM_GITHUB_API="http://127.0.0.1:$(cat "$BATS_FILE_TMPDIR/port")"
	export SVSM_GITHUB_API
	export SVSM_TSC_LOGINS="tsc-alpha, @tsc-beta"
	unset GITHUB_TOKEN
	: >"$BATS_FILE_TMPDIR/requests.log"
}

gate() { # gate SCENARIO [args...]
	local s=$1
	shift
	run "$CHECK" --repo "svsm-test/$s" "$@" 7
	echo "$output"
}

@test "every assignee and a TSC member approved HEAD: pass" {
	gate all-approved
	[ "$status" -eq 0 ]
	[[ $output == *"assignee maint-one: approved"* ]]
	[[ $output == *"TSC approval: tsc-alpha"* ]]
	[[ $output == *"PASS"* ]]
}

@test "an assignee without a review fails and is named" {
	gate assignee-missing
	[ "$status" -eq 1 ]
	[[ $output == *"FAIL: missing approval of 5e1f0c7d9a2b from:"* ]]
	[[ $output == *"- maint-two (no review)"* ]]
	[[ $output != *"- maint-one"* ]]
}

@test "an approval of an older commit does not count" {
	gate stale-approval
	[ "$status" -eq 1 ]
	[[ $output == *"- maint-one (approved an older commit)"* ]]
}

@test "CHANGES_REQUESTED after APPROVED counts as not approved" {
	gate changes-requested
	[ "$status" -eq 1 ]
	[[ $output == *"- maint-one (changes requested)"* ]]
}

@test "a dismissed review counts as not approved" {
	gate dismissed
	[ "$status" -eq 1 ]
	[[ $output == *"- maint-one (review dismissed)"* ]]
}

@test "no TSC approval of HEAD fails" {
	gate no-tsc
	[ "$status" -eq 1 ]
	[[ $output == *"assignee maint-one: approved"* ]]
	[[ $output == *"TSC approval: none (TSC: tsc-alpha tsc-beta)"* ]]
	[[ $output == *"- a TSC member"* ]]
}

@test "reviews are read across every page of the Link header" {
	gate paginated
	[ "$status" -eq 0 ]
	[[ $output == *"TSC approval: tsc-beta"* ]]
	grep -q 'reviews?per_page=100&page=3 ' "$BATS_FILE_TMPDIR/requests.log"
	[ "$(grep -c /reviews "$BATS_FILE_TMPDIR/requests.log")" -eq 3 ]
}

@test "a rate limit is reported clearly with exit 2" {
	gate rate-limited
	[ "$status" -eq 2 ]
	[[ $output == *"GitHub API rate limit exceeded (HTTP 403, resets at 2026-11-18 "*"UTC; set GITHUB_TOKEN for a higher limit)"* ]]
}

@test "a secondary rate limit (429, Retry-After) is reported with exit 2" {
	gate secondary-limit
	[ "$status" -eq 2 ]
	[[ $output == *"rate limit exceeded (HTTP 429, retry after 60s"* ]]
}

@test "a 5xx answer is reported with exit 2" {
	gate server-error
	[ "$status" -eq 2 ]
	[[ $output == *"HTTP 500 from $SVSM_GITHUB_API/repos/svsm-test/server-error/pulls/7: Server Error"* ]]
}

@test "an unknown pull request is reported with exit 2" {
	gate no-such-repo
	[ "$status" -eq 2 ]
	[[ $output == *"HTTP 404"*"no such repository or pull request"* ]]
}

@test "an unreachable API is reported with exit 2" {
	SVSM_GITHUB_API=http://127.0.0.1:1 gate all-approved
	[ "$status" -eq 2 ]
	[[ $output == *"cannot reach http://127.0.0.1:1/"* ]]
}

@test "a pagination link to another host is not followed" {
	gate foreign-link
	[ "$status" -eq 2 ]
	[[ $output == *"refusing to follow pagination link outside"* ]]
}

@test "the PR author is not waited for as an assignee" {
	gate author-assigned
	[ "$status" -eq 0 ]
	[[ $output == *"assignee author: PR author, cannot approve; not required"* ]]
}

@test "without assignees only the TSC approval is required" {
	gate no-assignees
	[ "$status" -eq 0 ]
	[[ $output == *"no assignees"* ]]
}

@test "TSC membership can come from the maintainers list" {
	unset SVSM_TSC_LOGINS
	m=$BATS_TEST_TMPDIR/MAINTAINERS
	printf '%s\n' 'team @o/tsc tsc all' 'member @o/tsc TSC-Beta chair' >"$m"
	gate no-assignees --maintainers "$m"
	[ "$status" -eq 0 ]
	[[ $output == *"TSC approval: tsc-beta"* ]]
	printf '%s\n' 'team @o/tsc tsc all' 'member @o/tsc someone-else member' >"$m"
	gate no-assignees --maintainers "$m"
	[ "$status" -eq 1 ]
}

@test "no known TSC login is a configuration error" {
	unset SVSM_TSC_LOGINS
	gate all-approved --maintainers "$SRC/governance/MAINTAINERS"
	[ "$status" -eq 2 ]
	[[ $output == *"no TSC logins known"*"SVSM_TSC_LOGINS"* ]]
}

@test "GITHUB_TOKEN is sent when set, and only then" {
	gate all-approved
	grep -q 'auth=no' "$BATS_FILE_TMPDIR/requests.log"
	run grep -c 'auth=yes' "$BATS_FILE_TMPDIR/requests.log"
	[ "$output" = 0 ]
	: >"$BATS_FILE_TMPDIR/requests.log"
	GITHUB_TOKEN=fixture-token gate all-approved
	[ "$status" -eq 0 ]
	run grep -c 'auth=no' "$BATS_FILE_TMPDIR/requests.log"
	[ "$output" = 0 ]
}

@test "the repository defaults to the origin remote" {
	r=$BATS_TEST_TMPDIR/clone
	git init -q "$r"
	git -C "$r" remote add origin https://github.com/svsm-test/all-approved.git
	cd "$r"
	run "$CHECK" 7
	[ "$status" -eq 0 ]
	git -C "$r" remote set-url origin git@github.com:svsm-test/no-tsc.git
	run "$CHECK" 7
	[ "$status" -eq 1 ]
}

@test "bad arguments are usage errors" {
	run "$CHECK" --repo svsm-test/all-approved
	[ "$status" -eq 2 ]
	run "$CHECK" --repo svsm-test/all-approved 7x
	[ "$status" -eq 2 ]
	run "$CHECK" --repo 'not a repo' 7
	[ "$status" -eq 2 ]
}

@test "a renamed repository's redirect is followed" {
	gate renamed
	[ "$status" -eq 0 ]
	grep -q 'GET /repos/svsm-test/all-approved/pulls/7/reviews?per_page=100 ' "$BATS_FILE_TMPDIR/requests.log"
}

@test "--help prints the usage and exits 0" {
	run "$CHECK" --help
	[ "$status" -eq 0 ]
	[[ $output == "usage: ci/check-reviews"* ]]
	[[ $output == *"SVSM_TSC_LOGINS"* ]]
}
