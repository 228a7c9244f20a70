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
              -mcmodel=small -DSVSM_SNP_EMU=1 -I$(SRCDIR)/svsm/sim/machine \
              -I$(SRCDIR)/svsm/sim/psp
EMU_ASFLAGS := $(filter-out -Wstrict-prototypes -Wmissing-prototypes,$(EMU_CFLAGS)) \
               -D__ASSEMBLY__
EMU_LDFLAGS := -nostdlib -static -z max-page-size=4096 -z noexecstack \
               --no-warn-rwx-segments -T $(EMU_LDS)
EMU_LDLIBS = $(KERNEL_LIBDIR)/libcrypto.a

emu-y = snp-emu/boot.S snp-emu/trap_entry.S snp-emu/svm_entry.S \
         snp-emu/main.c snp-emu/console.c snp-emu/traps.c snp-emu/smp.c \
         snp-emu/vm.c snp-emu/run.c snp-emu/svm.c snp-emu/npt.c \
         snp-emu/guest.c snp-emu/igvm.c snp-emu/log.c snp-emu/bench.c
# Shared with the kernel: the libc, time, and the shim libcrypto needs.
# (Recursive: the fragments defining these lists come later.)
emu-lib-y = svsm/lib/string.c svsm/lib/printf.c svsm/arch/x86/time.c \
            $(svsm-mm-y) $(klib-tpm-y) svsm/lib/tpm/sys.c \
            svsm/lib/tpm/nosys.c svsm/lib/tpm/setjmp.S \
            $(svsm-machine-y) $(svsm-psp-y) svsm/sim/psp/hook.c \
            $(IGVM_LIB_SRCS)
# Every PSP file uses OpenSSL's headers (a pattern: svsm/sim/psp/build.mk,
# which lists them, is read after this fragment).
$(call objs,emu,svsm/sim/machine/psp.c svsm/igvm/launch.c): \
	EXTRA_CFLAGS += $(KERNEL_SYSINC)
$(BUILD)/emu/svsm/sim/psp/%.o: EXTRA_CFLAGS += $(KERNEL_SYSINC)

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
# ci/lint's analysers see the emulator with the hosted flags: its headers.
LINT_HOSTED_INCLUDES += $(SRCDIR)/svsm/sim/psp $(SRCDIR)/snp-emu

$(EMU_ELF): $$(EMU_OBJS) $(EMU_LDS) $(SRCDIR)/snp-emu/build.mk
	$(call msg,LD,$@)
	$(Q)$(LD) $(EMU_LDFLAGS) -o $@ $(EMU_OBJS) $(EMU_LDLIBS)

-include $(shell find $(BUILD)/emu -name '*.d' 2>/dev/null)

ALL_TARGETS += $(EMU_ELF)
HELP += snp-emu|build the software SEV-SNP machine ($(O)/snp-emu.elf)

.PHONY: snp-emu
snp-emu: $(EMU_ELF)

# The test payload (snp-emu/tests): an SNP guest of its own that checks each
# behaviour, packed by tools/igvm-build as the "kernel" of an IGVM file, one
# file per scenario (the scenario is linked in as pl_mode_value).
emu-payload-y := snp-emu/tests/payload_entry.S snp-emu/tests/payload.c
EMU_PAYLOAD_OBJS = $(call objs,emu,$(emu-payload-y))
$(EMU_PAYLOAD_OBJS): EXTRA_CFLAGS += -I$(SRCDIR)/snp-emu/tests
EMU_MODES := checks:0 touch-vmpl0:1 touch-vmsa:2 fault-psc:3 fault-ap:4 \
             terminate:5 bench:6 fault-greq:7 fault-greq-busy:8 \
             smp-stress:9 kick:10 emu1:11
emu-mode = $(patsubst $(1):%,%,$(filter $(1):%,$(EMU_MODES)))

$(BUILD)/snp-emu/payload-%.elf: $$(EMU_PAYLOAD_OBJS) \
		$(SRCDIR)/snp-emu/tests/payload.ld $(SRCDIR)/snp-emu/build.mk
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(LD) -nostdlib -static -z max-page-size=4096 -z noexecstack \
		--no-warn-rwx-segments -T $(SRCDIR)/snp-emu/tests/payload.ld \
		--defsym=pl_mode_value=$(call emu-mode,$*) $(EMU_PAYLOAD_SYMS) \
		-o $@ $(EMU_PAYLOAD_OBJS)

