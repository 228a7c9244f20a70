# SPDX-License-Identifier: MIT
#
# libFuzzer target over the SVSM's request loop (clang, ASan+UBSan):
#   make test-fuzz-smoke   a short run over the seed corpus (in `make check`)
#   make fuzz              a long run (FUZZ_TIME seconds, default 600)
# The corpus (tests/fuzz/corpus) holds the seeds tests/fuzz/gen-corpus.py
# writes and what long runs found, merged in with -merge=1; new inputs of a
# run go to $(O)/fuzz-corpus, never beside the sources. `make bench-fuzz`
# times this fuzzer and fuzz-services (tests/fuzz-services/build.mk).

FUZZ_SRCS := tests/fuzz/fuzz_request.c
FUZZ_OBJS = $(call objs,fuzz,$(FUZZ_SRCS))
FUZZ_BIN := $(BUILD)/tests/fuzz/fuzz-request
FUZZ_TIME ?= 600
FUZZ_SMOKE_RUNS ?= 20000
FUZZ_SMOKE_TIME ?= 30

$(FUZZ_OBJS): EXTRA_CFLAGS += -I$(SRCDIR)/svsm/sim

$(FUZZ_BIN): $$(FUZZ_OBJS) $(FUZZ_LIB)
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(CLANG) -fsanitize=fuzzer,address,undefined -o $@ $(FUZZ_OBJS) \
		$(FUZZ_LIB) $(SIM_LDLIBS)

CHECK_TARGETS += test-fuzz-smoke
BENCH_TARGETS += bench-fuzz
HELP += test-fuzz-smoke|short libFuzzer run over the request loop (seed corpus)
HELP += bench-fuzz|request-loop and services fuzzers: execs/s, an exec vs an empty-input exec (ratio)
HELP += fuzz|long libFuzzer run over the request loop (FUZZ_TIME=600 s)

.PHONY: test-fuzz-smoke fuzz bench-fuzz
bench-fuzz: $(FUZZ_BIN) $$(FUZZ_SVC_BIN) $$(FUZZ_SVC_SEEDS)
	$(Q)$(SRCDIR)/tests/fuzz/bench-fuzz fuzz $(FUZZ_BIN) \
		$(BUILD)/bench-fuzz 3300 boot-only 2000 $(SRCDIR)/tests/fuzz/corpus
	$(Q)$(SRCDIR)/tests/fuzz/bench-fuzz fuzz-services $(FUZZ_SVC_BIN) \
		$(BUILD)/bench-fuzz-services 8192 one-call 20000 \
		$(FUZZ_SVC_SEEDS) $(SRCDIR)/tests/fuzz-services/corpus

test-fuzz-smoke: $(FUZZ_BIN)
	@rm -rf $(BUILD)/fuzz-smoke && mkdir -p $(BUILD)/fuzz-smoke
	$(Q)ASAN_OPTIONS=detect_leaks=1 $(FUZZ_BIN) -runs=$(FUZZ_SMOKE_RUNS) \
		-max_total_time=$(FUZZ_SMOKE_TIME) -seed=1 -max_len=3300 \
		-artifact_prefix=$(BUILD)/fuzz-smoke/ \
		$(BUILD)/fuzz-smoke $(SRCDIR)/tests/fuzz/corpus

fuzz: $(FUZZ_BIN)
	@mkdir -p $(BUILD)/fuzz-corpus
	$(Q)$(FUZZ_BIN) -max_total_time=$(FUZZ_TIME) -max_len=3300 \
		-artifact_prefix=$(BUILD)/fuzz-corpus/ \
		$(BUILD)/fuzz-corpus $(SRCDIR)/tests/fuzz/corpus
