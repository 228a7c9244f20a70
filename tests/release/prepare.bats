#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# `prepare`: refusal on open blockers and failing checks, unmerged features
# moved to next month's milestone, notes and the release commit derived
# from the version, dry-run, and resuming after a failure.
# shellcheck disable=SC2016 # literal backticks and $1 in patterns and scripts

load helpers

@test "prepare: refuses while a blocker is open and changes nothing" {
	make_repo
	start_server milestone-blocked common
	head=$(git rev-parse HEAD)
	run svsm_release prepare 2026.11-devel
	[ "$status" -eq 1 ]
	grep -q 'refusing: open release blockers' <<<"$output"
	grep -q '#12' <<<"$output"
	[ "$(git rev-parse HEAD)" = "$head" ]
	[ -z "$(writes)" ]
	[ -z "$(git status --porcelain)" ]
}

@test "prepare: moves unmerged features to a new next-month milestone and commits" {
	make_repo
	start_server milestone-clear common
	run svsm_release prepare 2026.11-devel
	[ "$status" -eq 0 ]
	[ -z "$(unmatched)" ]
	# The next milestone is created, due at the end of next month.
	[ "$(writes | jq -c 'select(.path == "/repos/test/svsm/milestones") | .body | {title, due_on}')" = \
		'{"title":"2026.12-devel","due_on":"2026-12-31T23:59:59Z"}' ]
	# The unmerged feature moves there; merged items stay.
	[ "$(writes | jq -c 'select(.method == "PATCH")')" = \
		'{"method":"PATCH","path":"/repos/test/svsm/issues/13","body":{"milestone":3}}' ]
	# The release commit: derived subject, VERSION, notes, sign-off.
	[ "$(git log -1 --format=%s)" = "$("$VERSION_TOOL" -v 2026.11-devel subject)" ]
	[ "$(git log -1 --format=%s)" = "release: SVSM 2026.11-devel" ]
	[ "$(git show HEAD:release/VERSION)" = 2026.11-devel ]
	git log -1 --format=%B | grep -qx 'Development release for November 2026.'
	git log -1 --format=%B | grep -qx 'Signed-off-by: Test Developer <dev@example.org>'
	[ "$(git show --name-only --format= HEAD | sort | tr '\n' ' ')" = \
		"release/VERSION release/notes/2026.11-devel.md " ]
	[ -z "$(git status --porcelain)" ]
}

@test "prepare: notes group PRs by label and commits by component" {
	make_repo
	start_server milestone-clear common
	run svsm_release prepare 2026.11-devel
	[ "$status" -eq 0 ]
	notes=release/notes/2026.11-devel.md
	[ "$(head -n 1 "$notes")" = "# $("$VERSION_TOOL" -v 2026.11-devel notes-title)" ]
	grep -qx -- '- Tag: `v2026.11-devel`' "$notes"
	grep -qx -- '- Previous release: `v2026.10-devel`' "$notes"
	grep -qx -- '- Changes: 3 commits by 1 contributor' "$notes"
	sed -n '/^### Release blockers/,/^##/p' "$notes" | grep -q 'proto: fix PVALIDATE bounds (#12, @carol)'
	sed -n '/^### Release blockers/,/^##/p' "$notes" | grep -q 'Boot hangs with 512 vCPUs (#15'
	sed -n '/^### Features/,/^##/p' "$notes" | grep -q 'mm: add slab caches (#11'
	sed -n '/^### Moved to 2026.12-devel/,/^##/p' "$notes" | grep -q 'vtpm: add the TPM service (#13'
	sed -n '/^### mm$/,/^##/p' "$notes" | grep -q 'add the buddy page allocator'
	sed -n '/^### proto$/,/^##/p' "$notes" | grep -q 'add the core protocol'
	sed -n '/^### other$/,/^##/p' "$notes" | grep -q 'Update the README'
	grep -qx -- '- Test Developer' "$notes"
}

@test "prepare: an existing next milestone is reused, not created" {
	make_repo
	start_server next-milestone-exists milestone-clear common
	run svsm_release prepare 2026.11-devel
	[ "$status" -eq 0 ]
	[ -z "$(writes | jq -c 'select(.method == "POST")')" ]
	[ "$(writes | jq -c 'select(.method == "PATCH") | .body')" = '{"milestone":7}' ]
}

