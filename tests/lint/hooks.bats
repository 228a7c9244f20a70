#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# hooks/: install and uninstall, the blocking format check on staged content,
# spelling warnings, the sign-off and body checks, the saved message.

load helpers

setup() {
	scratch_repo
	hooks/install >/dev/null
	printf '/* SPDX-License-Identifier: MIT */\nint a;\n' >a.c
	commit_all "a: add a.c"
}

commit_count() {
	git rev-list --count HEAD
}

MSG='a: change a

Why it changes.

Signed-off-by: Ann Dev <ann@example.org>'

@test "install: core.hooksPath, then --uninstall" {
	[ "$(git config core.hooksPath)" = hooks ]
	run hooks/install --uninstall
	[ "$status" -eq 0 ]
	run git config core.hooksPath
	[ "$status" -eq 1 ]
}

@test "install: refuses to replace another core.hooksPath without --force" {
	git config core.hooksPath elsewhere
	run hooks/install
	[ "$status" -eq 1 ]
	[ "$(git config core.hooksPath)" = elsewhere ]
	run hooks/install --force
	[ "$status" -eq 0 ]
	[ "$(git config core.hooksPath)" = hooks ]
}

@test "install: --copy copies, keeps foreign hooks, --uninstall removes ours" {
	run hooks/install --copy
	[ "$status" -eq 0 ]
	run git config core.hooksPath
	[ "$status" -eq 1 ]
	cmp hooks/pre-commit .git/hooks/pre-commit
	cmp hooks/commit-msg .git/hooks/commit-msg
	# the copied hooks work: a message without sign-off is refused
	run git commit --allow-empty -m 'x: y

Body.'
	[ "$status" -ne 0 ]
	hooks/install --uninstall
	[ ! -e .git/hooks/pre-commit ]
	[ ! -e .git/hooks/commit-msg ]
	printf '#!/bin/sh\nexit 0\n' >.git/hooks/pre-commit
	run hooks/install --copy
	[ "$status" -eq 1 ]
	[[ "$output" == *"not ours"* ]]
	grep -q 'exit 0' .git/hooks/pre-commit
	hooks/install --uninstall
	[ -e .git/hooks/pre-commit ]
}

@test "pre-commit: misformatted staged code blocks the commit with the fix" {
	n=$(commit_count)
	printf 'int  b=2;\n' >>a.c
	git add a.c
	run git commit -m "$MSG"
	echo "$output"
	[ "$status" -ne 0 ]
	[ "$(commit_count)" -eq "$n" ]
	[[ "$output" == *"+int b = 2;"* ]]
	[[ "$output" == *"git clang-format-14 --staged"* ]]
	[[ "$output" == *"clang-format-14 -i --lines=3:3 a.c"* ]]
}

@test "pre-commit: untouched misformatted lines do not block" {
	printf '/* SPDX-License-Identifier: MIT */\nint  old=1;\n' >b.c
	commit_all "b: add b.c"
	printf 'int fresh;\n' >>b.c
	git add b.c
	run git commit -m "$MSG"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "pre-commit: the staged content is judged, not the work tree" {
	printf 'int  b=2;\n' >>a.c
	git add a.c
	clang-format-14 -i a.c # fixed in the work tree only
	run git commit -m "$MSG"
	[ "$status" -ne 0 ]
	# and the other way round: staged clean, work tree messy
	git add a.c
	printf 'int  c=3;\n' >>a.c
	run git commit -m "$MSG"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "pre-commit: a spelling mistake warns and the commit goes through" {
	n=$(commit_count)
	printf '/* teh comment */\n' >>a.c
	git add a.c
	run git commit -m "$MSG"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(commit_count)" -eq $((n + 1)) ]
	[[ "$output" == *"warning only"* ]]
	[[ "$output" == *"a.c:3: teh ==> the"* ]]
}

@test "pre-commit: SVSM_HOOK_SKIP=format skips the format check" {
	printf 'int  b=2;\n' >>a.c
	git add a.c
	SVSM_HOOK_SKIP=format run git commit -m "$MSG"
	[ "$status" -eq 0 ]
}

@test "pre-commit: another clang-format major warns instead of judging" {
	fake_clang_format 17.0.1
	printf 'int  b=2;\n' >>a.c
	git add a.c
	run git commit -m "$MSG"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"not the pinned 14"* ]]
}

