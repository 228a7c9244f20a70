#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# `plan-export`: labelled DEVELOPMENT_PLAN.md items become GitHub issues,
# once.

load helpers

write_plan() {
	cat >DEVELOPMENT_PLAN.md <<-'PLAN'
		# Development plan

		## Memory management

		### [MM-1] Buddy allocator
		- Status: done
		- Labels: good-first-issue

		### [MM-2] Per-CPU page caches
		- Area: mm
		- Status: open
		- Labels: gsoc, good-first-issue
		- Size: 175h
		- Difficulty: intermediate
		- Skills: C, x86-64
		- Mentors: wanted
		- Outcome: per-CPU caches with a benchmark
		- Depends on: [MM-1]

		Caches in front of the buddy allocator.

		## Documentation

		### [DOC-1] Write the porting guide
		* **Status:** in progress
		* **Labels:** good-first-issue

		### [CORE-9] Not labelled
		- Status: open
	PLAN
}

@test "plan-export: without a token, prints the labelled open items" {
	make_repo
	write_plan
	GITHUB_TOKEN='' run svsm_release plan-export
	[ "$status" -eq 0 ]
	[ "$output" = "2 labelled plan items (set GITHUB_TOKEN to create their issues):
  [MM-2] Per-CPU page caches  [gsoc, good first issue]
  [DOC-1] Write the porting guide  [good first issue]" ]
}

@test "plan-export: creates missing issues once (idempotent)" {
	make_repo
	write_plan
	start_server plan common
	run svsm_release plan-export
	[ "$status" -eq 0 ]
	[ -z "$(unmatched)" ]
	grep -q 'exists  #40 \[DOC-1\] Write the porting guide' <<<"$output"
	grep -q 'created #41 \[MM-2\] Per-CPU page caches' <<<"$output"
	[ "$(writes | jq -c 'select(.path == "/repos/test/svsm/labels") | .body.name')" = '"gsoc"' ]
	body=$(writes | jq -c 'select(.path == "/repos/test/svsm/issues") | .body')
	[ "$(jq -r .title <<<"$body")" = "[MM-2] Per-CPU page caches" ]
	[ "$(jq -c .labels <<<"$body")" = '["gsoc","good first issue"]' ]
	jq -r .body <<<"$body" | grep -qx '<!-- svsm-plan-item: MM-2 -->'
	jq -r .body <<<"$body" | grep -qx -- '- Size: 175h'
	jq -r .body <<<"$body" | grep -qx -- '- Depends on: \[MM-1\]'
	jq -r .body <<<"$body" | grep -qx 'Caches in front of the buddy allocator.'
	# Second run: the server now lists #41, so nothing is created.
	run svsm_release plan-export
	[ "$status" -eq 0 ]
	grep -q 'exists  #41 \[MM-2\]' <<<"$output"
	grep -q '2 labelled items: 0 created, 2 already had an issue' <<<"$output"
	[ "$(writes | jq -c 'select(.path == "/repos/test/svsm/issues")' | wc -l)" -eq 1 ]
}

@test "plan-export: --dry-run prints the POSTs" {
	make_repo
	write_plan
	start_server plan common
	run svsm_release --dry-run plan-export
	[ "$status" -eq 0 ]
	grep -q '^dry-run: POST /repos/test/svsm/issues {"title":"\[MM-2\] Per-CPU page caches"' <<<"$output"
	[ -z "$(writes)" ]
}

@test "plan-export: a missing plan is an error" {
	make_repo
	run svsm_release plan-export
	[ "$status" -eq 1 ]
	grep -q 'no development plan' <<<"$output"
}

@test "plan-export: the plan's own format (fenced example, Depends-on, Labels: none)" {
	make_repo
	cat >DEVELOPMENT_PLAN.md <<-'PLAN'
		# Development plan

		## Item format

		```
		### [AREA-N] Short imperative title

		- Labels: good-first-issue | gsoc | help-wanted (comma-separated), or none
		```

		## Items

		### [TOOL-1] Check the DCO sign-off of every commit

		- Area: tooling
		- Status: in progress
		- Labels: none

		### [GOV-3] Machine-readable output from the plan checker

		- Area: governance
		- Status: open
		- Labels: good-first-issue, help-wanted
		- Depends-on: GOV-1
	PLAN
	GITHUB_TOKEN='' run svsm_release plan-export
	[ "$status" -eq 0 ]
	[ "$output" = "1 labelled plan items (set GITHUB_TOKEN to create their issues):
  [GOV-3] Machine-readable output from the plan checker  [good first issue, help wanted]" ]
}

@test "plan-export: agrees with ci/check-plan on the tree's DEVELOPMENT_PLAN.md" {
	[ -x "$SRC_TOP/ci/check-plan" ] && [ -f "$SRC_TOP/DEVELOPMENT_PLAN.md" ] ||
		skip "no ci/check-plan or DEVELOPMENT_PLAN.md in this tree"
	want=$("$SRC_TOP/ci/check-plan" --list | awk '
		/^\[/ { id = substr($1, 2, length($1) - 2); next }
		/labels:/ && id != "" {
			st = $0; sub(/^[^,]*, /, "", st); sub(/;.*/, "", st)
			lb = $0; sub(/.*labels: /, "", lb)
			if (lb != "none" && st != "done") print id
			id = ""
		}' | sort)
	[ -n "$want" ]
	got=$(GITHUB_TOKEN='' "$RELEASE_TOOL" -C "$SRC_TOP" plan-export |
		sed -n 's/^  \[\([^]]*\)\].*/\1/p' | sort)
	[ "$got" = "$want" ]
}
