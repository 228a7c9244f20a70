# SPDX-License-Identifier: MIT
#
# The build system's and the CI entry's own rules: make help, O=, V=1, make check,
# distclean, ci/install-deps, .ci/run, the README quick start and the SPDX
# lines of fragments and scripts. Bats in scratch clones of the tree under
# $(BUILD)/tests/build (bats' TMPDIR); nothing is built beyond one object.

CHECK_TARGETS += test-build
HELP += test-build|build system and CI entry: help, O=, V=1, distclean, check, install-deps, .ci/run (bats)

.PHONY: test-build
test-build:
	$(call msg,BATS,tests/build)
	@mkdir -p $(BUILD)/tests/build
	$(Q)TMPDIR=$(BUILD)/tests/build bats $(SRCDIR)/tests/build