@test "prepare: --dry-run prints the requests and commands and changes nothing" {
	make_repo
	start_server milestone-clear common
	head=$(git rev-parse HEAD)
	run svsm_release --dry-run prepare 2026.11-devel
	[ "$status" -eq 0 ]
	grep -q '^dry-run: POST /repos/test/svsm/milestones {"title":"2026.12-devel"' <<<"$output"
	grep -q '^dry-run: PATCH /repos/test/svsm/issues/13 {"milestone":NEW}' <<<"$output"
	grep -q '^dry-run: git -C .* commit -q -s -F ' <<<"$output"
	grep -q 'dry-run: write release/notes/2026.11-devel.md' <<<"$output"
	[ -z "$(writes)" ]
	[ "$(git rev-parse HEAD)" = "$head" ]
	[ -z "$(git status --porcelain --ignored)" ]
	[ ! -e "$(git rev-parse --git-dir)/svsm-release" ] ||
		[ -z "$(ls "$(git rev-parse --git-dir)/svsm-release")" ]
}

@test "prepare: a failed step says what was done and a re-run resumes" {
	make_repo
	start_server patch-fails-once milestone-clear common
	head=$(git rev-parse HEAD)
	run svsm_release prepare 2026.11-devel
	[ "$status" -eq 3 ]
	grep -q 'HTTP 502 on PATCH /repos/test/svsm/issues/13' <<<"$output"
	grep -q 'these steps were completed before the failure' <<<"$output"
	grep -q 'milestone 2026.12-devel exists' <<<"$output"
	grep -q 'run the same command again' <<<"$output"
	[ "$(git rev-parse HEAD)" = "$head" ]
	journal=$(git rev-parse --git-dir)/svsm-release/prepare-2026.11-devel.journal
	grep -q 'milestone 2026.12-devel exists' "$journal"
	run svsm_release prepare 2026.11-devel
	[ "$status" -eq 0 ]
	grep -q 'resuming prepare 2026.11-devel' <<<"$output"
	[ "$(git log -1 --format=%s)" = "release: SVSM 2026.11-devel" ]
	[ ! -e "$journal" ]
	# Running again once done is harmless.
	run svsm_release prepare 2026.11-devel
	[ "$status" -eq 0 ]
	grep -q 'already prepared' <<<"$output"
}

@test "prepare: refuses when the sign-off check fails" {
	make_repo
	echo x >unsigned
	git add unsigned
	git commit -q -m "core: unsigned change" -m "Body."
	start_server milestone-clear common
	run svsm_release prepare 2026.11-devel
	[ "$status" -eq 1 ]
	grep -q 'refusing: the sign-off check failed on v2026.10-devel..HEAD' <<<"$output"
	[ -z "$(writes)" ]
}

@test "prepare: refuses when ci/lint fails on the range" {
	make_repo
	mkdir -p ci
	printf '#!/bin/sh\necho "lint: bad style since $1"\nexit 1\n' >ci/lint
	chmod +x ci/lint
	git add ci/lint
	git commit -q -s -m "ci: add a failing lint" -m "For the test."
	start_server milestone-clear common
	run svsm_release prepare 2026.11-devel
	[ "$status" -eq 1 ]
	grep -q 'refusing: lint failed' <<<"$output"
	grep -q 'lint: bad style since v2026.10-devel' <<<"$output"
}

@test "prepare: refuses on red CI unless --force" {
	make_repo
	start_server ci-red milestone-clear common
	run svsm_release prepare 2026.11-devel
	[ "$status" -eq 1 ]
	grep -q 'refusing: CI of main is red' <<<"$output"
	[ -z "$(writes)" ]
	run svsm_release --force prepare 2026.11-devel
	[ "$status" -eq 0 ]
}

