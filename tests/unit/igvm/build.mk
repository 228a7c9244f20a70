# SPDX-License-Identifier: MIT
#
# Unit tests of the IGVM library (cmocka, ASan+UBSan): `make test-unit-igvm`
# runs the parser's tests (every malformed header, TLV, order, checksum and
# field) and the launch's (digest against hand-derived values, loader
# callbacks, KVM's VMSA and rules) and the builder's (images checked with
# the library; OVMF's SEV metadata against Debian's OVMF.fd).

include $(SRCDIR)/tools/igvm-build/build.mk

IGVM_TEST_HELPER_SRCS := tests/unit/igvm/igvm_test_files.c \
                         tools/igvm-build/igvm_writer.c
IGVM_PARSE_TEST_SRCS := tests/unit/igvm/test_igvm_parse.c $(IGVM_TEST_HELPER_SRCS)
IGVM_LAUNCH_TEST_SRCS := tests/unit/igvm/test_igvm_launch.c $(IGVM_TEST_HELPER_SRCS)
IGVM_BUILD_TEST_SRCS := tests/unit/igvm/test_igvm_build.c \
                        tools/igvm-build/builder.c tools/igvm-build/elf_image.c \
                        tools/igvm-build/ovmf_metadata.c $(IGVM_TOOL_SRCS)
IGVM_ID_TEST_SRCS := tests/unit/igvm/test_igvm_id_block.c \
                     tools/igvm-measure/id_block.c $(IGVM_TEST_HELPER_SRCS)
IGVM_PARSE_TEST_BIN := $(BUILD)/tests/unit/igvm/test-igvm-parse
IGVM_LAUNCH_TEST_BIN := $(BUILD)/tests/unit/igvm/test-igvm-launch
IGVM_BUILD_TEST_BIN := $(BUILD)/tests/unit/igvm/test-igvm-build
IGVM_ID_TEST_BIN := $(BUILD)/tests/unit/igvm/test-igvm-id-block
IGVM_UNIT_BINS := $(IGVM_PARSE_TEST_BIN) $(IGVM_LAUNCH_TEST_BIN) \
                  $(IGVM_BUILD_TEST_BIN) $(IGVM_ID_TEST_BIN)

$(call objs,asan,$(sort $(IGVM_PARSE_TEST_SRCS) $(IGVM_LAUNCH_TEST_SRCS) \
	$(IGVM_BUILD_TEST_SRCS) $(IGVM_ID_TEST_SRCS))): EXTRA_CFLAGS += $(IGVM_TOOL_INC)
LINT_HOSTED_INCLUDES += $(SRCDIR)/tools/igvm-build $(SRCDIR)/tools/igvm-measure \
	$(SRCDIR)/tests/unit/igvm

# igvm-unit-test: NAME (IGVM_<NAME>_SRCS -> IGVM_<NAME>_BIN)
define igvm-unit-test
$$(IGVM_$(1)_BIN): $$(call objs,asan,$$(IGVM_$(1)_SRCS)) $$(IGVM_ASAN_LIB)
	$$(call msg,LD,$$@)
	@mkdir -p $$(@D)
	$$(Q)$$(HOSTCC) $$(ASAN_FLAGS) -o $$@ $$^ -lcmocka -lcrypto
endef
$(foreach t,PARSE_TEST LAUNCH_TEST BUILD_TEST ID_TEST,$(eval $(call igvm-unit-test,$(t))))

CHECK_TARGETS += test-unit-igvm
HELP += test-unit-igvm|IGVM library, builder and OVMF metadata: parser errors, digest, KVM rules (cmocka)

.PHONY: test-unit-igvm
test-unit-igvm: $(IGVM_UNIT_BINS)
	$(Q)set -e; for t in $(IGVM_UNIT_BINS); do $$t; done
