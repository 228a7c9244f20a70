# SPDX-License-Identifier: MIT
#
# Unit tests of the software SNP machine (cmocka, ASan+UBSan): `make
# test-unit-machine`. Linked with the ASan archive, -lcmocka and -lcrypto.
# `make bench-machine` times VMPL round trips in the optimised build
# (libsvsm-sim.a, -lcrypto) against an in-run reference.

MACHINE_TEST_SRCS := tests/unit/machine/test_main.c \
		     tests/unit/machine/test_rmp.c \
		     tests/unit/machine/test_psp.c \
		     tests/unit/machine/test_memory.c \
		     tests/unit/machine/test_hv.c \
		     tests/unit/machine/test_fiber.c \
		     tests/unit/machine/test_cpu.c
MACHINE_TEST_OBJS = $(call objs,asan,$(MACHINE_TEST_SRCS))
MACHINE_TEST_BIN := $(BUILD)/tests/unit/machine/test-machine

MACHINE_BENCH_OBJS = $(call objs,hosted,tests/unit/machine/bench_machine.c)
MACHINE_BENCH_BIN := $(BUILD)/tests/unit/machine/bench-machine

$(MACHINE_TEST_OBJS) $(MACHINE_BENCH_OBJS): EXTRA_CFLAGS += \
	-I$(SRCDIR)/svsm/sim/machine

$(MACHINE_TEST_BIN): $$(MACHINE_TEST_OBJS) $(ASAN_LIB)
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(ASAN_FLAGS) -o $@ $(MACHINE_TEST_OBJS) $(ASAN_LIB) \
		-lcmocka $(MACHINE_LDLIBS)

$(MACHINE_BENCH_BIN): $$(MACHINE_BENCH_OBJS) $(SIM_LIB)
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) -o $@ $(MACHINE_BENCH_OBJS) $(SIM_LIB) $(MACHINE_LDLIBS)

CHECK_TARGETS += test-unit-machine
BENCH_TARGETS += bench-machine
HELP += test-unit-machine|software SNP machine: RMP, PSP, memory, hypervisor, fibers (cmocka)
HELP += bench-machine|software SNP machine: VMPL round trips against an in-run reference

.PHONY: test-unit-machine bench-machine
# Fake stacks on: a fiber switch that kept a pointer into the fake stack
# ASan frees when a fiber dies crashed only with them (fiber.c).
test-unit-machine: $(MACHINE_TEST_BIN)
	$(Q)ASAN_OPTIONS=detect_stack_use_after_return=1 $(MACHINE_TEST_BIN)

bench-machine: $(MACHINE_BENCH_BIN)
	$(Q)$(MACHINE_BENCH_BIN)
