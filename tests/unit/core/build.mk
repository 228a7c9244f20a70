# SPDX-License-Identifier: MIT
#
# Unit tests of the SVSM's decoders and pure helpers (cmocka, ASan+UBSan):
# `make test-unit-core`. Guarded against a second read.

ifndef TESTS_UNIT_CORE_MK
TESTS_UNIT_CORE_MK := 1

CORE_UNIT_SRCS := tests/unit/core/test_core.c
CORE_UNIT_OBJS = $(call objs,asan,$(CORE_UNIT_SRCS))
CORE_UNIT_BIN := $(BUILD)/tests/unit/core/test-core

$(CORE_UNIT_OBJS): EXTRA_CFLAGS += -I$(SRCDIR)/svsm
LINT_HOSTED_INCLUDES += $(SRCDIR)/svsm

$(CORE_UNIT_BIN): $$(CORE_UNIT_OBJS) $(ASAN_LIB)
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(ASAN_FLAGS) -o $@ $(CORE_UNIT_OBJS) $(ASAN_LIB) \
		-lcmocka $(SIM_LDLIBS)

CHECK_TARGETS += test-unit-core
HELP += test-unit-core|SVSM decoders: call and list decoding, dispatch (cmocka)

.PHONY: test-unit-core
test-unit-core: $(CORE_UNIT_BIN)
	$(Q)$(CORE_UNIT_BIN)

endif
