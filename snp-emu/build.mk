# SPDX-License-Identifier: MIT
#
# snp-emu: the L1 hypervisor that runs an IGVM file as an SEV-SNP VM under
# QEMU TCG's nested SVM (see snp-emu/README.md). Its own build flavour,
# `emu`: freestanding like the kernel, linked low (identity-mapped at
# 1 MiB), objects under $(BUILD)/emu/.
#
#   $(BUILD)/snp-emu.elf   the emulator (PVH ELF)
#
# It links the software SNP machine's model (svsm/sim/machine, svsm/sim/psp:
# one model, two front ends), the kernel's small libc (svsm/lib), and
# Debian's static libcrypto through the kernel's libc shim (svsm/lib/tpm).

EMU_ELF := $(BUILD)/snp-emu.elf
EMU_LDS := $(SRCDIR)/snp-emu/link.ld
EMU_QEMU := $(SRCDIR)/snp-emu/run.sh
EMU_CFLAGS := $(filter-out -mcmodel=kernel -DSVSM_KERNEL=1,$(KERNEL_CFLAGS)) \
              -mcmodel=small -DSVSM_SNP_EMU=1 -I$(SRCDIR)/svsm/sim/machine
EMU_ASFLAGS := $(filter-out -Wstrict-prototypes -Wmissing-prototypes,$(EMU_CFLAGS)) \
               -D__ASSEMBLY__
EMU_LDFLAGS := -nostdlib -static -z max-page-size=4096 -z noexecstack \
               --no-warn-rwx-segments -T $(EMU_LDS)
EMU_LDLIBS = $(KERNEL_LIBDIR)/libcrypto.a

emu-y := snp-emu/boot.S snp-emu/trap_entry.S snp-emu/main.c \
         snp-emu/console.c snp-emu/traps.c snp-emu/smp.c \
         snp-emu/vm.c
# Shared with the kernel: the libc, time, and the shim libcrypto needs.
emu-lib-y := svsm/lib/string.c svsm/lib/printf.c svsm/arch/x86/time.c

$(BUILD)/emu/%.o: $(SRCDIR)/%.c
	$(call msg,CC-EMU,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(EMU_CFLAGS) $(EXTRA_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/emu/%.o: $(SRCDIR)/%.S
	$(call msg,AS-EMU,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(EMU_ASFLAGS) $(EXTRA_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/emu/svsm/lib/%.o: EXTRA_CFLAGS += -fno-tree-loop-distribute-patterns

EMU_OBJS = $(call objs,emu,$(emu-y) $(emu-lib-y))

$(EMU_ELF): $$(EMU_OBJS) $(EMU_LDS) $(SRCDIR)/snp-emu/build.mk
	$(call msg,LD,$@)
	$(Q)$(LD) $(EMU_LDFLAGS) -o $@ $(EMU_OBJS) $(EMU_LDLIBS)

-include $(shell find $(BUILD)/emu -name '*.d' 2>/dev/null)

ALL_TARGETS += $(EMU_ELF)
HELP += snp-emu|build the software SEV-SNP machine ($(O)/snp-emu.elf)

.PHONY: snp-emu
snp-emu: $(EMU_ELF)
