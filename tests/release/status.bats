#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# `status` against the fixture GitHub API: blockers, pagination, CI,
# sign-off checks, rate limits and server errors.

load helpers

@test "status: an open blocker is listed and exits 1" {
	make_repo
	start_server milestone-blocked common
	run svsm_release status
	[ "$status" -eq 1 ]
	grep -q 'OPEN    pr #12 .*proto: fix PVALIDATE bounds' <<<"$output"
	grep -q 'MERGED  pr #11 .*mm: add slab caches' <<<"$output"
	grep -q 'Result: BLOCKED by 1 open release blocker' <<<"$output"
	grep -q 'main @ 0123456789ab: success' <<<"$output"
	[ -z "$(unmatched)" ]
	[ -z "$(writes)" ]
	# Every request carried the token (as a header, never in argv).
	[ "$(jq -s 'map(select(.auth | not)) | length' "$SERVER_LOG")" -eq 0 ]
}

@test "status: no open blocker exits 0" {
	make_repo
	start_server milestone-clear common
	run svsm_release status 2026.11-devel
	[ "$status" -eq 0 ]
	grep -q 'MERGED  pr #12' <<<"$output"
	grep -q 'CLOSED  issue #15' <<<"$output"
	grep -q 'Result: no open blockers' <<<"$output"
}

@test "status: follows Link pagination across pages" {
	make_repo
	start_server paged common
	run svsm_release status
	[ "$status" -eq 1 ]
	grep -q '#11' <<<"$output"
	grep -q 'OPEN    pr #12' <<<"$output"
	grep -q '#13' <<<"$output"
	[ "$(jq -r 'select(.path == "/repos/test/svsm/issues") | .query.page // "1"' "$SERVER_LOG" | tr '\n' ' ')" = "1 2 3 " ]
}

@test "status: pagination never follows a link to another host" {
	make_repo
	start_server foreign-link common
	run svsm_release status
	[ "$status" -eq 3 ]
	grep -q 'refusing to follow a pagination link outside' <<<"$output"
}

@test "status: primary rate limit is reported with its reset time" {
	make_repo
	start_server rate-limited common
	run svsm_release status
	[ "$status" -eq 3 ]
	grep -q 'rate limit exceeded on GET /repos/test/svsm/milestones' <<<"$output"
	grep -q 'HTTP 403, limit 60, remaining 0' <<<"$output"
	grep -q 'resets at 2026-11-18 ' <<<"$output"
}

@test "status: secondary rate limit reports Retry-After" {
	make_repo
	start_server secondary-limit common
	run svsm_release status
	[ "$status" -eq 3 ]
	grep -q 'HTTP 429' <<<"$output"
	grep -q 'retry after 60 seconds' <<<"$output"
}

@test "status: a 5xx answer is reported" {
	make_repo
	start_server server-error common
	run svsm_release status
	[ "$status" -eq 3 ]
	grep -q 'HTTP 502 on GET /repos/test/svsm/milestones.*: Server Error' <<<"$output"
}

@test "status: an unreachable API is reported" {
	make_repo
	SVSM_GITHUB_API=http://127.0.0.1:1 run svsm_release status
	[ "$status" -eq 3 ]
	grep -q 'cannot reach the GitHub API' <<<"$output"
}

@test "status: red CI is shown" {
	make_repo
	start_server ci-red milestone-clear common
	run svsm_release status
	[ "$status" -eq 0 ]
	grep -q 'CI: main @ 0123456789ab: failure' <<<"$output"
}

@test "status: the tree's ci/dco-check passes the scratch history" {
	[ -x "$SRC_TOP/ci/dco-check" ] || skip "no ci/dco-check in this tree"
	make_repo
	mkdir -p ci
	cp "$SRC_TOP/ci/dco-check" ci/
	start_server milestone-clear common
	run svsm_release status
	grep -q "Sign-off: ok (ci/dco-check v2026.10-devel..HEAD)" <<<"$output"
}

@test "status: runs ci/dco-check on LASTTAG..HEAD when present" {
	make_repo
	mkdir -p ci
	cat >ci/dco-check <<-'SH'
		#!/bin/sh
		echo "$@" >"$DCO_ARGS"
		exit 1
	SH
	chmod +x ci/dco-check
	start_server milestone-clear common
	DCO_ARGS=$BATS_TEST_TMPDIR/dco-args run svsm_release status
	[ "$(cat "$BATS_TEST_TMPDIR/dco-args")" = "v2026.10-devel..HEAD" ]
	grep -q 'Sign-off: FAILED (ci/dco-check v2026.10-devel..HEAD)' <<<"$output"
}

