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

.PHONY: test-unit-mm bench-mm
test-unit-mm: $(MM_TEST_BIN)
	$(Q)$(MM_TEST_BIN)

bench-mm: $(MM_BENCH_BIN)
	$(Q)$(MM_BENCH_BIN)

CHECK_TARGETS += test-unit-mm
BENCH_TARGETS += bench-mm
HELP += test-unit-mm|unit tests of the page allocator, slab caches and kmalloc
HELP += bench-mm|kmalloc/page_alloc cost as a ratio to glibc malloc

endif
