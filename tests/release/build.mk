# SPDX-License-Identifier: MIT
#
# Release tooling tests: bats against a fixture GitHub API on 127.0.0.1 and
# scratch git repositories (under the bats temporary directory).

CHECK_TARGETS += test-release
HELP += test-release|release tooling tests (bats, fixture GitHub API, scratch repos)

.PHONY: test-release
test-release:
	$(call msg,BATS,tests/release)
	@mkdir -p $(BUILD)/tests/release
	$(Q)TMPDIR=$(BUILD)/tests/release bats $(SRCDIR)/tests/release
