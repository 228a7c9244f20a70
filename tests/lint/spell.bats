#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# ci/spell: typos on added lines and new commit messages only, mapped back to
# file:line; locale-neutral; non-blocking unless --strict.

load helpers

SPELL=

setup() {
	scratch_repo
	SPELL=$SRC/ci/spell
}

@test "spell: an added typo is reported at its real file:line" {
	printf 'one\ntwo\nthree\nfour\nfive\nsix\n' >doc.txt
	commit_all "doc: add doc.txt"
	printf 'one\ntwo\nthree\nfour teh\nfive\nsix\nseven\nocurred here\n' >doc.txt
	commit_all "doc: extend doc.txt"
	run "$SPELL"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"doc.txt:4: teh ==> the"* ]]
	[[ "$output" == *"doc.txt:8: ocurred ==> occurred"* ]]
}

@test "spell: typos on untouched lines are not reported" {
	printf 'teh old line\nsecond\n' >doc.txt
	commit_all "doc: add doc.txt"
	printf 'teh old line\nsecond\nthird fine line\n' >doc.txt
	commit_all "doc: add a line"
	run "$SPELL" --strict
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" != *"teh"* ]]
}

@test "spell: British and American spellings both pass" {
	printf 'colour behaviour initialise licence\ncolor behavior initialize license\n' >doc.txt
	commit_all "doc: colours and colors

The colour of the behaviour is initialised."
	run "$SPELL" --strict
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "spell: a .codespellrc cannot turn on en-GB_to_en-US" {
	printf '[codespell]\nbuiltin = clear,rare,en-GB_to_en-US\n' >.codespellrc
	commit_all "x: british config"
	printf 'colour\n' >doc.txt
	commit_all "doc: colour"
	run "$SPELL" --strict
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "spell: exit 0 by default, 1 with --strict or SVSM_SPELL_STRICT=1" {
	printf 'recieve\n' >doc.txt
	commit_all "doc: add doc.txt"
	run "$SPELL"
	[ "$status" -eq 0 ]
	[[ "$output" == *"doc.txt:1: recieve ==> receive"* ]]
	run "$SPELL" --strict
	[ "$status" -eq 1 ]
	SVSM_SPELL_STRICT=1 run "$SPELL"
	[ "$status" -eq 1 ]
}

@test "spell: the ignore list of .codespellrc is honoured (lower case)" {
	printf '[codespell]\nignore-words-list = adn\n' >.codespellrc
	commit_all "x: ignore adn"
	printf 'adn wich\n' >doc.txt
	commit_all "doc: add doc.txt"
	run "$SPELL" --strict
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" != *"adn ==>"* ]]
	[[ "$output" == *"doc.txt:1: wich ==> which"* ]]
}

@test "spell: upper case in the ignore list is pointed out" {
	printf '[codespell]\nignore-words-list = Adn\n' >.codespellrc
	commit_all "x: ignore Adn"
	printf 'adn\n' >doc.txt
	commit_all "doc: add doc.txt"
	run "$SPELL"
	echo "$output"
	[[ "$output" == *"upper-case letters"* ]]
	[[ "$output" == *"doc.txt:1: adn ==> and"* ]]
}

@test "spell: skip globs of .codespellrc exclude paths" {
	printf '[codespell]\nskip = *.pem,./vendor\n' >.codespellrc
	commit_all "x: skip"
	mkdir vendor
	printf 'teh\n' >key.pem
	printf 'teh\n' >vendor/v.txt
	printf 'teh\n' >mine.txt
	commit_all "x: files"
	run "$SPELL"
	echo "$output"
	[[ "$output" == *"mine.txt:1: teh"* ]]
	[[ "$output" != *"key.pem"* ]]
	[[ "$output" != *"vendor"* ]]
}

@test "spell: commit messages of BASE..HEAD are checked" {
	base=$(git rev-parse HEAD)
	printf 'x\n' >doc.txt
	git add doc.txt
	git commit -q --no-verify -m 'doc: add doc

This explains teh reason.

Signed-off-by: Ann Dev <ann@example.org>'
	sha=$(git rev-parse --short HEAD)
	git commit -q --no-verify --allow-empty -m 'doc: fine

All good here.'
	run "$SPELL" "$base"
	echo "$output"
	[[ "$output" == *"commit $sha:3: teh ==> the"* ]]
	[ "$(printf '%s\n' "$output" | grep -c '==>')" -eq 1 ]
	# older commits are not
	run "$SPELL" HEAD
	[[ "$output" != *"teh"* ]]
}

@test "spell: --cached checks the staged added lines" {
	printf 'fine\n' >doc.txt
	commit_all "doc: add doc.txt"
	printf 'fine\nseperate\n' >doc.txt
	git add doc.txt
	printf 'fine\nseperate\nunstaged wich\n' >doc.txt
	run "$SPELL" --cached
	echo "$output"
	[[ "$output" == *"doc.txt:2: seperate ==> separate"* ]]
	[[ "$output" != *"wich"* ]]
}

@test "spell: --message checks a message file, not its comments" {
	printf 'x: subject\n\nA body wiht a typo.\n# a comment teh\n' >"$BATS_TEST_TMPDIR/msg"
	run "$SPELL" --message "$BATS_TEST_TMPDIR/msg"
	echo "$output"
	[[ "$output" == *"commit message:3: wiht ==> with"* ]]
	[[ "$output" != *"teh"* ]]
}

@test "spell: an added line beginning with ++ is content, not a header" {
	printf 'x\n' >doc.txt
	commit_all "doc: add"
	printf 'x\n++ teh\n' >doc.txt
	commit_all "doc: plus"
	run "$SPELL"
	echo "$output"
	[[ "$output" == *"doc.txt:2: teh ==> the"* ]]
}

@test "spell: file names with spaces map back exactly" {
	mkdir 'a dir'
	printf 'teh\n' >'a dir/x y.txt'
	commit_all "doc: spaced name"
	run "$SPELL"
	echo "$output"
	[[ "$output" == *"a dir/x y.txt:1: teh ==> the"* ]]
}

@test "spell: codespell whose first line carries an argument still runs" {
	printf 'teh\n' >doc.txt
	commit_all "doc: typo"
	for shebang in '#!/usr/bin/python3 -s' '#!/usr/bin/env python3'; do
		fake_codespell "$shebang"
		[ "$(command -v codespell)" = "$BATS_TEST_TMPDIR/bin/codespell" ]
		run "$SPELL" --strict
		echo "$shebang: $output"
		[ "$status" -eq 1 ]
		[[ "$output" == *"doc.txt:1: teh ==> the"* ]]
	done
}

@test "spell: a codespell that cannot run is reported, not passed over" {
	printf 'teh\n' >doc.txt
	commit_all "doc: typo"
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	printf '#!/nonexistent/python3\n' >"$BATS_TEST_TMPDIR/bin/codespell"
	chmod +x "$BATS_TEST_TMPDIR/bin/codespell"
	PATH=$BATS_TEST_TMPDIR/bin:$PATH
	run "$SPELL"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"spelling NOT checked"* ]]
	[[ "$output" == *"$BATS_TEST_TMPDIR/bin/codespell"* ]]
	run "$SPELL" --strict
	[ "$status" -eq 2 ]
}

