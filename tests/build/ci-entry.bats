#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# The CI entry point .ci/run (run against fake ci/ scripts and a fake make),
# the README's quick start, and the SPDX line of every make fragment and of
# every script under ci/ hooks/ release/ .ci/ (all of them, where ci/lint
# checks only the files a change touches).

load helpers

# fake_tree: .ci/run copied into $BATS_TEST_TMPDIR/tree beside fake
# ci/install-deps and ci/dco-check, and a fake make first on PATH; each
# logs "directory command arguments" to $LOG. FAIL=name makes that one fail.
fake_tree() {
	TREE=$BATS_TEST_TMPDIR/tree
	LOG=$BATS_TEST_TMPDIR/run.log
	export LOG
	mkdir -p "$TREE/.ci" "$TREE/ci" "$BATS_TEST_TMPDIR/bin"
	cp -p "$SRC_TOP/.ci/run" "$TREE/.ci/run"
	local f
	for f in "$TREE/ci/install-deps" "$TREE/ci/dco-check" "$BATS_TEST_TMPDIR/bin/make"; do
		# shellcheck disable=SC2016 # expanded when the fake runs
		printf '%s\n' '#!/bin/sh' 'n=${0##*/}' 'echo "$PWD $n $*" >>"$LOG"' \
			'[ "${FAIL:-}" != "$n" ]' >"$f"
		chmod +x "$f"
	done
	: >"$LOG"
}

# ci_run: run the copied .ci/run from another directory.
ci_run() {
	mkdir -p "$BATS_TEST_TMPDIR/elsewhere"
	cd "$BATS_TEST_TMPDIR/elsewhere" || return 1
	run env PATH="$BATS_TEST_TMPDIR/bin:$PATH" "$TREE/.ci/run"
}

@test ".ci/run is executable, in the work tree and in git" {
	[ -x "$SRC_TOP/.ci/run" ]
	if git -C "$SRC_TOP" rev-parse --git-dir >/dev/null 2>&1; then
		[[ $(git -C "$SRC_TOP" ls-files -s .ci/run) == 100755\ * ]]
	fi
}

@test ".ci/run: ci/install-deps, ci/dco-check --all, make check, in that order, at the top" {
	fake_tree
	ci_run
	[ "$status" -eq 0 ]
	cat "$LOG"
	[ "$(wc -l <"$LOG")" -eq 3 ]
	[[ $(sed -n 1p "$LOG") =~ ^"$TREE install-deps"( |$) ]]
	[ "$(sed -n 2p "$LOG")" = "$TREE dco-check --all" ]
	[ "$(sed -n 3p "$LOG")" = "$TREE make check" ]
}

@test ".ci/run: a failing step fails the run and stops it" {
	fake_tree
	FAIL=install-deps ci_run
	[ "$status" -ne 0 ]
	[ "$(wc -l <"$LOG")" -eq 1 ]

	: >"$LOG"
	FAIL=dco-check ci_run
	[ "$status" -ne 0 ]
	[ "$(wc -l <"$LOG")" -eq 2 ]
	! grep -q ' make ' "$LOG" || false

	: >"$LOG"
	FAIL="make" ci_run
	[ "$status" -ne 0 ]
	[ "$(wc -l <"$LOG")" -eq 3 ]
}

@test "README: the quick start runs make run and make check" {
	quick=$(sed -n '/^## Quick start/,/^## /p' "$SRC_TOP/README.md")
	[ -n "$quick" ]
	# the commands, in the section's code block, at the start of a line
	# shellcheck disable=SC2016 # the fence is literal
	block=$(sed -n '/^```/,/^```/p' <<<"$quick")
	grep -Eq '^make run( |$)' <<<"$block"
	grep -Eq '^make check( |$)' <<<"$block"
}

@test "SPDX: the checker refuses a missing, late or wrong identifier" {
	d=$BATS_TEST_TMPDIR/spdx
	mkdir -p "$d"
	printf '#!/bin/sh\n# SPDX-License-Identifier: MIT\n' >"$d/good"
	printf '# SPDX-License-Identifier: MIT\nx := 1\n' >"$d/build.mk"
	printf '/* SPDX-License-Identifier: MIT */\n' >"$d/good.c"
	spdx_ok "$d/good"
	spdx_ok "$d/build.mk"
	spdx_ok "$d/good.c"
	printf '#!/bin/sh\n#\n# SPDX-License-Identifier: MIT\n' >"$d/late"
	printf '#!/bin/sh\necho hi\n' >"$d/none"
	printf '#\n# SPDX-License-Identifier: MIT\n' >"$d/second.mk"
	printf '# SPDX-License-Identifier: GPL-2.0\n' >"$d/other.mk"
	printf '# SPDX-License-Identifier: MIT\n' >"$d/hash.c"
	for f in late none second.mk other.mk hash.c; do
		! spdx_ok "$d/$f" || false
	done
}

@test "SPDX: every make fragment and every script under ci/ hooks/ release/ .ci/ starts with it" {
	git -C "$SRC_TOP" rev-parse --git-dir >/dev/null 2>&1 || skip "not a git checkout"
	checked=0
	bad=
	while IFS= read -r -d '' f; do
		[ -f "$SRC_TOP/$f" ] || continue
		case $f in
		Makefile | *.mk | */Makefile) ;;
		ci/* | hooks/* | release/* | .ci/*)
			# scripts: a #! line, or a shell library
			case $f in
			*.sh | *.bash) ;;
			*) [ "$(head -c 2 "$SRC_TOP/$f")" = '#!' ] || continue ;;
			esac
			;;
		*) continue ;;
		esac
		checked=$((checked + 1))
		spdx_ok "$SRC_TOP/$f" || bad="$bad $f"
	done < <(git -C "$SRC_TOP" ls-files -z --cached --others --exclude-standard)
	echo "checked $checked files; without SPDX:$bad"
	[ -z "$bad" ]
	[ "$checked" -ge 20 ]
}
