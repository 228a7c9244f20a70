# SPDX-License-Identifier: MIT
#
# libFuzzer target over the KBS client's hostile input (clang, ASan+UBSan):
#   make test-fuzz-kbs   a short run over the seed corpus (in `make check`)
#   make fuzz-kbs        a long run (FUZZ_TIME seconds, default 600)
# The seeds are written by tests/fuzz-kbs/gen-corpus.py into $(O); both
# runs also start from the tracked corpus tests/fuzz-kbs/corpus (grown by
# long runs, minimised with -merge=1). New inputs of a run go to
# $(O)/fuzz-kbs-corpus, never beside the sources.

FUZZ_KBS_SRCS := tests/fuzz-kbs/fuzz_kbs.c
FUZZ_KBS_OBJS = $(call objs,fuzz,$(FUZZ_KBS_SRCS))
FUZZ_KBS_BIN := $(BUILD)/tests/fuzz-kbs/fuzz-kbs
FUZZ_KBS_SEEDS := $(BUILD)/fuzz-kbs/seeds
FUZZ_KBS_CORPUS := $(SRCDIR)/tests/fuzz-kbs/corpus

$(FUZZ_KBS_OBJS): EXTRA_CFLAGS += -I$(SRCDIR)/svsm

$(FUZZ_KBS_BIN): $$(FUZZ_KBS_OBJS) $(FUZZ_LIB)
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(CLANG) -fsanitize=fuzzer,address,undefined -o $@ $(FUZZ_KBS_OBJS) \
		$(FUZZ_LIB) $(SIM_LDLIBS)

CHECK_TARGETS += test-fuzz-kbs
HELP += test-fuzz-kbs|short libFuzzer run over the KBS client's input (JSON, JWE, frames, flow)
HELP += fuzz-kbs|long libFuzzer run over the KBS client's input (FUZZ_TIME=600 s)

.PHONY: test-fuzz-kbs fuzz-kbs
test-fuzz-kbs: $(FUZZ_KBS_BIN)
	@rm -rf $(BUILD)/fuzz-kbs && mkdir -p $(BUILD)/fuzz-kbs/new
	$(Q)python3 $(SRCDIR)/tests/fuzz-kbs/gen-corpus.py $(FUZZ_KBS_SEEDS)
	$(Q)ASAN_OPTIONS=detect_leaks=1 $(FUZZ_KBS_BIN) -runs=$(FUZZ_SMOKE_RUNS) \
		-max_total_time=$(FUZZ_SMOKE_TIME) -seed=1 -max_len=4096 \
		-artifact_prefix=$(BUILD)/fuzz-kbs/ \
		$(BUILD)/fuzz-kbs/new $(FUZZ_KBS_SEEDS) $(FUZZ_KBS_CORPUS)

fuzz-kbs: $(FUZZ_KBS_BIN)
	@mkdir -p $(BUILD)/fuzz-kbs-corpus $(FUZZ_KBS_SEEDS)
	$(Q)python3 $(SRCDIR)/tests/fuzz-kbs/gen-corpus.py $(FUZZ_KBS_SEEDS)
	$(Q)$(FUZZ_KBS_BIN) -max_total_time=$(FUZZ_TIME) -max_len=65536 \
		-artifact_prefix=$(BUILD)/fuzz-kbs-corpus/ \
		$(BUILD)/fuzz-kbs-corpus $(FUZZ_KBS_SEEDS) $(FUZZ_KBS_CORPUS)