@test "spell: without codespell it says so, once, with the fix" {
	printf 'teh\n' >doc.txt
	commit_all "doc: typo"
	no_codespell
	run "$SPELL"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -c 'spelling NOT checked' <<<"$output")" -eq 1 ]
	[[ "$output" == *"apt-get install codespell"* ]]
	run "$SPELL" --strict
	[ "$status" -eq 2 ]
}

@test "spell: the fast codespell start finds exactly what codespell finds" {
	# 400 misspellings from codespell's own dictionaries, with a mixed case
	# and an ignored word, checked by ci/spell and by codespell itself
	data=$(python3 -c 'import codespell_lib, os; print(os.path.dirname(codespell_lib.__file__))' 2>/dev/null ||
		/usr/bin/python3 -c 'import codespell_lib, os; print(os.path.dirname(codespell_lib.__file__))')
	{
		awk -F '->' 'NR % 97 == 1 { print $1 }' "$data/data/dictionary.txt" | head -n 380
		awk -F '->' 'NR % 7 == 1 { print $1 }' "$data/data/dictionary_rare.txt" | head -n 20
		echo 'Teh TEH adn'
	} >words.txt
	printf '[codespell]\nignore-words-list = adn\n' >.codespellrc
	git add -A
	run "$SPELL" --cached
	[ "$status" -eq 0 ]
	ours=$(grep -c '==>' <<<"$output")
	theirs=$(codespell --disable-colors --builtin clear,rare words.txt | grep -c '==>' || true)
	echo "ci/spell: $ours, codespell: $theirs"
	[ "$ours" -ge 400 ]
	[ "$ours" -eq "$theirs" ]
	[[ "$output" == *"words.txt:401: Teh ==> The"* ]]
	[[ "$output" != *"adn ==>"* ]]
}

@test "spell: a finding in a commit message names its line" {
	base=$(git rev-parse HEAD)
	git commit -q --no-verify --allow-empty -m 'doc: subject

First line is fine.
Second has teh typo.

Signed-off-by: Ann Dev <ann@example.org>'
	sha=$(git rev-parse --short HEAD)
	run "$SPELL" "$base"
	echo "$output"
	[[ "$output" == *"commit $sha:4: teh ==> the"* ]]
}
