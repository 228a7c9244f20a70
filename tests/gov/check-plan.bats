#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# ci/check-plan: one failing case per rule of DEVELOPMENT_PLAN.md's item
# format, the real plan passing, and the listing behind `make plan`.

bats_require_minimum_version 1.5.0 # run --separate-stderr

SRC=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
CHECK=$SRC/ci/check-plan

setup() {
	P=$BATS_TEST_TMPDIR/PLAN.md
	cat >"$P" <<'EOM'
# Plan

```
### [NOT-AN-ITEM] examples in code blocks are skipped
- Bogus: field
```

## Area

### [CORE-1] Build the core

- Area: core
- Status: done
- Labels: none
- Skills: C
- Mentors: wanted

The core.

### [CORE-2] A first issue

- Area: core
- Status: open
- Labels: good-first-issue
- Skills: C, make
- Mentors: wanted
- Depends-on: CORE-1
- Difficulty: easy

Small and self-contained.

### [VIRT-1] A summer project

- Area: virtio
- Status: open
- Labels: gsoc, help-wanted
- Skills: C, virtio
- Mentors: @svsm-project/tsc
- Depends-on: CORE-1
- Size: 350h
- Difficulty: hard
- Outcome: drivers that work

Three months of work.
EOM
}

check() {
	run "$CHECK" --file "$P" "$@"
	echo "$output"
}

# set_field ID FIELD VALUE: replace (or, with an empty FIELD line, delete) a field
set_field() {
	awk -v id="$1" -v k="$2" -v v="$3" '
		/^### / { cur = index($0, "[" id "]") }
		cur && index($0, "- " k ":") == 1 { if (v != "-") print "- " k ": " v; next }
		{ print }' "$P" >"$P.new" && mv "$P.new" "$P"
}

add_field() { # add_field ID LINE: insert LINE after the item's Area field
	awk -v id="$1" -v l="$2" '
		/^### / { cur = index($0, "[" id "]") }
		{ print }
		cur && /^- Area:/ { print l }' "$P" >"$P.new" && mv "$P.new" "$P"
}

@test "a well-formed plan passes" {
	check
	[ "$status" -eq 0 ]
	[[ $output == *"OK (3 items)"* ]]
}

