#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# The GitHub workflows follow governance/repository-policy.md: actions pinned
# by full commit SHA with the version in a comment, a read-only token, no
# secrets, the same ci/ scripts and make targets contributors run, and
# verification only on a manual trigger (by hand, or the `verification`
# label on a pull request for the formal verification job).

# shellcheck disable=SC2016 # literal $VARs of the workflow files are searched
SRC=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
WF=$SRC/.github/workflows

@test "every action is pinned by a full commit SHA with its version" {
	run grep -h 'uses:' "$WF"/*.yml
	[ "$status" -eq 0 ]
	echo "$output"
	bad=$(grep -Ev 'uses: [A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40} # v[0-9]+\.[0-9]+\.[0-9]+$' <<<"$output" || true)
	[ -z "$bad" ]
}

@test "every workflow has a read-only token and uses no secrets" {
	for f in "$WF"/*.yml; do
		grep -q '^permissions:$' "$f"
		grep -A1 '^permissions:$' "$f" | grep -q '^  contents: read$'
		[ "$(grep -c '^  [a-z-]*: write' "$f")" -eq 0 ]
		[ "$(grep -Ec '\$\{\{[^}]*secrets\.' "$f")" -eq 0 ]
		[ "$(grep -c 'persist-credentials: false' "$f")" -eq "$(grep -c 'actions/checkout@' "$f")" ]
	done
}

@test "no workflow expands event data inside a run script" {
	# ${{ ... }} in run: is script injection; values go through env: instead.
	for f in "$WF"/*.yml; do
		run awk '/^ *(- )?run: *[|>]? *$/ { inrun = 1; ind = match($0, /[^ ]/); next }
			inrun && match($0, /[^ ]/) <= ind { inrun = 0 }
			/^ *(- )?run: .*\$\{\{/ || (inrun && /\$\{\{/) { print FILENAME ":" NR ": " $0 }' "$f"
		[ -z "$output" ]
	done
}

@test "CI runs the DCO check, lint, the build and make check" {
	f=$WF/ci.yml
	grep -q 'ci/dco-check "$BASE..$HEAD"' "$f"
	grep -q 'ci/lint "$BASE"' "$f"
	grep -q 'ci/install-deps' "$f"
	grep -q 'run: make -j' "$f"
	grep -q 'run: .ci/run' "$f"
	grep -q 'make check' "$SRC/.ci/run"
	grep -q '^  pull_request:' "$f"
	for s in ci/dco-check ci/lint ci/spell ci/install-deps .ci/run; do
		[ -x "$SRC/$s" ]
	done
}

@test "verification runs only on a manual trigger" {
	f=$WF/verify.yml
	# a maintainer starts it, or labels a pull request `verification`
	[ "$(sed -n '/^on:/,/^[a-z]/p' "$f" | grep -c '^  [a-z_]*:')" -eq 2 ]
	sed -n '/^on:/,/^[a-z]/p' "$f" | grep -q '^  workflow_dispatch:'
	sed -n '/^on:/,/^[a-z]/p' "$f" | grep -A1 '^  pull_request:' |
		grep -q '^    types: \[labeled\]$'
	grep -q 'make O=build SMP="$SMP" test-in-svsm' "$f"
	grep -q 'make O=build FUZZ_TIME="$FUZZ_SECONDS" fuzz' "$f"
	grep -q 'FUZZ_TIME' "$SRC/tests/fuzz/build.mk"
	# the slow tests only by hand; the label starts only the formal job
	sed -n '/^  verify:/,/^  [a-z]/p' "$f" |
		grep -q "if: github.event_name == 'workflow_dispatch'$"
	sed -n '/^  formal:/,$p' "$f" |
		grep -q "github.event.label.name == 'verification'"
	# and only there
	[ "$(grep -l workflow_dispatch "$WF"/*.yml)" = "$f" ]
	[ "$(grep -l 'types: \[labeled\]' "$WF"/*.yml)" = "$f" ]
}

@test "formal verification installs its tools and runs make verify and its mutants" {
	f=$WF/verify.yml
	job=$(sed -n '/^  formal:/,$p' "$f")
	grep -q 'run: ci/install-deps --verify$' <<<"$job"
	grep -q 'run: make O=build verify$' <<<"$job"
	grep -q 'run: make O=build verify-mutants$' <<<"$job"
	grep -q '^verify: ' "$SRC/verify/build.mk"
	grep -q '^verify-mutants: ' "$SRC/verify/build.mk"
	# not part of make check, nor of the CI entry
	run grep -c 'CHECK_TARGETS.*verify' "$SRC/verify/build.mk"
	[ "$output" = 0 ]
	run grep -c 'make .*verify' "$SRC/.ci/run"
	[ "$output" = 0 ]
	"$SRC/ci/install-deps" --verify --list | grep -qx frama-c-base
	"$SRC/ci/install-deps" --verify --list | grep -qx why3
	run grep -cx frama-c-base <<<"$("$SRC/ci/install-deps" --list)"
	[ "$output" = 0 ]
}

@test "the review gate runs the base branch's ci/check-reviews, read-only" {
	f=$WF/review-gate.yml
	grep -q 'run: ci/check-reviews --repo "$REPO" "$PR"' "$f"
	grep -q 'ref: ${{ github.event.pull_request.base.sha }}' "$f"
	grep -q '^  pull_request_review:' "$f"
	sed -n '/^permissions:/,/^$/p' "$f" | grep -q '^  pull-requests: read$'
	[ "$(grep -c 'pull_request_target' "$WF"/*.yml | grep -vc ':0$')" -eq 0 ]
}
