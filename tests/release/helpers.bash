# SPDX-License-Identifier: MIT
#
# Shared setup of the release tooling tests: a scratch git repository with a
# previous release, and the fixture GitHub API server on a free local port.

RELEASE_TEST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC_TOP=$(cd "$RELEASE_TEST_DIR/../.." && pwd)
RELEASE_TOOL=$SRC_TOP/release/svsm-release
# shellcheck disable=SC2034 # used by the tests
VERSION_TOOL=$SRC_TOP/release/version.sh
FIXTURES=$RELEASE_TEST_DIR/fixtures
SERVER_PID=

# commit_file PATH CONTENT SUBJECT: a signed-off commit changing PATH.
commit_file() {
	mkdir -p "$(dirname "$1")"
	printf '%s\n' "$2" >"$1"
	git add -- "$1"
	git commit -q -s -m "$3" -m "Needed by the release tests."
}

# make_repo [MODE]: scratch repo released as v2026.10-devel, with three
# commits since; cwd becomes the repo. MODE goes into release/config.
make_repo() {
	REPO_DIR=$BATS_TEST_TMPDIR/repo
	git init -q -b main "$REPO_DIR"
	cd "$REPO_DIR" || return 1
	git config user.name "Test Developer"
	git config user.email "dev@example.org"
	git config tag.gpgSign false
	git config commit.gpgSign false
	mkdir -p release
	cat >release/config <<-CFG
		# SPDX-License-Identifier: MIT
		name = SVSM
		tarball_base = svsm
		repo = test/svsm
		mode = ${1:-milestones}
		release_weekday = tue
	CFG
	git add release/config
	commit_file release/VERSION 2026.10-devel "build: start the project"
	git tag -a -m "SVSM Release 2026.10-devel" v2026.10-devel
	commit_file svsm/mm/buddy.c "/* buddy */" "mm: add the buddy page allocator"
	commit_file svsm/proto/core.c "/* core */" "proto: add the core protocol"
	commit_file README.md "readme" "Update the README"
}

# start_server SCENARIO...: serve fixtures/SCENARIO.json files (first wins).
start_server() {
	local files=() s
	for s in "$@"; do
		files+=("$FIXTURES/$s.json")
	done
	SERVER_LOG=$BATS_TEST_TMPDIR/requests.jsonl
	rm -f "$BATS_TEST_TMPDIR/port"
	python3 "$RELEASE_TEST_DIR/fixture-server.py" --port-file "$BATS_TEST_TMPDIR/port" \
		--log "$SERVER_LOG" "${files[@]}" 3>&- &
	SERVER_PID=$!
	local _
	for _ in $(seq 100); do
		[ -s "$BATS_TEST_TMPDIR/port" ] && break
		sleep 0.05
	done
	[ -s "$BATS_TEST_TMPDIR/port" ] || {
		echo "fixture server did not start" >&2
		return 1
	}
	SVSM_GITHUB_API="http://127.0.0.1:$(cat "$BATS_TEST_TMPDIR/port")"
	export SVSM_GITHUB_API
	export GITHUB_TOKEN=test-token
}

stop_server() {
	if [ -n "$SERVER_PID" ]; then
		kill "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
		SERVER_PID=
	fi
}

# writes: the mutating requests the server saw, one JSON object a line.
writes() {
	jq -c 'select(.method != "GET") | {method, path, body}' "$SERVER_LOG"
}

# unmatched: requests no fixture answered (a test bug when non-empty).
unmatched() {
	jq -c 'select(.unmatched) | {method, path, query}' "$SERVER_LOG"
}

svsm_release() {
	"$RELEASE_TOOL" "$@"
}

teardown() {
	stop_server
}
