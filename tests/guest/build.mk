# SPDX-License-Identifier: MIT
#
# Guest-side tests: cmocka programs acting as a Linux guest at VMPL2 on
# libsvsm-sim (ASan+UBSan archive), including the fault-injection sweep.

GUEST_TEST_SRCS := tests/guest/main.c tests/guest/guest.c \
		   tests/guest/test_misc.c tests/guest/test_pvalidate.c \
		   tests/guest/test_vcpu.c tests/guest/test_mem.c \
		   tests/guest/test_fault.c tests/guest/test_reboot.c \
		   tests/guest/reboot_state.c
GUEST_TEST_OBJS = $(call objs,asan,$(GUEST_TEST_SRCS))
GUEST_TEST_BIN := $(BUILD)/tests/guest/test-guest

$(GUEST_TEST_OBJS): EXTRA_CFLAGS += -I$(SRCDIR)/svsm/sim

$(GUEST_TEST_BIN): $$(GUEST_TEST_OBJS) $(ASAN_LIB)
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(ASAN_FLAGS) -o $@ $(GUEST_TEST_OBJS) $(ASAN_LIB) \
		-lcmocka $(SIM_LDLIBS)

CHECK_TARGETS += test-guest
HELP += test-guest|guest-side protocol tests on libsvsm-sim, fault-injection sweep

.PHONY: test-guest
test-guest: $(GUEST_TEST_BIN)
	$(Q)ASAN_OPTIONS=detect_leaks=1 $(GUEST_TEST_BIN)
LINT_HOSTED_INCLUDES += $(SRCDIR)/svsm/sim

CHECK_TARGETS += test-sim-console
HELP += test-sim-console|bats tests of the svsm-sim guest console

.PHONY: test-sim-console
test-sim-console: $(SIM_CONSOLE)
	$(Q)SVSM_SIM=$(SIM_CONSOLE) bats $(SRCDIR)/tests/guest/console.bats
