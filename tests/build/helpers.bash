# SPDX-License-Identifier: MIT
#
# Shared setup of the build-system tests. Every make run happens in a scratch
# clone of the tree under the bats temporary directory, never in the tree
# itself. The clone carries the work tree's uncommitted changes (committed in
# the scratch base clone only), so the tests check the tree as it is.

BUILD_TEST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC_TOP=$(cd "$BUILD_TEST_DIR/../.." && pwd)

# A `make test-build` run passes its own O=, V= and flags down through the
# environment; the tests choose their own.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES O V

# git must never walk up from a scratch directory (whose .git a broken
# distclean may have removed) into the tree that holds the build directory.
GIT_CEILING_DIRECTORIES=$BATS_RUN_TMPDIR
export GIT_CEILING_DIRECTORIES

# scratch_git ARGS: git with a fixed identity, for the scratch clones only.
scratch_git() {
	git -c user.name="Build Test" -c user.email="build-test@example.org" \
		-c commit.gpgSign=false "$@"
}

# prepare_base: clone the tree into $BATS_FILE_TMPDIR/base and commit there
# whatever the work tree changes, adds or deletes. Exports BASE.
prepare_base() {
	git -C "$SRC_TOP" rev-parse --git-dir >/dev/null 2>&1 || return 0
	BASE=$BATS_FILE_TMPDIR/base
	export BASE
	git clone -q "$SRC_TOP" "$BASE"
	local f
	while IFS= read -r -d '' f; do
		[ -f "$SRC_TOP/$f" ] || continue
		mkdir -p "$BASE/$(dirname "$f")"
		cp -p "$SRC_TOP/$f" "$BASE/$f"
	done < <(git -C "$SRC_TOP" ls-files -z --modified --others --exclude-standard)
	while IFS= read -r -d '' f; do
		[ -e "$SRC_TOP/$f" ] || rm -f "$BASE/$f"
	done < <(git -C "$SRC_TOP" ls-files -z --deleted)
	scratch_git -C "$BASE" add -A
	if ! git -C "$BASE" diff --cached --quiet; then
		scratch_git -C "$BASE" commit -q --no-verify -m "work tree" -m "Scratch."
	fi
}

# clone_tree: a fresh scratch clone of the base in $BATS_TEST_TMPDIR/src.
# Sets CLONE.
clone_tree() {
	[ -n "${BASE:-}" ] || skip "the tree is not a git checkout"
	CLONE=$BATS_TEST_TMPDIR/src
	git clone -q "$BASE" "$CLONE"
}

# mk ARGS: make in the scratch clone.
mk() {
	case $CLONE in
	"$BATS_TEST_TMPDIR"/*) ;;
	*)
		echo "mk: $CLONE is not a scratch clone" >&2
		return 1
		;;
	esac
	make --no-print-directory -C "$CLONE" "$@"
}

# tree_intact: the clone still has its history and no change at all.
tree_intact() {
	[ -d "$CLONE/.git" ] && [ -f "$CLONE/Makefile" ] &&
		git -C "$CLONE" rev-parse -q --verify HEAD >/dev/null &&
		[ -z "$(git -C "$CLONE" status --porcelain --ignored)" ]
}

# spdx_ok FILE: FILE's first line, or its second after a #! line, is the
# SPDX identifier in the comment syntax of its kind.
spdx_ok() {
	local first second want
	case $1 in
	*.c | *.h | *.S | *.ld) want='/* SPDX-License-Identifier: MIT */' ;;
	*) want='# SPDX-License-Identifier: MIT' ;;
	esac
	first=$(sed -n 1p "$1")
	second=$(sed -n 2p "$1")
	case $first in
	'#!'*) [ "$second" = "$want" ] ;;
	*) [ "$first" = "$want" ] ;;
	esac
}
