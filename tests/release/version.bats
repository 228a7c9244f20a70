#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# Version strings: one source (release/VERSION), every string derived from it.

load helpers

@test "version.sh: the tree's VERSION is well formed and derives a v-prefixed tag" {
	run "$VERSION_TOOL" version tag
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(tr -d '[:space:]' <"$SRC_TOP/release/VERSION")" ]
	[ "${lines[1]}" = "v${lines[0]}" ]
}

@test "version.sh: every field is derived from the one version" {
	run "$VERSION_TOOL" -v 2026.09-devel tag subject body tag-message notes-title milestone tarball prefix
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "v2026.09-devel" ]
	[ "${lines[1]}" = "release: SVSM 2026.09-devel" ]
	[ "${lines[2]}" = "Development release for September 2026." ]
	[ "${lines[3]}" = "SVSM Release 2026.09-devel" ]
	[ "${lines[4]}" = "SVSM 2026.09-devel" ]
	[ "${lines[5]}" = "2026.09-devel" ]
	[ "${lines[6]}" = "svsm-2026.09-devel.tar.gz" ]
	[ "${lines[7]}" = "svsm-2026.09-devel/" ]
	# COCONUT shipped "Release 2024.09-devel" for v2025.09-devel: the year
	# in every derived string is the version's.
	run "$VERSION_TOOL" -v 2025.09-devel
	[ "$status" -eq 0 ]
	! grep -q 2024 <<<"$output" || false
}

@test "version.sh: release candidates and stable releases" {
	run "$VERSION_TOOL" -v 2026.12-rc2 type number body tag
	[ "$output" = "rc
2
Release candidate 2 of the 2026.12 stable release.
v2026.12-rc2" ]
	run "$VERSION_TOOL" -v 2026.12 type body
	[ "$output" = "stable
Stable release 2026.12." ]
	run "$VERSION_TOOL" -v 2026.12.3 type number
	[ "$output" = "stable
3" ]
}

@test "version.sh: malformed versions are refused" {
	for v in 2026.13-devel 2026.1-devel 26.11-devel 2026.11-beta 2026.11.0 \
		2026.11-rc0 v2026.11-devel 2026.11.2-devel ""; do
		run "$VERSION_TOOL" -v "$v" tag
		[ "$status" -eq 2 ]
	done
}

@test "version.sh: next version wraps the year" {
	run "$VERSION_TOOL" -v 2026.12-devel next
	[ "$output" = "2027.01-devel" ]
	run "$VERSION_TOOL" -v 2026.11-rc1 next
	[ "$output" = "2026.12-devel" ]
}

@test "version.sh: planned date is the last Tuesday of the month" {
	run "$VERSION_TOOL" -v 2026.11-devel planned planned-rule
	[ "$output" = "2026-11-24
last Tuesday of November 2026" ]
	# Leap February, month ending on a Tuesday, year boundary.
	[ "$("$VERSION_TOOL" -v 2024.02-devel planned)" = 2024-02-27 ]
	[ "$("$VERSION_TOOL" -v 2025.09-devel planned)" = 2025-09-30 ]
	[ "$("$VERSION_TOOL" -v 2026.12-devel planned)" = 2026-12-29 ]
	# Cross-check against date(1) for two years of months.
	for y in 2026 2027; do
		for m in 01 02 03 04 05 06 07 08 09 10 11 12; do
			d=$("$VERSION_TOOL" -v "$y.$m-devel" planned)
			[ "$(date -u -d "$d" +%u)" = 2 ]
			[ "$(date -u -d "$d + 7 days" +%m)" != "$m" ]
		done
	done
}

@test "version.sh: the C define the kernel banner header uses" {
	run "$VERSION_TOOL" -v 2026.11-devel c-define
	[ "$output" = '#define SVSM_VERSION "2026.11-devel"' ]
}

@test "version.sh: unknown field is a usage error" {
	run "$VERSION_TOOL" nonsense
	[ "$status" -eq 2 ]
}

@test "next: the next release is VERSION until tagged, then next month" {
	make_repo
	export SVSM_RELEASE_TODAY=2026-11-02
	run svsm_release next
	[ "$status" -eq 0 ]
	[ "$output" = "2026.11-devel planned 2026-11-24 (last Tuesday of November 2026): in 22 days" ]
	printf '2026.11-devel\n' >release/VERSION
	git commit -q -s -am "release: SVSM 2026.11-devel" -m "Development release."
	run svsm_release next
	[ "$output" = "2026.11-devel planned 2026-11-24 (last Tuesday of November 2026): in 22 days" ]
	git tag -a -m x v2026.11-devel
	run svsm_release next
	[ "$output" = "2026.12-devel planned 2026-12-29 (last Tuesday of December 2026): in 57 days" ]
}

@test "next: a planned release that is past due is called overdue" {
	make_repo
	printf '2026.11-devel\n' >release/VERSION
	git commit -q -s -am "build: head for 2026.11-devel" -m "Body."
	SVSM_RELEASE_TODAY=2026-12-06 run svsm_release next
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "2026.11-devel planned 2026-11-24 (last Tuesday of November 2026): OVERDUE by 12 days (v2026.11-devel is not tagged)" ]
	SVSM_RELEASE_TODAY=2026-11-24 run svsm_release next
	[ "$output" = "2026.11-devel planned 2026-11-24 (last Tuesday of November 2026): due today" ]
	SVSM_RELEASE_TODAY=2026-11-20 run svsm_release next
	[ "$output" = "2026.11-devel planned 2026-11-24 (last Tuesday of November 2026): in 4 days" ]
	# without SVSM_RELEASE_TODAY, today is today
	run svsm_release next
	[[ "$output" == "2026.11-devel planned 2026-11-24 (last Tuesday of November 2026): "* ]]
	# once tagged, next month is named
	git tag -a -m x v2026.11-devel
	SVSM_RELEASE_TODAY=2026-12-06 run svsm_release next
	[ "$output" = "2026.12-devel planned 2026-12-29 (last Tuesday of December 2026): in 23 days" ]
}
