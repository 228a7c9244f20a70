# SPDX-License-Identifier: MIT
#
# Shared set-up for the ci/dco-check suites: a scratch repository per test in
# $BATS_TEST_TMPDIR, isolated from the user's and the system's git config.

# The suites use these; DCO_CHECK may name another script to test.
# shellcheck disable=SC2034
DCO_CHECK=${DCO_CHECK:-"$(cd "$BATS_TEST_DIRNAME/../.." && pwd)/ci/dco-check"}
ADA='Ada Lovelace <ada@example.org>'
BOB='Bob Babbage <bob@example.org>'
CAROL='Carol Shaw <carol@example.org>'
SOB_ADA="Signed-off-by: $ADA"
SOB_BOB="Signed-off-by: $BOB"

dco_setup() {
	unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY \
		GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_AUTHOR_DATE \
		GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL GIT_COMMITTER_DATE
	export HOME="$BATS_TEST_TMPDIR/home"
	export GIT_CONFIG_NOSYSTEM=1
	export GIT_CEILING_DIRECTORIES="$BATS_TEST_TMPDIR"
	mkdir -p "$HOME"
	REPO="$BATS_TEST_TMPDIR/repo"
	git init -q -b main "$REPO"
	cd "$REPO" || return 1
	git config user.name 'Ada Lovelace'
	git config user.email 'ada@example.org'
	git config commit.gpgsign false
}

# commit MESSAGE [git commit options]: an empty commit with MESSAGE verbatim
commit() {
	local msg=$1
	shift
	printf '%s\n' "$msg" >"$BATS_TEST_TMPDIR/msg"
	git commit -q --allow-empty --cleanup=verbatim -F "$BATS_TEST_TMPDIR/msg" "$@"
}

# good [git commit options]: a commit that passes, authored by Ada
good() {
	commit "$(printf 'good: a passing commit\n\nIt has a body.\n\n%s' "$SOB_ADA")" "$@"
}

# sha: the full sha of HEAD
sha() {
	git rev-parse "${1:-HEAD}"
}