@test "commit-msg: a missing sign-off blocks and the message is saved" {
	n=$(commit_count)
	run git commit --allow-empty -m 'a: keep me

A body I typed with care.'
	echo "$output"
	[ "$status" -ne 0 ]
	[ "$(commit_count)" -eq "$n" ]
	[[ "$output" == *"no Signed-off-by"* ]]
	[[ "$output" == *"git commit -s -e -F $REPO/.git/SVSM_COMMIT_MSG.saved"* ]]
	grep -q 'A body I typed with care.' .git/SVSM_COMMIT_MSG.saved
	run git commit --allow-empty -s -F .git/SVSM_COMMIT_MSG.saved
	[ "$status" -eq 0 ]
	git log -1 --format=%B | grep -q 'A body I typed with care.'
	git log -1 --format=%B | grep -q '^Signed-off-by: Ann Dev <ann@example.org>$'
}

@test "commit-msg: a sign-off that is not the author's blocks" {
	run git commit --allow-empty --author='Bob Other <bob@example.org>' \
		-m "$MSG"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *'matches the author "Bob Other <bob@example.org>"'* ]]
	[ -s .git/SVSM_COMMIT_MSG.saved ]
	# e-mail case does not matter; the name does
	run git commit --allow-empty -m 'a: b

Body.

Signed-off-by: Ann Dev <ANN@Example.org>'
	[ "$status" -eq 0 ]
	run git commit --allow-empty -m 'a: b

Body.

Signed-off-by: ann dev <ann@example.org>'
	[ "$status" -ne 0 ]
}

@test "commit-msg: a message without a body blocks" {
	run git commit --allow-empty -s -m 'a: subject only'
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"no body"* ]]
	grep -q 'a: subject only' .git/SVSM_COMMIT_MSG.saved
}

@test "commit-msg: spelling in the message only warns" {
	run git commit --allow-empty -m 'a: b

This is teh body.

Signed-off-by: Ann Dev <ann@example.org>'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"commit message:3: teh ==> the"* ]]
}

@test "commit-msg: comments and the -v diff are not the message" {
	printf 'a: b\n\nBody.\n\nSigned-off-by: Ann Dev <ann@example.org>\n# comment\n# ------------------------ >8 ------------------------\ndiff --git a/x b/x\n' >"$BATS_TEST_TMPDIR/m"
	run hooks/commit-msg "$BATS_TEST_TMPDIR/m"
	[ "$status" -eq 0 ]
	# an emptied message (the user aborting) is left to git
	printf '# only comments\n' >"$BATS_TEST_TMPDIR/m"
	run hooks/commit-msg "$BATS_TEST_TMPDIR/m"
	[ "$status" -eq 0 ]
	[ ! -e .git/SVSM_COMMIT_MSG.saved ]
}

@test "commit-msg: SVSM_HOOK_SKIP=signoff,body skips those checks" {
	SVSM_HOOK_SKIP=signoff,body run git commit --allow-empty -m 'a: b'
	[ "$status" -eq 0 ]
}

@test "--no-verify bypasses every hook" {
	printf 'int  b=2;\n' >>a.c
	git add a.c
	run git commit --no-verify -m 'a: b'
	[ "$status" -eq 0 ]
}

@test "pre-commit: works on the first commit of a repository" {
	mkdir "$BATS_TEST_TMPDIR/fresh"
	cd "$BATS_TEST_TMPDIR/fresh"
	git init -q -b main
	cp -r "$REPO/hooks" "$REPO/ci" "$REPO/.clang-format" .
	hooks/install >/dev/null
	printf '/* SPDX-License-Identifier: MIT */\nint  a=1;\n' >a.c
	git add -A
	run git commit -m "$MSG"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"+int a = 1;"* ]]
	clang-format-14 -i a.c
	git add a.c
	run git commit -m "$MSG"
	[ "$status" -eq 0 ]
}

@test "commit-msg: Co-developed-by needs its own sign-off right after it" {
	run git commit --allow-empty -m 'a: b

Body.

Co-developed-by: Bob Other <bob@example.org>
Signed-off-by: Ann Dev <ann@example.org>'
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *'"Co-developed-by: Bob Other <bob@example.org>" must be followed by "Signed-off-by: Bob Other <bob@example.org>"'* ]]
	run git commit --allow-empty -m 'a: b

Body.