@test "the repository's DEVELOPMENT_PLAN.md passes" {
	run "$CHECK"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "the real plan has at least 8 good-first-issue and 4 gsoc items" {
	run "$CHECK" --list --label good-first-issue
	[ "$status" -eq 0 ]
	[ "$(grep -c '^\[' <<<"$output")" -ge 8 ]
	run "$CHECK" --list --label gsoc
	[ "$(grep -c '^\[' <<<"$output")" -ge 4 ]
}

@test "the real plan names no mentor: all are wanted" {
	run "$CHECK" --list
	[ "$status" -eq 0 ]
	grep -q 'mentors: wanted$' <<<"$output"
	named=$(grep 'mentors:' <<<"$output" | grep -vc 'mentors: wanted$' || true)
	[ "$named" = 0 ]
}

@test "a malformed heading is reported" {
	echo '### CORE-9 no brackets' >>"$P"
	check
	[ "$status" -eq 1 ]
	[[ $output == *'an item heading is "### [ID] Title"'* ]]
}

@test "a malformed ID is reported" {
	sed -i 's/\[CORE-2\]/[core_2]/' "$P"
	check
	[ "$status" -eq 1 ]
	[[ $output == *'ID "core_2" is not AREA-N'* ]]
}

@test "a duplicate ID is reported" {
	sed -i 's/\[CORE-2\]/[CORE-1]/' "$P"
	check
	[ "$status" -eq 1 ]
	[[ $output == *"PLAN.md:20: ID CORE-1 already used on line 10"* ]]
}

@test "each missing required field is reported" {
	for f in Area Status Labels Skills Mentors; do
		setup
		set_field CORE-1 "$f" -
		check
		[ "$status" -eq 1 ]
		[[ $output == *"CORE-1: field $f is missing"* ]]
	done
}

@test "an empty field is reported" {
	set_field CORE-2 Skills ''
	check
	[ "$status" -eq 1 ]
	[[ $output == *"CORE-2: field Skills is empty"* ]]
}

@test "an unknown field is reported" {
	add_field CORE-1 '- Owner: someone'
	check
	[ "$status" -eq 1 ]
	[[ $output == *'CORE-1: unknown field "Owner"'* ]]
}

@test "a field given twice is reported" {
	add_field CORE-1 '- Skills: C'
	check
	[ "$status" -eq 1 ]
	[[ $output == *"CORE-1: field Skills given twice"* ]]
}

@test "an item without a description is reported" {
	sed -i 's/^The core\.$//' "$P"
	check
	[ "$status" -eq 1 ]
	[[ $output == *"CORE-1: no description after the fields"* ]]
}

@test "values outside the vocabularies are reported" {
	set_field CORE-1 Area firmware
	set_field CORE-1 Status wip
	set_field CORE-2 Labels 'good first issue'
	set_field VIRT-1 Size 100h
	set_field VIRT-1 Difficulty difficult
	check
	[ "$status" -eq 1 ]
	[[ $output == *'CORE-1: unknown area "firmware"'* ]]
	[[ $output == *'CORE-1: unknown status "wip"'* ]]
	[[ $output == *'CORE-2: unknown label "good first issue"'* ]]
	[[ $output == *'VIRT-1: size "100h" is not 90h, 175h or 350h'* ]]
	[[ $output == *'VIRT-1: difficulty "difficult" is not easy'* ]]
	[[ $output == *"5 problem(s)"* ]]
}

@test "a gsoc item needs size, difficulty and outcome" {
	for f in Size Difficulty Outcome; do
		setup
		set_field VIRT-1 "$f" -
		check
		[ "$status" -eq 1 ]
		[[ $output == *"VIRT-1: gsoc item without $f"* ]]
	done
}

@test "size and outcome belong to gsoc items only" {
	add_field CORE-2 '- Size: 90h'
	add_field CORE-2 '- Outcome: something'
	check
	[ "$status" -eq 1 ]
	[[ $output == *"CORE-2: Size is for gsoc items only"* ]]
	[[ $output == *"CORE-2: Outcome is for gsoc items only"* ]]
}

@test "good-first-issue and gsoc exclude each other" {
	set_field VIRT-1 Labels 'gsoc, good-first-issue'
	check
	[ "$status" -eq 1 ]
	[[ $output == *"VIRT-1: an item is not both good-first-issue and gsoc"* ]]
}

@test "a done item carries no newcomer label" {
	set_field CORE-1 Labels good-first-issue
	check
	[ "$status" -eq 1 ]
	[[ $output == *"CORE-1: a done item carries no newcomer label"* ]]
}

@test "a mentor must be wanted or a GitHub handle" {
	set_field CORE-2 Mentors 'Jane Doe'
	check
	[ "$status" -eq 1 ]
	[[ $output == *'CORE-2: mentor "Jane Doe" is not a GitHub @handle'* ]]
}

@test "a dependency on an unknown item is reported" {
	set_field VIRT-1 Depends-on 'CORE-1, CORE-7'
	check
	[ "$status" -eq 1 ]
	[[ $output == *'VIRT-1: depends on unknown item "CORE-7"'* ]]
}

@test "a dependency on itself is reported" {
	set_field VIRT-1 Depends-on VIRT-1
	check
	[ "$status" -eq 1 ]
	[[ $output == *"VIRT-1: depends on itself"* ]]
}

@test "a dependency cycle is reported" {
	add_field CORE-1 '- Depends-on: VIRT-1'
	set_field CORE-1 Status open
	check
	[ "$status" -eq 1 ]
	[[ $output == *"dependency cycle through"* ]]
}

@test "a good-first-issue depends only on done items" {
	set_field CORE-1 Status 'in progress'
	check
	[ "$status" -eq 1 ]
	[[ $output == *"CORE-2: a good-first-issue depends only on done items (CORE-1 is in progress)"* ]]
}

@test "a plan without items is reported" {
	printf '# Plan\n\nNothing yet.\n' >"$P"
	check
	[ "$status" -eq 1 ]
	[[ $output == *"no items"* ]]
}

@test "--list filters by label, status and area" {
	check --list --label good-first-issue
	[ "$status" -eq 0 ]
	[[ $output == *"[CORE-2] A first issue"* ]]
	[[ $output != *"[VIRT-1]"* ]]
	[[ $output == *"1 of 3 items"* ]]
	check --list --label gsoc
	[[ $output == *"[VIRT-1] A summer project"* ]]
	[[ $output == *"size: 350h; difficulty: hard"* ]]
	[[ $output == *"outcome: drivers that work"* ]]
	check --list --status 'done'
	[[ $output == *"[CORE-1]"* && $output == *"1 of 3 items"* ]]
	check --list --area virtio --label help-wanted
	[[ $output == *"[VIRT-1]"* && $output == *"1 of 3 items"* ]]
}

@test "--list rejects an unknown label" {
	check --list --label good-first-issues
	[ "$status" -eq 2 ]
	[[ $output == *'unknown label "good-first-issues"'* ]]
	run --separate-stderr "$CHECK" --file "$P" --list --status wip
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	# shellcheck disable=SC2154 # set by run --separate-stderr
	[[ $stderr == *'unknown status "wip"'* ]]
}

@test "--list refuses an invalid plan" {
	set_field CORE-1 Status wip
	check --list
	[ "$status" -eq 1 ]
}

@test "make plan LABEL=good-first-issue lists the newcomer items" {
	run make -s -C "$SRC" O="$BATS_TEST_TMPDIR/build" plan LABEL=good-first-issue
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"[GOV-2]"* ]]
	[[ $output != *"[IGVM-1]"* ]]
	# Filters combine (KERN-1, the kernel's first item, is done).
	run make -s -C "$SRC" O="$BATS_TEST_TMPDIR/build" plan STATUS=done AREA=kernel
	[ "$status" -eq 0 ]
	[[ $output == *"[KERN-1]"* && $output != *"[KERN-3]"* ]]
}

@test "--help prints the usage and exits 0; a bad option exits 2" {
	run "$CHECK" --help
	[ "$status" -eq 0 ]
	[[ $output == "usage: ci/check-plan"* ]]
	run "$CHECK" --bogus
	[ "$status" -eq 2 ]
	run "$CHECK" --file "$BATS_TEST_TMPDIR/none.md"
	[ "$status" -eq 2 ]
}
