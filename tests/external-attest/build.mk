# SPDX-License-Identifier: MIT
#
# An outside-tree attestation client built only with
# `pkg-config --cflags --libs svsm-sim`: vTPM commands, an attestation
# report, verification with nothing but OpenSSL (issue 5's acceptance).

EXTERNAL_ATTEST_BIN := $(BUILD)/tests/external-attest/attest-client

$(EXTERNAL_ATTEST_BIN): $(SRCDIR)/tests/external-attest/attest_client.c $(SIM_LIB) $$(SIM_PC)
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)PKG_CONFIG_PATH=$(BUILD)/lib/pkgconfig; export PKG_CONFIG_PATH; \
		$(HOSTCC) -std=gnu11 -Wall -Wextra -Werror -o $@ $< \
		$$(pkg-config --cflags --libs svsm-sim)

CHECK_TARGETS += test-external-attest
HELP += test-external-attest|outside program: vTPM + attestation via pkg-config svsm-sim, verified with OpenSSL

.PHONY: test-external-attest
test-external-attest: $(EXTERNAL_ATTEST_BIN)
	$(Q)$(EXTERNAL_ATTEST_BIN)
