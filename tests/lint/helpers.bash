# SPDX-License-Identifier: MIT
#
# Shared by the tests/lint suites: a scratch repository per test, with the
# project's lint configuration, hooks and ci/spell copied in.

SRC=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)

scratch_repo() {
	export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
	export GIT_AUTHOR_NAME='Ann Dev' GIT_AUTHOR_EMAIL='ann@example.org'
	export GIT_COMMITTER_NAME='Ann Dev' GIT_COMMITTER_EMAIL='ann@example.org'
	unset SVSM_HOOK_SKIP SVSM_LINT_SKIP SVSM_LINT_ANY_CLANG_FORMAT \
		SVSM_SPELL_STRICT CLANG_FORMAT
	REPO=$BATS_TEST_TMPDIR/repo
	mkdir -p "$REPO"
	cd "$REPO" || return 1
	git init -q -b main
	mkdir -p ci
	cp "$SRC/.clang-format" "$SRC/.clang-tidy" "$SRC/.codespellrc" .
	cp "$SRC/ci/spell" ci/
	cp -r "$SRC/hooks" .
	git add -A
	git commit -q --no-verify -m 'init: scratch repository

Signed-off-by: Ann Dev <ann@example.org>'
}

# commit_all MESSAGE: commit everything without hooks
commit_all() {
	git add -A
	git commit -q --no-verify -m "$1

Body.

Signed-off-by: Ann Dev <ann@example.org>"
}

# A fake clang-format-14 that claims version $1 and formats nothing (it
# copies the named file, or stdin).
fake_clang_format() {
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	cat >"$BATS_TEST_TMPDIR/bin/clang-format-14" <<FAKE
#!/bin/sh
case "\$*" in
*--version*) echo "Debian clang-format version $1 (fake)"; exit 0 ;;
esac
for a in "\$@"; do
	case "\$a" in
	-*) ;;
	*) exec cat "\$a" ;;
	esac
done
exec cat
FAKE
	chmod +x "$BATS_TEST_TMPDIR/bin/clang-format-14"
	PATH=$BATS_TEST_TMPDIR/bin:$PATH
}

# fake_codespell SHEBANG: a codespell entry script in $BATS_TEST_TMPDIR/bin
# whose first line is SHEBANG (as Fedora's `#!/usr/bin/python3 -s` or pip's
# `#!/usr/bin/env python3`); it runs the installed codespell_lib. A python3
# next to it makes `env python3` find an interpreter that has the module.
fake_codespell() {
	local bin=$BATS_TEST_TMPDIR/bin
	mkdir -p "$bin"
	ln -sf /usr/bin/python3 "$bin/python3"
	printf '%s\n%s\n' "$1" 'import sys
from codespell_lib import _codespell
sys.exit(_codespell.main(*sys.argv[1:]))' >"$bin/codespell"
	chmod +x "$bin/codespell"
	PATH=$bin:$PATH
}

# no_codespell: PATH without any codespell (links to every other tool of
# the directories that hold one).
no_codespell() {
	local bin=$BATS_TEST_TMPDIR/nocs d t newpath=
	mkdir -p "$bin"
	local IFS=:
	for d in $PATH; do
		if [ -e "$d/codespell" ]; then
			for t in "$d"/*; do
				[ "${t##*/}" = codespell ] || ln -sf "$t" "$bin/${t##*/}"
			done
		else
			newpath=${newpath:+$newpath:}$d
		fi
	done
	PATH=$bin:$newpath
	! command -v codespell >/dev/null
}
