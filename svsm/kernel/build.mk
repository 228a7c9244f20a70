# SPDX-License-Identifier: MIT
#
# svsm/kernel: the freestanding SVSM kernel image and its QEMU targets.
#
#   $(BUILD)/svsm.elf       the kernel (PVH ELF, linked in the upper half)
#   $(BUILD)/svsm-test.elf  the same kernel plus the in-kernel tests
#
# Both link every file of svsm-common-y and svsm-kernel-y; only the test
# runner differs (ktest_stub.c or ktest.c + tests/*.c).

KERNEL_ELF := $(BUILD)/svsm.elf
KERNEL_TEST_ELF := $(BUILD)/svsm-test.elf
KERNEL_LDS := $(SRCDIR)/svsm/arch/x86/kernel.ld
KERNEL_GEN := $(BUILD)/kernel/include
KERNEL_VERSION_H := $(KERNEL_GEN)/generated/version.h
KERNEL_QEMU := $(SRCDIR)/svsm/kernel/qemu.sh
# --no-relax: libtpms.a's GOT loads cannot all be relaxed to absolute
# addresses in the upper half; the linker keeps a small .got instead.
KERNEL_LDFLAGS := -nostdlib -static -z max-page-size=4096 -z noexecstack \
                  --no-warn-rwx-segments --no-relax -T $(KERNEL_LDS)
# Debian's static libtpms and OpenSSL, through the shim in svsm/lib/tpm/.
KERNEL_LIBDIR := /usr/lib/x86_64-linux-gnu
KERNEL_LDLIBS := $(KERNEL_LIBDIR)/libtpms.a $(KERNEL_LIBDIR)/libcrypto.a

# QEMU knobs: `make run-native SMP=2 KERNEL_APPEND="loglevel=4 poweroff"`
# (SMP also counts the vCPUs of `make run`, snp-emu/build.mk).
SMP ?= 4
KERNEL_APPEND ?=
TEST_TIMEOUT ?= 110

svsm-kernel-y += svsm/kernel/main.c svsm/kernel/console.c svsm/kernel/log.c \
                 svsm/kernel/panic.c svsm/kernel/bootinfo.c \
                 svsm/kernel/acpi.c svsm/kernel/platform.c \
                 svsm/kernel/sched.c svsm/kernel/ksyms.c svsm/kernel/tpm.c \
                 svsm/kernel/snp.c svsm/kernel/snp_boot.c \
                 svsm/kernel/snp_relaunch.c \
                 svsm/kernel/vc_decode.c svsm/kernel/services.c
# The vTPM and the attestation channel, from the same sources as the
# hosted build; their <libtpms/...> and <openssl/...> headers come from the
# system (they compile freestanding given the kernel's <stdio.h> FILE).
kernel-tpm-y := svsm/vtpm/vtpm.c svsm/vtpm/ek.c svsm/vtpm/nv_mem.c \
                svsm/attest/greq.c svsm/vtpm/protocol.c svsm/attest/protocol.c
svsm-kernel-y += $(kernel-tpm-y)
KERNEL_SYSINC := -isystem /usr/include/x86_64-linux-gnu -isystem /usr/include
$(call objs,kernel,$(kernel-tpm-y) svsm/kernel/tests/test_vtpm.c): \
	EXTRA_CFLAGS += $(KERNEL_SYSINC)
