# SPDX-License-Identifier: MIT
#
# Guest-side tests of the vTPM and attestation protocols on libsvsm-sim
# (ASan+UBSan): TPM 2.0 commands framed as Linux's tpm_svsm driver does,
# quotes and attestation reports verified with OpenSSL.

GUEST_VTPM_SRCS := tests/guest-vtpm/vtpm_attest_test.c tests/guest/guest.c \
		   tools/svsm-verify/verify.c
GUEST_VTPM_OBJS = $(call objs,asan,$(GUEST_VTPM_SRCS))
GUEST_VTPM_BIN := $(BUILD)/tests/guest-vtpm/test-guest-vtpm

$(GUEST_VTPM_OBJS): EXTRA_CFLAGS += -I$(SRCDIR)/svsm/sim

$(GUEST_VTPM_BIN): $$(GUEST_VTPM_OBJS) $(ASAN_LIB)
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(ASAN_FLAGS) -o $@ $(GUEST_VTPM_OBJS) $(ASAN_LIB) \
		-lcmocka $(SIM_LDLIBS)

CHECK_TARGETS += test-guest-vtpm
HELP += test-guest-vtpm|guest-side vTPM and attestation tests, verified with OpenSSL

.PHONY: test-guest-vtpm
test-guest-vtpm: $(GUEST_VTPM_BIN)
	$(Q)ASAN_OPTIONS=detect_leaks=1 $(GUEST_VTPM_BIN)

CHECK_TARGETS += test-sim-console-services
HELP += test-sim-console-services|bats tests of svsm-sim's tpm and attest commands with svsm-verify

.PHONY: test-sim-console-services
test-sim-console-services: $$(SIM_CONSOLE) $$(SVSM_VERIFY)
	$(Q)SVSM_SIM=$(SIM_CONSOLE) SVSM_VERIFY=$(SVSM_VERIFY) \
		bats $(SRCDIR)/tests/guest-vtpm/console.bats
