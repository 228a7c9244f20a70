#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# ci/check-codeowners: GitHub syntax, patterns that match nothing, owners
# missing from governance/MAINTAINERS, and the real CODEOWNERS passing.

SRC=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
CHECK=$SRC/ci/check-codeowners

setup() {
	R=$BATS_TEST_TMPDIR/repo
	mkdir -p "$R/governance" "$R/src/a" "$R/docs/guide"
	git -C "$R" init -q
	touch "$R/src/a/x.c" "$R/src/b.c" "$R/docs/guide/g.md" "$R/docs/index.md" "$R/README.md"
	cat >"$R/governance/MAINTAINERS" <<'EOM'
# test maintainers
team   @org/tsc   tsc          all
team   @org/src   maintainers  src/
member @org/tsc   chair-login  chair
EOM
	cat >"$R/CODEOWNERS" <<'EOM'
# comment
*          @org/tsc
/src/      @org/src @org/tsc
docs/      @org/tsc @chair-login
EOM
	git -C "$R" add -A
}

run_check() {
	run "$CHECK" --root "$R"
}

@test "a good CODEOWNERS passes" {
	run_check
	[ "$status" -eq 0 ]
	[[ $output == *"CODEOWNERS OK"* ]]
}

@test "the repository's own CODEOWNERS passes" {
	run "$CHECK"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "a negated pattern is a syntax error" {
	echo '!/src/a/   @org/src' >>"$R/CODEOWNERS"
	run_check
	[ "$status" -eq 1 ]
	[[ $output == *"CODEOWNERS:5: '!/src/a/': negated patterns are not supported"* ]]
}

@test "a character range is a syntax error" {
	echo '/src/[ab]/   @org/src' >>"$R/CODEOWNERS"
	run_check
	[ "$status" -eq 1 ]
	[[ $output == *"CODEOWNERS:5:"*"character ranges are not supported"* ]]
}

@test "an owner that is not a handle or e-mail is a syntax error" {
	echo '/src/   org-src' >>"$R/CODEOWNERS"
	run_check
	[ "$status" -eq 1 ]
	[[ $output == *"CODEOWNERS:5: 'org-src' is not an owner"* ]]
}

@test "a pattern without owners is reported" {
	echo '/README.md' >>"$R/CODEOWNERS"
	run_check
	[ "$status" -eq 1 ]
	[[ $output == *"CODEOWNERS:5: '/README.md' names no owner"* ]]
}

@test "an inline comment is reported" {
	echo '/README.md @org/tsc # docs' >>"$R/CODEOWNERS"
	run_check
	[ "$status" -eq 1 ]
	[[ $output == *"CODEOWNERS:5: put comments on a line of their own"* ]]
}

@test "a repeated pattern is reported" {
	echo '/src/   @org/tsc' >>"$R/CODEOWNERS"
	run_check
	[ "$status" -eq 1 ]
	[[ $output == *"CODEOWNERS:5: '/src/' repeats line 3"* ]]
}

@test "a missing default rule is reported" {
	sed -i '/^\*/d' "$R/CODEOWNERS"
	run_check
	[ "$status" -eq 1 ]
	[[ $output == *"no default rule '*'"* ]]
}

@test "a pattern matching no file is reported" {
	echo '/vtpm/   @org/src' >>"$R/CODEOWNERS"
	run_check
	[ "$status" -eq 1 ]
	[[ $output == *"CODEOWNERS:5: '/vtpm/' matches no file in the git index"* ]]
}

@test "a file that is not in the git index does not count as a match" {
	mkdir -p "$R/new" && touch "$R/new/f.c"
	echo '/new/   @org/tsc' >>"$R/CODEOWNERS"
	run_check
	[ "$status" -eq 1 ]
	[[ $output == *"'/new/' matches no file"* ]]
	git -C "$R" add new/f.c
	run_check
	[ "$status" -eq 0 ]
}

@test "dir/* matches only files directly in dir, as on GitHub" {
	mkdir -p "$R/deep/sub" && touch "$R/deep/sub/f.c" && git -C "$R" add deep
	echo '/deep/*   @org/tsc' >>"$R/CODEOWNERS"
	run_check
	[ "$status" -eq 1 ]
	[[ $output == *"'/deep/*' matches no file"* ]]
	touch "$R/deep/top.md" && git -C "$R" add deep/top.md
	run_check
	[ "$status" -eq 0 ]
}

@test "a rule that later rules override everywhere is reported" {
	printf '%s\n' '/src/a/x.c   @org/src' '/src/a/   @org/src' >>"$R/CODEOWNERS"
	run_check
	[ "$status" -eq 1 ]
	[[ $output == *"CODEOWNERS:5: '/src/a/x.c' never applies: later rules match all its files"* ]]
	[[ $output == *"1 problem(s)"* ]]
}

@test "an owner missing from the maintainers list is reported" {
	echo '/src/a/   @org/vtpm @org/tsc' >>"$R/CODEOWNERS"
	run_check
	[ "$status" -eq 1 ]
	[[ $output == *"CODEOWNERS:5: owner @org/vtpm is not listed in governance/MAINTAINERS"* ]]
}

@test "a team owning a path outside its scope in MAINTAINERS is reported" {
	echo '/docs/guide/   @org/src' >>"$R/CODEOWNERS"
	run_check
	[ "$status" -eq 1 ]
	[[ $output == *"CODEOWNERS:5: '/docs/guide/' is outside the scope of @org/src in governance/MAINTAINERS (src/)"* ]]
}

@test "a maintainers team that owns nothing is reported" {
	echo 'team   @org/docs  maintainers  docs/' >>"$R/governance/MAINTAINERS"
	run_check
	[ "$status" -eq 1 ]
	[[ $output == *"team @org/docs maintains docs/ but owns nothing in CODEOWNERS"* ]]
	echo '/docs/guide/   @org/docs' >>"$R/CODEOWNERS"
	run_check
	[ "$status" -eq 0 ]
}

@test "an individual owner needs a member record" {
	echo '/src/a/   @someone' >>"$R/CODEOWNERS"
	run_check
	[ "$status" -eq 1 ]
	[[ $output == *"owner @someone is not listed"* ]]
}

@test "owner handles compare case-insensitively, as GitHub does" {
	echo '/src/a/   @Org/SRC' >>"$R/CODEOWNERS"
	run_check
	[ "$status" -eq 0 ]
}

@test "an e-mail owner is reported" {
	echo '/src/a/   dev@example.org' >>"$R/CODEOWNERS"
	run_check
	[ "$status" -eq 1 ]
	[[ $output == *"owner dev@example.org: use the team handle"* ]]
}

@test "every problem is reported, not only the first" {
	printf '%s\n' '!x @org/tsc' '/nothing/ @org/tsc' '/src/a/ @org/ghost' >>"$R/CODEOWNERS"
	run_check
	[ "$status" -eq 1 ]
	[[ $output == *"3 problem(s)"* ]]
}

@test "a second CODEOWNERS file that GitHub would ignore is reported" {
	mkdir -p "$R/.github" && cp "$R/CODEOWNERS" "$R/.github/CODEOWNERS"
	git -C "$R" add .github
	run_check
	[ "$status" -eq 1 ]
	[[ $output == *"CODEOWNERS: ignored by GitHub because"*".github/CODEOWNERS exists"* ]]
}

@test "a malformed maintainers list is reported" {
	cat >>"$R/governance/MAINTAINERS" <<'EOM'
team   org-docs   maintainers docs/
team   @org/x     boss        all
member @org/nope  someone     member
member @org/tsc   other       chair
member @org/src   third       chair
owner  @org/src
EOM
	run_check
	[ "$status" -eq 1 ]
	[[ $output == *"MAINTAINERS:5: \"org-docs\" is not a team handle"* ]]
	[[ $output == *"MAINTAINERS:6: unknown role \"boss\""* ]]
	[[ $output == *"MAINTAINERS:7: member of unknown team @org/nope"* ]]
	[[ $output == *"MAINTAINERS:8: more than one chair"* ]]
	[[ $output == *"MAINTAINERS:9: only the tsc team has a chair"* ]]
	[[ $output == *"MAINTAINERS:10: unknown record \"owner\""* ]]
}

@test "the maintainers list needs exactly one tsc team" {
	sed -i 's/tsc          all/maintainers  all/' "$R/governance/MAINTAINERS"
	run_check
	[ "$status" -eq 1 ]
	[[ $output == *"exactly one team must have the tsc role (found 0)"* ]]
}

@test "not a git work tree is an environment error" {
	# The build directory may sit inside the checkout: stop git's search.
	run env GIT_CEILING_DIRECTORIES="$(dirname "$BATS_TEST_TMPDIR")" \
		"$CHECK" --root "$BATS_TEST_TMPDIR"
	[ "$status" -eq 2 ]
}

@test "--help prints the usage and exits 0; a bad option exits 2" {
	run "$CHECK" --help
	[ "$status" -eq 0 ]
	[[ $output == "usage: ci/check-codeowners"* ]]
	run "$CHECK" --bogus
	[ "$status" -eq 2 ]
}

@test "a path that exists nowhere is reported once" {
	echo '/vtpm/   @org/src' >>"$R/CODEOWNERS"
	run_check
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$(grep -c "'/vtpm/'" <<<"$output")" -eq 1 ]
	[[ $output == *"CODEOWNERS:5: '/vtpm/' matches no file in the git index"* ]]
	[[ $output == *"1 problem(s)"* ]]
}
