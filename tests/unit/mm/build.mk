# SPDX-License-Identifier: MIT
#
# Unit tests (cmocka, ASan+UBSan) and the benchmark of svsm/mm.

ifndef mm-tests-included
mm-tests-included := 1

mm-test-srcs := tests/unit/mm/test_support.c tests/unit/mm/test_page_alloc.c \
                tests/unit/mm/test_slab.c tests/unit/mm/test_kmalloc.c \
                tests/unit/mm/test_fault.c tests/unit/mm/test_stress.c \
                tests/unit/mm/test_main.c
MM_TEST_BIN := $(BUILD)/tests/unit/mm/test-mm
MM_BENCH_BIN := $(BUILD)/tests/unit/mm/bench-mm

$(MM_TEST_BIN): $(call objs,asan,$(svsm-mm-y) $(mm-test-srcs))
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(ASAN_FLAGS) $^ -o $@ -lcmocka -lpthread

$(MM_BENCH_BIN): $(call objs,hosted,$(svsm-mm-y) tests/unit/mm/bench_mm.c)
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $^ -o $@

# libFuzzer target (clang): a short deterministic smoke run in `make check`;
# `make fuzz-mm FUZZ_MM_ARGS=-max_total_time=600` fuzzes for longer. Both
# start from the tracked corpus (tests/unit/mm/corpus, grown by long runs and
# minimised with -merge=1); new inputs go to $(BUILD)/fuzz-mm-corpus.
# -entropic=0: an input is up to 2000 operations, so each execution has
# thousands of features, and libFuzzer's entropic schedule spent 60% of the
# time updating their frequencies (4x fewer executions per second).
MM_FUZZ_BIN := $(BUILD)/tests/unit/mm/fuzz-mm
FUZZ_MM_ARGS ?= -runs=2000 -seed=1

$(MM_FUZZ_BIN): $(call objs,fuzz,$(svsm-mm-y) tests/unit/mm/fuzz_mm.c)
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(CLANG) -fsanitize=fuzzer,address,undefined $^ -o $@

.PHONY: test-unit-mm bench-mm test-fuzz-mm fuzz-mm
test-unit-mm: $(MM_TEST_BIN)
	$(Q)$(MM_TEST_BIN)

bench-mm: $(MM_BENCH_BIN)
	$(Q)$(MM_BENCH_BIN)

test-fuzz-mm fuzz-mm: $(MM_FUZZ_BIN)
	@mkdir -p $(BUILD)/fuzz-mm-corpus
	$(Q)$(MM_FUZZ_BIN) -max_len=600 -len_control=0 -entropic=0 -artifact_prefix=$(dir $(MM_FUZZ_BIN)) $(FUZZ_MM_ARGS) \
		$(BUILD)/fuzz-mm-corpus $(SRCDIR)/tests/unit/mm/corpus

CHECK_TARGETS += test-unit-mm test-fuzz-mm
BENCH_TARGETS += bench-mm
HELP += test-unit-mm|unit tests of the page allocator, slab caches and kmalloc
HELP += test-fuzz-mm|short libFuzzer smoke run over allocator operation sequences
HELP += fuzz-mm|fuzz the allocator (FUZZ_MM_ARGS=libFuzzer options)
HELP += bench-mm|kmalloc/page_alloc cost as a ratio to glibc malloc

endif
