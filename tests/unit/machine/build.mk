# SPDX-License-Identifier: MIT
#
# Unit tests of the software SNP machine (cmocka, ASan+UBSan): `make
# test-unit-machine`. Linked with the ASan archive, -lcmocka and -lcrypto.

ifndef TESTS_UNIT_MACHINE_MK
TESTS_UNIT_MACHINE_MK := 1

MACHINE_TEST_SRCS := tests/unit/machine/test_main.c \
		     tests/unit/machine/test_rmp.c \
		     tests/unit/machine/test_psp.c \
		     tests/unit/machine/test_hv.c \
		     tests/unit/machine/test_fiber.c \
		     tests/unit/machine/test_cpu.c
MACHINE_TEST_OBJS = $(call objs,asan,$(MACHINE_TEST_SRCS))
MACHINE_TEST_BIN := $(BUILD)/tests/unit/machine/test-machine

$(MACHINE_TEST_OBJS): EXTRA_CFLAGS += -I$(SRCDIR)/svsm/sim/machine

$(MACHINE_TEST_BIN): $$(MACHINE_TEST_OBJS) $(ASAN_LIB)
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(ASAN_FLAGS) -o $@ $(MACHINE_TEST_OBJS) $(ASAN_LIB) \
		-lcmocka -lcrypto

CHECK_TARGETS += test-unit-machine
HELP += test-unit-machine|software SNP machine: RMP, PSP, hypervisor, fibers (cmocka)

.PHONY: test-unit-machine
test-unit-machine: $(MACHINE_TEST_BIN)
	$(Q)$(MACHINE_TEST_BIN)

endif
