# SPDX-License-Identifier: MIT
#
# Unit tests of the SVSM's KBS client (cmocka, ASan+UBSan): `make
# test-unit-kbs`. tests/unit/kbs/vectors.h comes from gen-vectors.py
# (Python's cryptography module), independent of the C under test.

KBS_UNIT_SRCS := tests/unit/kbs/test_kbs.c
KBS_UNIT_OBJS = $(call objs,asan,$(KBS_UNIT_SRCS))
KBS_UNIT_BIN := $(BUILD)/tests/unit/kbs/test-kbs

$(KBS_UNIT_OBJS): EXTRA_CFLAGS += -I$(SRCDIR)/svsm -I$(SRCDIR)/tests/unit/kbs
LINT_HOSTED_INCLUDES += $(SRCDIR)/svsm $(SRCDIR)/tests/unit/kbs

$(KBS_UNIT_BIN): $$(KBS_UNIT_OBJS) $(ASAN_LIB)
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(ASAN_FLAGS) -o $@ $(KBS_UNIT_OBJS) $(ASAN_LIB) \
		-lcmocka $(SIM_LDLIBS)

CHECK_TARGETS += test-unit-kbs
HELP += test-unit-kbs|KBS client: JSON, base64url, Concat KDF, JWE vectors, flow failures (cmocka)

.PHONY: test-unit-kbs
test-unit-kbs: $(KBS_UNIT_BIN)
	$(Q)ASAN_OPTIONS=detect_leaks=1 $(KBS_UNIT_BIN)
