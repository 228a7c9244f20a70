#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# O=DIR puts every artifact under DIR (default build/) and nothing beside the
# sources; V=1 shows the full commands; `make distclean` removes the build
# directory and refuses one that is the source tree or a parent of it.

load helpers

OBJ=hosted/svsm/attest/manifest.o

setup_file() {
	prepare_base
}

@test "O=DIR: a hosted and a kernel object land under DIR and nothing is written anywhere else" {
	clone_tree
	out=$BATS_TEST_TMPDIR/out
	run mk O="$out" "$out/$OBJ" "$out/kernel/${OBJ#hosted/}"
	[ "$status" -eq 0 ]
	[ -s "$out/$OBJ" ]
	[ -s "$out/kernel/${OBJ#hosted/}" ]
	[ -z "$(git -C "$CLONE" status --porcelain --ignored)" ]
	# beside the clone and DIR, the test directory holds nothing new
	[ "$(cd "$BATS_TEST_TMPDIR" && echo *)" = "out src" ]
	# and every artifact, dependency files included, is under DIR
	[ -s "$out/${OBJ%.o}.d" ]
}

@test "O=DIR: a relative DIR is taken from the directory make runs in" {
	clone_tree
	run mk O=../rel "$BATS_TEST_TMPDIR/rel/$OBJ"
	[ "$status" -eq 0 ]
	[ -s "$BATS_TEST_TMPDIR/rel/$OBJ" ]
	[ -z "$(git -C "$CLONE" status --porcelain --ignored)" ]
}

@test "O=DIR: help, release-version and a dry run of all write nothing beside the sources" {
	clone_tree
	out=$BATS_TEST_TMPDIR/out
	mk O="$out" help >/dev/null
	mk O="$out" release-version >/dev/null
	mk O="$out" -n all >/dev/null
	[ -z "$(git -C "$CLONE" status --porcelain --ignored)" ]
}

@test "default O is build/: only build/ appears beside the sources" {
	clone_tree
	run mk "$CLONE/build/$OBJ"
	[ "$status" -eq 0 ]
	[ -s "$CLONE/build/$OBJ" ]
	[ "$(git -C "$CLONE" status --porcelain --ignored)" = "!! build/" ]
}

@test "V=1 shows the full compiler command, the default the short form" {
	clone_tree
	run mk V=1 O="$BATS_TEST_TMPDIR/v1" "$BATS_TEST_TMPDIR/v1/$OBJ"
	[ "$status" -eq 0 ]
	grep -qF -- "-c $CLONE/svsm/attest/manifest.c -o $BATS_TEST_TMPDIR/v1/$OBJ" <<<"$output"
	grep -qF -- "-Werror" <<<"$output"
	grep -qF -- "-std=gnu11" <<<"$output"
	! grep -q '^  CC ' <<<"$output" || false

	run mk O="$BATS_TEST_TMPDIR/v0" "$BATS_TEST_TMPDIR/v0/$OBJ"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ ${lines[0]} =~ ^\ \ CC\ +hosted/svsm/attest/manifest\.o$ ]]
	! grep -q -- '-Werror\|manifest\.c' <<<"$output" || false
	[ -s "$BATS_TEST_TMPDIR/v0/$OBJ" ]
}

@test "distclean removes the build directory and only it" {
	clone_tree
	out=$BATS_TEST_TMPDIR/out
	mk O="$out" "$out/$OBJ" >/dev/null
	[ -s "$out/$OBJ" ]
	run mk O="$out" distclean
	[ "$status" -eq 0 ]
	[ ! -e "$out" ]
	tree_intact
	# the default build/ too
	mk "$CLONE/build/$OBJ" >/dev/null
	run mk distclean
	[ "$status" -eq 0 ]
	[ ! -e "$CLONE/build" ]
	tree_intact
}

@test "distclean refuses O=. and the tree's own path, and keeps the tree" {
	clone_tree
	for o in . ./ "$CLONE" "$CLONE/" "$CLONE/svsm/.." ""; do
		run mk O="$o" distclean
		echo "O=$o: $output"
		[ "$status" -ne 0 ]
		grep -q "refusing to remove" <<<"$output"
		tree_intact
	done
}

@test "distclean refuses O=.. and any parent of the tree, and keeps them" {
	clone_tree
	touch "$BATS_TEST_TMPDIR/keep"
	for o in .. ../ ../.. "$BATS_TEST_TMPDIR" "$(dirname "$BATS_TEST_TMPDIR")"; do
		run mk O="$o" distclean
		echo "O=$o: $output"
		[ "$status" -ne 0 ]
		grep -q "refusing to remove" <<<"$output"
		[ -e "$BATS_TEST_TMPDIR/keep" ]
		tree_intact
	done
}

@test "distclean refuses the tree reached through a symbolic link" {
	clone_tree
	ln -s "$CLONE" "$BATS_TEST_TMPDIR/link"
	run make --no-print-directory -f "$BATS_TEST_TMPDIR/link/Makefile" O="$CLONE" distclean
	[ "$status" -ne 0 ]
	grep -q "refusing to remove" <<<"$output"
	tree_intact
}

@test "distclean refuses the root and a directory of tracked sources" {
	clone_tree
	for o in / svsm; do
		run make --no-print-directory -C "$CLONE" O="$o" distclean
		echo "O=$o: $output"
		[ "$status" -ne 0 ]
		grep -q "refusing to remove" <<<"$output"
		tree_intact
	done
}