@test "status: without ci/dco-check, a built-in sign-off check runs" {
	make_repo
	echo x >unsigned
	git add unsigned
	git commit -q -m "core: unsigned change" -m "Body."
	start_server milestone-clear common
	run svsm_release status
	grep -q 'Sign-off: FAILED (ci/dco-check not present; built-in sign-off check)' <<<"$output"
	grep -q 'core: unsigned change: no "Signed-off-by: Test Developer <dev@example.org>"' <<<"$output"
}

@test "status: labels mode lists labelled items closed since the last tag" {
	make_repo labels
	start_server labels-blocked common
	run svsm_release status
	[ "$status" -eq 1 ]
	grep -q 'mode labels' <<<"$output"
	grep -q 'OPEN    pr #21' <<<"$output"
	grep -q 'MERGED  pr #20' <<<"$output"
	grep -q 'MERGED  pr #23' <<<"$output"
	! grep -q '#19' <<<"$output" || false
	# Labels mode never asks for milestones.
	! grep -q '"/repos/test/svsm/milestones"' "$SERVER_LOG" || false
	[ -z "$(unmatched)" ]
}

@test "status: --mode overrides the configuration" {
	make_repo milestones
	start_server labels-clear common
	run svsm_release --mode labels status
	[ "$status" -eq 0 ]
	grep -q 'mode labels' <<<"$output"
}

@test "status: --repo selects the repository" {
	make_repo
	start_server milestone-clear common
	run svsm_release status --repo other/repo
	[ "$status" -eq 3 ]
	grep -q '/repos/other/repo/milestones' "$SERVER_LOG"
	run svsm_release status --repo 'bad repo'
	[ "$status" -eq 2 ]
}

@test "status: a failed check run makes CI red even when the status is green" {
	make_repo
	start_server ci-checkrun-failed milestone-clear common
	run svsm_release status
	grep -q 'CI: main @ 0123456789ab: failure (combined status: success, 1 contexts; check runs: 3 \[2 success, 1 timed_out\])' <<<"$output"
}

@test "status: running checks show as pending; no statuses is not pending" {
	make_repo
	start_server ci-pending milestone-clear common
	run svsm_release status
	grep -q 'CI: main @ 0123456789ab: pending (combined status: none, 0 contexts; check runs: 1 \[1 in_progress\])' <<<"$output"
}

@test "status: GitHub unreachable: the local results, and what did not run" {
	make_repo
	SVSM_GITHUB_API=http://127.0.0.1:1 SVSM_RELEASE_TODAY=2026-12-06 run svsm_release status
	echo "$output"
	[ "$status" -eq 3 ]
	grep -q 'cannot reach the GitHub API' <<<"$output"
	grep -q 'OVERDUE by 12 days' <<<"$output"
	grep -q '^Commits: 3 non-merge commits in v2026.10-devel..HEAD$' <<<"$output"
	grep -q '^Sign-off: ok' <<<"$output"
	grep -q '^Lint: ' <<<"$output"
	grep -q '^Not checked (GitHub unreachable): blockers and features (milestone 2026.11-devel), CI of main$' <<<"$output"
	grep -q '^Result: UNKNOWN' <<<"$output"
}

@test "status: no GitHub repository, or --offline: local checks only" {
	make_repo
	sed -i 's/^repo = .*/repo =/' release/config
	git commit -q -s -am "release: no GitHub repository" -m "Offline."
	run svsm_release status
	echo "$output"
	[ "$status" -eq 0 ]
	grep -q '^Commits: 4 non-merge commits in v2026.10-devel..HEAD$' <<<"$output"
	grep -q '^Sign-off: ok' <<<"$output"
	grep -q '^Not checked (no GitHub repository: repo in release/config, --repo, or a github.com remote): blockers and features (milestone 2026.11-devel), CI of main$' <<<"$output"
	grep -q '^Result: no open blocker known (local checks only)' <<<"$output"
	# --offline never asks GitHub, even with a repository configured
	git checkout -q HEAD~1
	SVSM_GITHUB_API=http://127.0.0.1:1 run svsm_release --offline status
	echo "$output"
	[ "$status" -eq 0 ]
	grep -q '^Not checked (--offline): ' <<<"$output"
	! grep -q 'cannot reach' <<<"$output" || false
}