Co-developed-by: Bob Other <bob@example.org>
Signed-off-by: Bob Other <bob@example.org>
Signed-off-by: Ann Dev <ann@example.org>'
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "commit-msg: a sign-off only counts as a trailer" {
	run git commit --allow-empty -m 'a: b

Signed-off-by: Ann Dev <ann@example.org>
is quoted here, in the body.

Reviewed-by: Bob Other <bob@example.org>'
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"no Signed-off-by: trailer"* ]]
	# the key is case-insensitive, as git parses trailers
	run git commit --allow-empty -m 'a: b

Body.

signed-off-by: Ann Dev <ann@example.org>'
	[ "$status" -eq 0 ]
}

@test "commit-msg: fixup!, squash! and merges are not judged" {
	run git commit --allow-empty -m 'fixup! a: add a.c'
	[ "$status" -eq 0 ]
	run git commit --allow-empty -m 'squash! a: add a.c'
	[ "$status" -eq 0 ]
}

@test "pre-commit: file names with spaces are judged too" {
	mkdir 'a dir'
	printf '/* SPDX-License-Identifier: MIT */\nint  b=2;\n' >'a dir/b c.c'
	git add -A
	run git commit -m "$MSG"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"+int b = 2;"* ]]
	clang-format-14 -i 'a dir/b c.c'
	git add -A
	run git commit -m "$MSG"
	[ "$status" -eq 0 ]
}

@test "hooks: without codespell a commit says once that spelling was not checked" {
	no_codespell
	printf '/* teh */\n' >>a.c
	git add a.c
	run git commit -m "$MSG"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -c 'spelling NOT checked' <<<"$output")" -eq 1 ]
	[[ "$output" == *"apt-get install codespell"* ]]
}

@test "hooks: codespell behind '#!/usr/bin/python3 -s' still warns" {
	fake_codespell '#!/usr/bin/python3 -s'
	printf '/* teh */\n' >>a.c
	git add a.c
	run git commit -m "$MSG"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"a.c:3: teh ==> the"* ]]
}

@test "commit-msg: one spelling run judges what this commit records" {
	printf 'teh\n' >x.txt
	printf 'wich\n' >y.txt
	commit_all "doc: add x and y"
	printf 'recieve\n' >>x.txt
	printf 'ocurred\n' >>y.txt
	git add y.txt
	# a partial commit: git gives the hooks a temporary index with x.txt
	run git commit -m "$MSG" x.txt
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"x.txt:2: recieve ==> receive"* ]]
	[[ "$output" != *"ocurred"* ]]
	[ "$(grep -c 'possible spelling mistakes' <<<"$output")" -eq 1 ]
}

@test "commit-msg: -m keeps lines starting with # as git does, and so does the hook" {
	# git records "#include ..." (no editor: cleanup mode whitespace)
	run git commit --allow-empty -m 'a: b

#include <x.h> moved: the reason for this change.

Signed-off-by: Ann Dev <ann@example.org>'
	echo "$output"
	[ "$status" -eq 0 ]
	git log -1 --format=%B | grep -q '^#include <x.h> moved'
	# a refused -F message is saved as git would have recorded it
	printf 'a: c\n\n# 1: why, kept by git\n' >"$BATS_TEST_TMPDIR/m"
	run git commit --allow-empty -F "$BATS_TEST_TMPDIR/m"
	[ "$status" -ne 0 ]
	grep -q '^# 1: why, kept by git$' .git/SVSM_COMMIT_MSG.saved
	[[ "$output" != *"no body"* ]]
}

@test "commit-msg: with an editor, or commit.cleanup=strip, # lines are comments" {
	# the editor leaves git's template comments: they are not a body
	GIT_EDITOR=true run git commit --allow-empty -e -m 'a: subject only'
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"no body"* ]]
	git config commit.cleanup strip
	run git commit --allow-empty -m 'a: b

# stripped by git, so no body

Signed-off-by: Ann Dev <ann@example.org>'
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"no body"* ]]
	# --cleanup on the command line wins over commit.cleanup
	run git commit --allow-empty --cleanup=whitespace -m 'a: b

# kept: the body

Signed-off-by: Ann Dev <ann@example.org>'
	echo "$output"
	[ "$status" -eq 0 ]
	git log -1 --format=%B | grep -q '^# kept: the body$'
}

