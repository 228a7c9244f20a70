# SPDX-License-Identifier: MIT
#
# Unit tests of the IGVM library (cmocka, ASan+UBSan): `make test-unit-igvm`
# runs the parser's tests (every malformed header, TLV, order, checksum and
# field) and the launch's (digest against hand-derived values, loader
# callbacks, KVM's VMSA and rules).

include $(SRCDIR)/tools/igvm-build/build.mk

IGVM_TEST_HELPER_SRCS := tests/unit/igvm/igvm_test_files.c \
                         tools/igvm-build/igvm_writer.c
IGVM_PARSE_TEST_SRCS := tests/unit/igvm/test_igvm_parse.c $(IGVM_TEST_HELPER_SRCS)
IGVM_LAUNCH_TEST_SRCS := tests/unit/igvm/test_igvm_launch.c $(IGVM_TEST_HELPER_SRCS)
IGVM_PARSE_TEST_BIN := $(BUILD)/tests/unit/igvm/test-igvm-parse
IGVM_LAUNCH_TEST_BIN := $(BUILD)/tests/unit/igvm/test-igvm-launch

$(call objs,asan,tests/unit/igvm/test_igvm_parse.c tests/unit/igvm/test_igvm_launch.c $(IGVM_TEST_HELPER_SRCS)): \
	EXTRA_CFLAGS += -I$(SRCDIR)/tools/igvm-build
LINT_HOSTED_INCLUDES += $(SRCDIR)/tools/igvm-build $(SRCDIR)/tools/igvm-measure \
	$(SRCDIR)/tests/unit/igvm

$(IGVM_PARSE_TEST_BIN): $(call objs,asan,$(IGVM_PARSE_TEST_SRCS)) $(IGVM_ASAN_LIB)
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(ASAN_FLAGS) -o $@ $^ -lcmocka -lcrypto

$(IGVM_LAUNCH_TEST_BIN): $(call objs,asan,$(IGVM_LAUNCH_TEST_SRCS)) $(IGVM_ASAN_LIB)
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(ASAN_FLAGS) -o $@ $^ -lcmocka -lcrypto

CHECK_TARGETS += test-unit-igvm
HELP += test-unit-igvm|IGVM library: parser errors, launch digest, KVM rules (cmocka)

.PHONY: test-unit-igvm
test-unit-igvm: $(IGVM_PARSE_TEST_BIN) $(IGVM_LAUNCH_TEST_BIN)
	$(Q)$(IGVM_PARSE_TEST_BIN)
	$(Q)$(IGVM_LAUNCH_TEST_BIN)
