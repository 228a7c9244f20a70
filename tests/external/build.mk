# SPDX-License-Identifier: MIT
#
# The outside-tree test: a program built only with
# `pkg-config --cflags --libs svsm-sim` against $(O)/lib/pkgconfig, as an
# outside conformance suite would build it. It includes only <svsm/sim.h>
# and spells the protocol's constants itself (from 58019), so it checks the
# ABI numbers independently of svsm/include/abi.

EXTERNAL_BIN := $(BUILD)/tests/external/external-test

$(EXTERNAL_BIN): $(SRCDIR)/tests/external/external_test.c $(SIM_LIB) $(SIM_PC)
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)PKG_CONFIG_PATH=$(BUILD)/lib/pkgconfig; export PKG_CONFIG_PATH; \
		$(HOSTCC) -std=gnu11 -Wall -Wextra -Werror -o $@ $< \
		$$(pkg-config --cflags --libs svsm-sim)

CHECK_TARGETS += test-external
HELP += test-external|outside-tree program built with pkg-config svsm-sim

.PHONY: test-external
test-external: $(EXTERNAL_BIN)
	$(Q)$(EXTERNAL_BIN)