@test "commit-msg: -v with an editor: the diff below the scissors is not the message" {
	cat >"$BATS_TEST_TMPDIR/editor" <<'ED'
#!/bin/sh
{ printf 'a: b\n\n'; cat "$1"; } >"$1.new" && mv "$1.new" "$1"
ED
	chmod +x "$BATS_TEST_TMPDIR/editor"
	printf '/* Signed-off-by: Ann Dev <ann@example.org> */\n' >>a.c
	git add a.c
	# the only sign-off is in the diff, below the scissors line: refused
	GIT_EDITOR=$BATS_TEST_TMPDIR/editor run git commit -v
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"no Signed-off-by"* ]]
	[ "$(grep -c 'diff --git' .git/SVSM_COMMIT_MSG.saved)" -eq 0 ]
}

# user_hook DIR NAME: a hook of the user's that logs its run to $DIR/ran
user_hook() {
	mkdir -p "$1"
	printf '#!/bin/sh\necho "%s $*" >>"%s/ran"\n' "$2" "$(cd "$1" && pwd)" >"$1/$2"
	chmod +x "$1/$2"
}

@test "install: --force chains the hooks of the old core.hooksPath, --uninstall restores it" {
	hooks/install --uninstall >/dev/null
	user_hook "$REPO/my hooks" pre-commit
	user_hook "$REPO/my hooks" commit-msg
	user_hook "$REPO/my hooks" pre-push
	# the user's commit-msg adds a trailer, as Gerrit's does
	# shellcheck disable=SC2016 # $1 of that hook
	printf 'git interpret-trailers --in-place --trailer "Change-Id: I1" "$1"\n' >>"$REPO/my hooks/commit-msg"
	git config core.hooksPath 'my hooks'
	run hooks/install
	[ "$status" -eq 1 ]
	run hooks/install --force
	echo "$output"
	[ "$status" -eq 0 ]
	# ours run (a missing sign-off is refused) after the user's
	run git commit --allow-empty -m 'a: b

Body.'
	[ "$status" -ne 0 ]
	grep -q '^pre-commit' "$REPO/my hooks/ran"
	run git commit --allow-empty -m "$MSG"
	echo "$output"
	[ "$status" -eq 0 ]
	git log -1 --format=%B | grep -q '^Change-Id: I1$'
	grep -q '^commit-msg ' "$REPO/my hooks/ran"
	# every other hook of theirs still runs
	git init -q --bare "$BATS_TEST_TMPDIR/remote.git"
	git push -q "$BATS_TEST_TMPDIR/remote.git" HEAD:main
	grep -q '^pre-push ' "$REPO/my hooks/ran"
	run hooks/install --uninstall
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(git config core.hooksPath)" = 'my hooks' ]
}

@test "install: hooks the user keeps in .git/hooks still run" {
	hooks/install --uninstall >/dev/null
	user_hook .git/hooks pre-commit
	run hooks/install
	echo "$output"
	[ "$status" -eq 0 ]
	run git commit --allow-empty -m "$MSG"
	[ "$status" -eq 0 ]
	grep -q '^pre-commit' .git/hooks/ran
	hooks/install --uninstall
	run git config core.hooksPath
	[ "$status" -eq 1 ]
	[ -x .git/hooks/pre-commit ]
}

@test "install: --copy refuses when core.hooksPath makes git ignore .git/hooks" {
	hooks/install --uninstall >/dev/null
	git config core.hooksPath elsewhere
	run hooks/install --copy
	echo "$output"
	[ "$status" -ne 0 ]
	[ ! -e .git/hooks/pre-commit ]
	[ "$(git config core.hooksPath)" = elsewhere ]
}

@test "install: --copy --force chains to the hook it displaces, --uninstall puts it back" {
	hooks/install --uninstall >/dev/null
	user_hook .git/hooks commit-msg
	cp .git/hooks/commit-msg "$BATS_TEST_TMPDIR/theirs"
	run hooks/install --copy --force
	echo "$output"
	[ "$status" -eq 0 ]
	run git commit --allow-empty -m "$MSG"
	[ "$status" -eq 0 ]
	grep -q '^commit-msg ' .git/hooks/ran
	hooks/install --uninstall
	cmp .git/hooks/commit-msg "$BATS_TEST_TMPDIR/theirs"
}

@test "pre-commit: CLANG_FORMAT naming no program says not found" {
	printf 'int  b=2;\n' >>a.c
	git add a.c
	CLANG_FORMAT=/nonexistent run git commit -m "$MSG"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"CLANG_FORMAT=/nonexistent: not found"* ]]
	[[ "$output" != *"version unknown"* ]]
	CLANG_FORMAT=no-such-clang-format run git commit --allow-empty -m "$MSG"
	[[ "$output" != *"version unknown"* ]]
}
