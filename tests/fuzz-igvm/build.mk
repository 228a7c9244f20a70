# SPDX-License-Identifier: MIT
#
# libFuzzer target over the IGVM library's parser and launch (clang,
# ASan+UBSan): the IGVM file is host-controlled input.
#   make test-fuzz-igvm   a short run from generated seeds (in `make check`)
#   make fuzz-igvm        a long run (FUZZ_TIME seconds)
# Both start from the generated seeds and the tracked corpus
# tests/fuzz-igvm/corpus (grown by long runs, minimised with -merge=1);
# seeds and new inputs live under $(O), never beside the sources.

include $(SRCDIR)/svsm/igvm/build.mk

FUZZ_IGVM_OBJS = $(call objs,fuzz,tests/fuzz-igvm/fuzz_igvm.c)
FUZZ_IGVM_BIN := $(BUILD)/tests/fuzz-igvm/fuzz-igvm
FUZZ_IGVM_SEEDS := $(BUILD)/tests/fuzz-igvm/seeds
FUZZ_IGVM_RUNS ?= 200000
FUZZ_IGVM_CORPUS := $(SRCDIR)/tests/fuzz-igvm/corpus

$(FUZZ_IGVM_BIN): $$(FUZZ_IGVM_OBJS) $(IGVM_FUZZ_LIB)
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(CLANG) -fsanitize=fuzzer,address,undefined -o $@ \
		$(FUZZ_IGVM_OBJS) $(IGVM_FUZZ_LIB) -lcrypto

$(FUZZ_IGVM_SEEDS): $(SRCDIR)/tests/fuzz-igvm/gen-corpus.py
	$(Q)rm -rf $@ && python3 $< $@

CHECK_TARGETS += test-fuzz-igvm
HELP += test-fuzz-igvm|short libFuzzer run over the IGVM parser and launch
HELP += fuzz-igvm|long libFuzzer run over the IGVM parser and launch (FUZZ_TIME)

.PHONY: test-fuzz-igvm fuzz-igvm
test-fuzz-igvm: $(FUZZ_IGVM_BIN) $(FUZZ_IGVM_SEEDS)
	@rm -rf $(BUILD)/fuzz-igvm-smoke && mkdir -p $(BUILD)/fuzz-igvm-smoke
	$(Q)ASAN_OPTIONS=detect_leaks=1 $(FUZZ_IGVM_BIN) -runs=$(FUZZ_IGVM_RUNS) \
		-max_total_time=20 -seed=1 -max_len=16384 \
		-artifact_prefix=$(BUILD)/fuzz-igvm-smoke/ \
		$(BUILD)/fuzz-igvm-smoke $(FUZZ_IGVM_SEEDS) $(FUZZ_IGVM_CORPUS)

fuzz-igvm: $(FUZZ_IGVM_BIN) $(FUZZ_IGVM_SEEDS)
	@mkdir -p $(BUILD)/fuzz-igvm-corpus
	$(Q)$(FUZZ_IGVM_BIN) -max_total_time=$(FUZZ_TIME) -max_len=16384 \
		-artifact_prefix=$(BUILD)/fuzz-igvm-corpus/ \
		$(BUILD)/fuzz-igvm-corpus $(FUZZ_IGVM_SEEDS) $(FUZZ_IGVM_CORPUS)
