#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# `blocker` and `feature` add/remove: labels and milestones, created when
# missing, dry-run, errors.

load helpers

@test "blocker add: creates the label and the milestone, then sets both" {
	make_repo
	start_server mark common
	run svsm_release blocker add 12
	[ "$status" -eq 0 ]
	[ -z "$(unmatched)" ]
	[ "$(writes | jq -c '[.method, .path, .body]' | tr '\n' ' ')" = \
		'["POST","/repos/test/svsm/labels",{"name":"Release-Blocker","description":"Must be merged before the next release","color":"b60205"}] ["POST","/repos/test/svsm/milestones",{"title":"2026.11-devel","state":"open","due_on":"2026-11-30T23:59:59Z","description":"Release 2026.11-devel"}] ["POST","/repos/test/svsm/issues/12/labels",{"labels":["Release-Blocker"]}] ["PATCH","/repos/test/svsm/issues/12",{"milestone":5}] ' ]
}

@test "feature add: existing label, several PRs, one moved from another milestone" {
	make_repo
	start_server mark common
	run svsm_release feature add 12 16
	[ "$status" -eq 0 ]
	grep -q '#16: moved from milestone 2026.10-devel to 2026.11-devel' <<<"$output"
	[ -z "$(writes | jq -c 'select(.path == "/repos/test/svsm/labels")')" ]
	[ "$(writes | jq -c 'select(.method == "PATCH") | [.path, .body.milestone]' | tr '\n' ' ')" = \
		'["/repos/test/svsm/issues/12",5] ["/repos/test/svsm/issues/16",5] ' ]
	writes | jq -se 'map(select(.path == "/repos/test/svsm/issues/16/labels")) | .[0].body.labels == ["Release-Feature"]'
}

@test "blocker add: labels mode sets only the label" {
	make_repo labels
	start_server mark common
	run svsm_release blocker add 12
	[ "$status" -eq 0 ]
	[ -z "$(writes | jq -c 'select(.method == "PATCH" or .path == "/repos/test/svsm/milestones")')" ]
	writes | jq -se 'map(select(.path == "/repos/test/svsm/issues/12/labels")) | length == 1'
}

@test "blocker add: --release targets another milestone" {
	make_repo
	start_server mark common
	run svsm_release --release 2026.12-devel blocker add 12
	[ "$status" -eq 0 ]
	writes | jq -se 'map(select(.path == "/repos/test/svsm/milestones")) | .[0].body.title == "2026.12-devel"'
}

@test "blocker remove: drops the label, and the milestone unless still a feature" {
	make_repo
	start_server unmark common
	run svsm_release --release 2026.11-devel blocker remove 12 13
	[ "$status" -eq 0 ]
	[ -z "$(unmatched)" ]
	[ "$(writes | jq -c '[.method, .path, .body]' | tr '\n' ' ')" = \
		'["DELETE","/repos/test/svsm/issues/12/labels/Release-Blocker",null] ["PATCH","/repos/test/svsm/issues/12",{"milestone":null}] ["DELETE","/repos/test/svsm/issues/13/labels/Release-Blocker",null] ' ]
}

@test "blocker add: --dry-run prints every request and sends none" {
	make_repo
	start_server mark common
	run svsm_release --dry-run blocker add 12
	[ "$status" -eq 0 ]
	grep -q '^dry-run: POST /repos/test/svsm/labels {"name":"Release-Blocker"' <<<"$output"
	grep -q '^dry-run: POST /repos/test/svsm/milestones {"title":"2026.11-devel"' <<<"$output"
	grep -q '^dry-run: POST /repos/test/svsm/issues/12/labels {"labels":\["Release-Blocker"\]}' <<<"$output"
	grep -q '^dry-run: PATCH /repos/test/svsm/issues/12 {"milestone":NEW}' <<<"$output"
	[ -z "$(writes)" ]
}

@test "blocker add: unknown PR, bad arguments, missing token" {
	make_repo
	start_server mark common
	run svsm_release blocker add 12 99
	[ "$status" -eq 1 ]
	grep -q '#99: no such issue or pull request in test/svsm; nothing changed' <<<"$output"
	[ -z "$(writes)" ]
	run svsm_release blocker add 12abc
	[ "$status" -eq 2 ]
	run svsm_release blocker frob 12
	[ "$status" -eq 2 ]
	GITHUB_TOKEN='' run svsm_release blocker add 12
	[ "$status" -eq 1 ]
	grep -q 'GITHUB_TOKEN is needed for POST /repos/test/svsm/labels' <<<"$output"
}
