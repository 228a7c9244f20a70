# SPDX-License-Identifier: MIT
#
# Unit tests of the vTPM service (cmocka, ASan+UBSan, real libtpms).

vtpm-test-srcs := tests/vtpm/vtpm_test.c svsm/sim/log.c svsm/core/secrets.c
VTPM_TEST_BIN := $(BUILD)/tests/vtpm/test-vtpm

$(VTPM_TEST_BIN): $$(call objs,asan,$$(svsm-mm-y) $$(svsm-vtpm-y) $$(vtpm-test-srcs))
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(ASAN_FLAGS) $^ -o $@ -lcmocka $(VTPM_LDLIBS) -lpthread

.PHONY: test-vtpm
test-vtpm: $(VTPM_TEST_BIN)
	$(Q)$(VTPM_TEST_BIN)

CHECK_TARGETS += test-vtpm
HELP += test-vtpm|unit tests of the vTPM service over libtpms

# The PSP firmware model, the guest-request channel, the manifest and the
# report verifier (library + svsm-verify command).
psp-test-srcs := tests/vtpm/psp_test.c tools/svsm-verify/verify.c
PSP_TEST_BIN := $(BUILD)/tests/vtpm/test-psp

$(PSP_TEST_BIN): $$(call objs,asan,$$(svsm-psp-y) $$(svsm-attest-y) $$(psp-test-srcs))
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(ASAN_FLAGS) $^ -o $@ -lcmocka -lcrypto

.PHONY: test-psp
test-psp: $(PSP_TEST_BIN) $$(SVSM_VERIFY)
	$(Q)SVSM_VERIFY=$(SVSM_VERIFY) $(PSP_TEST_BIN)

CHECK_TARGETS += test-psp
HELP += test-psp|tests of the PSP model, guest-request channel and svsm-verify

# Benchmark: raw libtpms vs the vTPM service vs swtpm over TCP (ratios).
BENCH_VTPM_BIN := $(BUILD)/tests/vtpm/bench-vtpm
$(BENCH_VTPM_BIN): $$(call objs,hosted,$$(svsm-mm-y) $$(svsm-vtpm-y) tests/vtpm/bench_vtpm.c tests/vtpm/bench_measure.c svsm/sim/tpm2_cmds.c svsm/sim/log.c svsm/core/secrets.c)
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $^ -o $@ $(VTPM_LDLIBS)

# The same commands through the SVSM protocol, as a guest sends them.
BENCH_VTPM_PROTO_BIN := $(BUILD)/tests/vtpm/bench-vtpm-proto
$(BENCH_VTPM_PROTO_BIN): $$(call objs,hosted,tests/vtpm/bench_vtpm_proto.c tests/vtpm/bench_measure.c) $(SIM_LIB)
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $^ -o $@ $(SIM_LDLIBS)

.PHONY: bench-vtpm
bench-vtpm: $(BENCH_VTPM_BIN) $(BENCH_VTPM_PROTO_BIN)
	$(Q)$(BENCH_VTPM_BIN)
	$(Q)$(BENCH_VTPM_PROTO_BIN)

BENCH_TARGETS += bench-vtpm
HELP += bench-vtpm|vTPM commands: protocol and service vs raw libtpms vs swtpm, attestation cost (ratios)

# The TPM command builders live with the harness (svsm/sim/tpm2_cmds.h).
$(call objs,hosted,tests/vtpm/bench_vtpm.c tests/vtpm/bench_vtpm_proto.c tests/vtpm/bench_measure.c): \
	EXTRA_CFLAGS += -I$(SRCDIR)/svsm/sim

# The persistent vTPM store over a modelled disk (cmocka, ASan+UBSan).
store-test-srcs := tests/vtpm/store_test.c svsm/sim/log.c svsm/core/secrets.c
STORE_TEST_BIN := $(BUILD)/tests/vtpm/test-vtpm-store

$(STORE_TEST_BIN): $$(call objs,asan,$$(svsm-mm-y) $$(svsm-vtpm-y) $$(svsm-vtpm-store-y) $$(store-test-srcs))
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(ASAN_FLAGS) $^ -o $@ -lcmocka $(VTPM_LDLIBS) -lpthread

.PHONY: test-vtpm-store
test-vtpm-store: $(STORE_TEST_BIN)
	$(Q)$(STORE_TEST_BIN)

CHECK_TARGETS += test-vtpm-store
HELP += test-vtpm-store|the persistent vTPM store: every write and sync failed then a crash, tampering, truncation, wrong key, delta sizes
