# SPDX-License-Identifier: MIT
#
# svsm-verify: the relying party's report verifier (hosted tool).
svsm-verify-srcs := tools/svsm-verify/main.c tools/svsm-verify/verify.c \
                    svsm/attest/manifest.c
SVSM_VERIFY := $(BUILD)/bin/svsm-verify

$(SVSM_VERIFY): $(call objs,hosted,$(svsm-verify-srcs))
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $^ -o $@ -lcrypto

ALL_TARGETS += $(SVSM_VERIFY)
HELP += svsm-verify|build $(O)/bin/svsm-verify, the attestation report verifier
.PHONY: svsm-verify
svsm-verify: $(SVSM_VERIFY)
