#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# The release tooling itself: shellcheck-clean POSIX sh, SPDX headers.

load helpers

@test "release scripts are shellcheck-clean POSIX sh" {
	cd "$SRC_TOP"
	shellcheck -x release/svsm-release release/version.sh
	shellcheck release/lib/*.sh
	shellcheck tests/release/helpers.bash tests/release/*.bats
}

@test "release scripts run under dash" {
	command -v dash || skip "dash not installed"
	run dash "$SRC_TOP/release/version.sh" tag
	[ "$status" -eq 0 ]
	make_repo
	run dash "$RELEASE_TOOL" next
	[ "$status" -eq 0 ]
}

@test "every release source file carries an SPDX line" {
	cd "$SRC_TOP"
	for f in release/svsm-release release/version.sh release/lib/*.sh release/config \
		release/build.mk tests/release/*.bats tests/release/*.bash \
		tests/release/*.py tests/release/build.mk; do
		head -n 3 "$f" | grep -q 'SPDX-License-Identifier: MIT' || {
			echo "$f: no SPDX line"
			return 1
		}
	done
}
