# SPDX-License-Identifier: MIT
#
# The IGVM tools from the command line (bats): `make test-igvm-tools`
# builds images with igvm-build from ELFs made by mkelf.py and Debian's
# OVMF.fd, and checks, measures and signs them with igvm-measure.

include $(SRCDIR)/tools/igvm-build/build.mk

CHECK_TARGETS += test-igvm-tools
HELP += test-igvm-tools|igvm-build and igvm-measure command lines: build, check, measure, ID block (bats)

.PHONY: test-igvm-tools
test-igvm-tools: $$(IGVM_BUILD) $$(IGVM_MEASURE)
	@mkdir -p $(BUILD)/tests/igvm-tools
	$(Q)TMPDIR=$(BUILD)/tests/igvm-tools IGVM_BUILD=$(IGVM_BUILD) \
		IGVM_MEASURE=$(IGVM_MEASURE) bats $(SRCDIR)/tests/igvm-tools
