# SPDX-License-Identifier: MIT
#
# libFuzzer target over the vTPM and attestation request parsing (clang,
# ASan+UBSan), through the request loop of one simulated machine:
#   make test-fuzz-services   a short run from generated seeds (make check)
#   make fuzz-services        a long run (FUZZ_TIME seconds)
# Both start from the generated seeds (under $(O)) and the tracked corpus
# tests/fuzz-services/corpus (grown by long runs, minimised with -merge=1);
# new inputs go under $(O), never beside the sources.

FUZZ_SVC_OBJS = $(call objs,fuzz,tests/fuzz-services/fuzz_services.c)
FUZZ_SVC_BIN := $(BUILD)/tests/fuzz-services/fuzz-services
FUZZ_SVC_SEEDS := $(BUILD)/tests/fuzz-services/seeds
FUZZ_SVC_RUNS ?= 3000

$(FUZZ_SVC_OBJS): EXTRA_CFLAGS += -I$(SRCDIR)/svsm/sim

$(FUZZ_SVC_BIN): $$(FUZZ_SVC_OBJS) $(FUZZ_LIB)
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(CLANG) -fsanitize=fuzzer,address,undefined -o $@ \
		$(FUZZ_SVC_OBJS) $(FUZZ_LIB) $(SIM_LDLIBS)

$(FUZZ_SVC_SEEDS): $(SRCDIR)/tests/fuzz-services/gen-corpus.py
	$(Q)rm -rf $@ && python3 $< $@

CHECK_TARGETS += test-fuzz-services
HELP += test-fuzz-services|short libFuzzer run over vTPM and attestation parsing
HELP += fuzz-services|long libFuzzer run over vTPM and attestation parsing (FUZZ_TIME)

.PHONY: test-fuzz-services fuzz-services
test-fuzz-services: $(FUZZ_SVC_BIN) $(FUZZ_SVC_SEEDS)
	@rm -rf $(BUILD)/fuzz-services-smoke && mkdir -p $(BUILD)/fuzz-services-smoke
	$(Q)ASAN_OPTIONS=detect_leaks=1 $(FUZZ_SVC_BIN) -runs=$(FUZZ_SVC_RUNS) \
		-max_total_time=30 -seed=1 -max_len=8192 \
		-artifact_prefix=$(BUILD)/fuzz-services-smoke/ \
		$(BUILD)/fuzz-services-smoke $(FUZZ_SVC_SEEDS) \
		$(SRCDIR)/tests/fuzz-services/corpus

fuzz-services: $(FUZZ_SVC_BIN) $(FUZZ_SVC_SEEDS)
	@mkdir -p $(BUILD)/fuzz-services-corpus
	$(Q)$(FUZZ_SVC_BIN) -max_total_time=$(FUZZ_TIME) -max_len=8192 \
		-artifact_prefix=$(BUILD)/fuzz-services-corpus/ \
		$(BUILD)/fuzz-services-corpus $(FUZZ_SVC_SEEDS) \
		$(SRCDIR)/tests/fuzz-services/corpus