# emu1 reproduces EMU-1's signature: it needs the emulator's VMRUN address
# and page tables (the L1's CR3), read from its symbols when linked; the
# other payloads link zeroes.
EMU_PAYLOAD_SYMS = --defsym=pl_emu_vmrun=0 --defsym=pl_emu_cr3=0
$(BUILD)/snp-emu/payload-emu1.elf: $(EMU_ELF)
$(BUILD)/snp-emu/payload-emu1.elf: EMU_PAYLOAD_SYMS = $$(nm $(EMU_ELF) | \
	awk '$$3 == "svm_run_vmrun" { print "--defsym=pl_emu_vmrun=0x" $$1 } \
	     $$3 == "emu_pml4" { print "--defsym=pl_emu_cr3=0x" $$1 }')

$(BUILD)/snp-emu/payload-%.igvm: $(BUILD)/snp-emu/payload-%.elf $$(IGVM_BUILD)
	$(call msg,IGVM,$@)
	$(Q)$(IGVM_BUILD) --kernel $< -o $@

EMU_TEST_IGVMS := $(foreach m,$(EMU_MODES),$(BUILD)/snp-emu/payload-$(firstword $(subst :, ,$(m))).igvm)

CHECK_TARGETS += test-snp-emu
HELP += test-snp-emu|boot snp-emu with the test payload in each scenario (in QEMU)
.PHONY: test-snp-emu
test-snp-emu: $(EMU_ELF) $(EMU_TEST_IGVMS) $$(IGVM_MEASURE)
	$(Q)$(SRCDIR)/snp-emu/tests/test-snp-emu.sh $(EMU_QEMU) $(EMU_ELF) \
		$(BUILD)/snp-emu $(IGVM_MEASURE)
.SECONDARY: $(EMU_TEST_IGVMS:.igvm=.elf)

BENCH_TARGETS += bench-snp-emu
HELP += bench-snp-emu|VMPL round trip under snp-emu vs a bare VMRUN/VMMCALL; boot to guest entry
.PHONY: bench-snp-emu
bench-snp-emu: $(EMU_ELF) $(BUILD)/snp-emu/payload-bench.igvm
	$(Q)$(SRCDIR)/snp-emu/tests/bench-snp-emu.sh $(EMU_QEMU) $(EMU_ELF) \
		$(BUILD)/snp-emu/payload-bench.igvm

# Boot targets. `make run` boots the whole stack: QEMU -> snp-emu ->
# $(O)/svsm.igvm, the SVSM at VMPL0 with the test guest at VMPL2 (built
# first when this tree has its rule, tests/snp-guest); `make run-native`
# (svsm/kernel/build.mk) is the kernel's native PVH boot.
HELP += run|boot QEMU -> snp-emu -> $(O)/svsm.igvm: SVSM at VMPL0, test guest at VMPL2 (SMP=N; Ctrl-A X quits)
HELP += run-snp|the same as run
.PHONY: run run-snp
run run-snp: deps $(EMU_ELF) $$(SNP_GUEST_ELF)
	$(Q)$(MAKE) --no-print-directory -f $(SRCDIR)/Makefile O=$(O) igvm \
		GUEST=$(SNP_GUEST_ELF)
	$(Q)$(EMU_QEMU) --smp $(SMP) $(EMU_ELF) $(IGVM_IMAGE)

# Issue 9's boot-speed goal: QEMU start to the VMPL2 guest's first entry
# for $(O)/svsm.igvm (SVSM + test guest) as a ratio to the trivial payload.
BENCH_TARGETS += bench-snp-boot
HELP += bench-snp-boot|QEMU start to VMPL2 guest entry under snp-emu: svsm.igvm vs a trivial image
.PHONY: bench-snp-boot
bench-snp-boot: $(EMU_ELF) $(BUILD)/snp-emu/payload-checks.igvm $$(SNP_GUEST_ELF)
	$(Q)$(MAKE) --no-print-directory -f $(SRCDIR)/Makefile O=$(O) igvm \
		GUEST=$(SNP_GUEST_ELF)
	$(Q)$(SRCDIR)/snp-emu/tests/bench-snp-boot.sh $(EMU_QEMU) $(EMU_ELF) \
		$(BUILD)/snp-emu/payload-checks.igvm $(IGVM_IMAGE)
