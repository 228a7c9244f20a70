# SPDX-License-Identifier: MIT
#
# Release helpers (docs/RELEASE-PROCESS.md). The version everything is
# derived from is release/VERSION; release/version.sh prints the strings.

HELP += release-version|print the version strings derived from release/VERSION
HELP += release-status|release status: blockers, features, CI (GitHub), commits, sign-offs, lint (local)
HELP += release-artifacts|source tarball and images of the tagged VERSION with SHA256SUMS

.PHONY: release-version release-status release-artifacts
release-version:
	$(Q)$(SRCDIR)/release/version.sh

release-status:
	$(Q)$(SRCDIR)/release/svsm-release -C $(SRCDIR) status

# Build the kernel first so its image ships with the tarball.
release-artifacts: $$(KERNEL_ELF)
	$(Q)$(SRCDIR)/release/svsm-release -C $(SRCDIR) --images $(BUILD) \
		--output $(BUILD)/release/$(VERSION) artifacts $(VERSION)
