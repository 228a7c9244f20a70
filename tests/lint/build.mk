# SPDX-License-Identifier: MIT
#
# Lint tooling: ci/lint, ci/spell and the git hooks in hooks/.
#   lint          ci/lint --all (not part of `make check`)
#   test-lint     the bats suites of tests/lint/
#   bench-hooks   the hooks on a 10-file commit against a bare commit
#   lint-sources  (internal) the build's source lists, read by ci/lint to
#                 analyse each C file with its flavour's flags, after making
#                 the generated headers they include
#
# Generated headers and their include directories, for the analysers; other
# fragments may extend these lists.
LINT_GENERATED += $(KERNEL_VERSION_H)
LINT_KERNEL_INCLUDES += $(KERNEL_GEN)
LINT_HOSTED_INCLUDES +=

HELP += lint|ci/lint --all: clang-format, clang-tidy, cppcheck, banned calls, shellcheck, SPDX
HELP += test-lint|bats tests of ci/lint, ci/spell and hooks/
HELP += bench-hooks|time the git hooks on a 10-file commit against a bare commit

CHECK_TARGETS += test-lint
BENCH_TARGETS += bench-hooks

.PHONY: lint test-lint bench-hooks lint-sources

lint:
	$(Q)cd $(SRCDIR) && ci/lint --all

test-lint:
	$(Q)bats $(SRCDIR)/tests/lint

bench-hooks:
	$(Q)$(SRCDIR)/tests/lint/bench-hooks $(BUILD)/bench-hooks

lint-sources: $$(LINT_GENERATED)
	@$(foreach f,$(svsm-common-y),echo 'common $(f)';)
	@$(foreach f,$(svsm-hosted-y),echo 'hosted $(f)';)
	@$(foreach f,$(svsm-kernel-y),echo 'kernel $(f)';)
	@$(foreach d,$(LINT_KERNEL_INCLUDES),echo 'kernel-include $(d)';)
	@$(foreach d,$(LINT_HOSTED_INCLUDES),echo 'hosted-include $(d)';)
