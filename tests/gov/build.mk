# SPDX-License-Identifier: MIT
#
# Governance tooling: CODEOWNERS, the pull-request review gate and the
# development plan.  `make test-gov` checks the real CODEOWNERS and
# DEVELOPMENT_PLAN.md, then runs the bats suites (which start their own
# GitHub API fixture server on 127.0.0.1).  `make plan` lists plan items.

GOV_BATS := $(sort $(wildcard $(SRCDIR)/tests/gov/*.bats))

CHECK_TARGETS += test-gov
HELP += test-gov|governance tooling: CODEOWNERS, review gate, plan format (bats)
HELP += plan|list DEVELOPMENT_PLAN.md items (LABEL=good-first-issue STATUS=open AREA=...)

.PHONY: test-gov plan
# Every step runs even when an earlier one fails; the target fails if any did.
test-gov:
	$(Q)mkdir -p $(BUILD)/tests/gov
	$(Q)rc=0; \
	$(SRCDIR)/ci/check-codeowners || rc=1; \
	if [ -x $(SRCDIR)/ci/check-plan ]; then $(SRCDIR)/ci/check-plan || rc=1; fi; \
	TMPDIR=$(BUILD)/tests/gov bats $(GOV_BATS) || rc=1; \
	exit $$rc

plan:
	$(Q)$(SRCDIR)/ci/check-plan --list \
		$(if $(LABEL),--label '$(LABEL)') $(if $(STATUS),--status '$(STATUS)') \
		$(if $(AREA),--area '$(AREA)')