@test "prepare: refuses uncommitted changes, other branches, and existing tags" {
	make_repo
	start_server milestone-clear common
	echo dirty >>README.md
	run svsm_release prepare 2026.11-devel
	[ "$status" -eq 1 ]
	grep -q 'uncommitted changes' <<<"$output"
	git checkout -q -- README.md
	git checkout -q -b topic
	run svsm_release prepare 2026.11-devel
	[ "$status" -eq 1 ]
	grep -q 'on topic, not main' <<<"$output"
	git checkout -q main
	run svsm_release prepare 2026.10-devel
	[ "$status" -eq 1 ]
	grep -q 'v2026.10-devel already exists' <<<"$output"
	run svsm_release prepare 2026-11
	[ "$status" -eq 2 ]
}

@test "prepare: labels mode keeps features labelled and moves nothing" {
	make_repo labels
	start_server labels-clear common
	run svsm_release prepare 2026.11-devel
	[ "$status" -eq 0 ]
	grep -q '#22 keeps its Release-Feature label and slips to 2026.12-devel' <<<"$output"
	[ -z "$(writes)" ]
	grep -q 'core: add APIC protocol (#23' release/notes/2026.11-devel.md
	[ "$(git log -1 --format=%s)" = "release: SVSM 2026.11-devel" ]
}

@test "prepare: labels mode refuses an open blocker" {
	make_repo labels
	start_server labels-blocked common
	run svsm_release prepare 2026.11-devel
	[ "$status" -eq 1 ]
	grep -q '#21' <<<"$output"
}

@test "prepare: resumes after the commit itself failed" {
	make_repo
	start_server milestone-clear common
	hook=$(git rev-parse --git-dir)/hooks/commit-msg
	mkdir -p "${hook%/*}"
	printf '#!/bin/sh\nrm -f "$0"\necho "hook: rejected" >&2\nexit 1\n' >"$hook"
	chmod +x "$hook"
	head=$(git rev-parse HEAD)
	run svsm_release prepare 2026.11-devel
	[ "$status" -ne 0 ]
	grep -q 'hook: rejected' <<<"$output"
	grep -q 'wrote release/notes/2026.11-devel.md and release/VERSION' <<<"$output"
	[ "$(git rev-parse HEAD)" = "$head" ]
	run svsm_release prepare 2026.11-devel
	[ "$status" -eq 0 ]
	[ "$(git log -1 --format=%s)" = "release: SVSM 2026.11-devel" ]
	[ -z "$(git status --porcelain)" ]
}

@test "prepare: without a GitHub repository, --offline cuts the release from local checks" {
	make_repo
	sed -i 's/^repo = .*/repo =/' release/config
	git commit -q -s -am "release: no GitHub repository" -m "Offline."
	head=$(git rev-parse HEAD)
	run svsm_release prepare 2026.11-devel
	echo "$output"
	[ "$status" -eq 2 ]
	grep -q -- '--offline' <<<"$output"
	[ "$(git rev-parse HEAD)" = "$head" ]
	SVSM_GITHUB_API=http://127.0.0.1:1 run svsm_release --offline prepare 2026.11-devel
	echo "$output"
	[ "$status" -eq 0 ]
	! grep -q 'cannot reach' <<<"$output" || false
	grep -q 'GitHub: not checked (--offline): blockers and features (milestone 2026.11-devel), CI of main' <<<"$output"
	grep -q 'next: svsm-release tag 2026.11-devel (offline' <<<"$output"
	[ "$(git log -1 --format=%s)" = "release: SVSM 2026.11-devel" ]
	notes=release/notes/2026.11-devel.md
	grep -qx -- '- Changes: 4 commits by 1 contributor' "$notes"
	grep -q 'Not collected: prepared with --offline' "$notes"
	sed -n '/^### mm/,/^##/p' "$notes" | grep -q 'add the buddy page allocator'
	# the rest of the release needs no GitHub either
	run svsm_release tag 2026.11-devel
	[ "$status" -eq 0 ]
	run svsm_release artifacts 2026.11-devel
	echo "$output"
	[ "$status" -eq 0 ]
	(cd build/release/2026.11-devel && sha256sum -c SHA256SUMS)
	SVSM_RELEASE_TODAY=2026-12-06 run svsm_release next
	[ "$output" = "2026.12-devel planned 2026-12-29 (last Tuesday of December 2026): in 23 days" ]
	run svsm_release --offline status 2026.11-devel
	grep -q 'released (v2026.11-devel)' <<<"$output"
}