kernel-normal-y := svsm/kernel/ktest_stub.c
kernel-test-y := svsm/kernel/ktest.c \
                 $(patsubst $(SRCDIR)/%,%,$(sort $(wildcard $(SRCDIR)/svsm/kernel/tests/*.c)))

# Keep the tests in source order in section .ktests.
$(BUILD)/kernel/svsm/kernel/tests/%.o: EXTRA_CFLAGS += -fno-toplevel-reorder

$(KERNEL_VERSION_H): $(SRCDIR)/release/VERSION
	$(call msg,GEN,$@)
	@mkdir -p $(@D)
	$(Q)printf '/* Generated from release/VERSION. */\n#define SVSM_VERSION "%s"\n' \
		"$$(cat $<)" > $@.tmp && mv $@.tmp $@

$(BUILD)/kernel/svsm/kernel/main.o $(BUILD)/kernel/svsm/kernel/snp.o: $(KERNEL_VERSION_H)
$(BUILD)/kernel/svsm/kernel/main.o $(BUILD)/kernel/svsm/kernel/snp.o: \
	EXTRA_CFLAGS += -I$(KERNEL_GEN)

# Each image is linked twice: first with an empty symbol table, then with
# the table of the first link's text symbols (the table is read-only data
# after .text, so no code moves; the recipe checks that).
KERNEL_GEN_KSYMS := $(SRCDIR)/svsm/kernel/gen-ksyms.sh
kernel-objs = $(call objs,kernel,$(svsm-common-y) $(svsm-kernel-y) $(1) $(kernel-extra-y))

$(BUILD)/kernel/ksyms-empty.S: $(KERNEL_GEN_KSYMS)
	$(call msg,GEN,$@)
	@mkdir -p $(@D)
	$(Q)$(KERNEL_GEN_KSYMS) > $@

$(BUILD)/kernel/ksyms-empty.o: $(BUILD)/kernel/ksyms-empty.S
	$(call msg,AS-KERN,$@)
	$(Q)$(CC) $(KERNEL_ASFLAGS) -c $< -o $@

# kernel-link: OUT, PREREQUISITES
kernel-link-objs = $(filter-out $(BUILD)/kernel/ksyms-empty.o,$(filter %.o,$(1)))
define kernel-link
	$(call msg,LD,$(1))
	$(Q)$(LD) $(KERNEL_LDFLAGS) -o $(1).pre $(call kernel-link-objs,$(2)) \
		$(BUILD)/kernel/ksyms-empty.o $(KERNEL_LDLIBS)
	$(Q)$(KERNEL_GEN_KSYMS) $(1).pre > $(BUILD)/kernel/$(notdir $(1)).ksyms.S
	$(Q)$(CC) $(KERNEL_ASFLAGS) -c $(BUILD)/kernel/$(notdir $(1)).ksyms.S \
		-o $(BUILD)/kernel/$(notdir $(1)).ksyms.o
	$(Q)$(LD) $(KERNEL_LDFLAGS) -o $(1) $(call kernel-link-objs,$(2)) \
		$(BUILD)/kernel/$(notdir $(1)).ksyms.o $(KERNEL_LDLIBS)
	$(Q)$(KERNEL_GEN_KSYMS) $(1) | \
		cmp -s - $(BUILD)/kernel/$(notdir $(1)).ksyms.S || \
		{ echo "$(1): code moved between links" >&2; rm -f $(1); exit 1; }
	$(Q)rm -f $(1).pre
endef

$(KERNEL_ELF): $$(call kernel-objs,$$(kernel-normal-y)) $(KERNEL_LDS) \
		$(BUILD)/kernel/ksyms-empty.o $(KERNEL_GEN_KSYMS) \
		$(SRCDIR)/svsm/kernel/build.mk
	$(call kernel-link,$@,$^)

$(KERNEL_TEST_ELF): $$(call kernel-objs,$$(kernel-test-y)) $(KERNEL_LDS) \
		$(BUILD)/kernel/ksyms-empty.o $(KERNEL_GEN_KSYMS) \
		$(SRCDIR)/svsm/kernel/build.mk
	$(call kernel-link,$@,$^)

ALL_TARGETS += $(KERNEL_ELF)
CHECK_TARGETS += test-in-svsm
HELP += kernel|build the SVSM kernel image ($(O)/svsm.elf)
HELP += run-native|boot the kernel natively in QEMU (PVH), serial on this terminal (Ctrl-A X quits)
HELP += test-in-svsm|boot the test kernel with 4 vCPUs and run the in-kernel tests

.PHONY: kernel run-native test-in-svsm
kernel: $(KERNEL_ELF)

run-native: deps $(KERNEL_ELF)
	$(Q)$(KERNEL_QEMU) --smp $(SMP) --append "$(KERNEL_APPEND)" $(KERNEL_ELF)

test-in-svsm: $(KERNEL_TEST_ELF)
	$(Q)$(KERNEL_QEMU) --test --smp 4 --timeout $(TEST_TIMEOUT) \
		--append "$(KERNEL_APPEND)" $(KERNEL_TEST_ELF)
