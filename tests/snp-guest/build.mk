# SPDX-License-Identifier: MIT
#
# tests/snp-guest: the freestanding test guest the SVSM launches at VMPL2
# (docs/SNP-BOOT.md, "The guest"), its own build flavour `guest`:
#   $(BUILD)/snp-guest.elf   PVH ELF linked at 16 MiB (`make igvm` packs it)
# and the hosted tests of the parts that take host-controlled input (the
# mssim frame parser of the TPM bridge): cmocka, a libFuzzer target.

SNP_GUEST_ELF := $(BUILD)/snp-guest.elf
SNP_GUEST_LDS := $(SRCDIR)/tests/snp-guest/guest.ld

# Freestanding x86-64 like the kernel, but linked low (small code model)
# and without the kernel's own modules: only the ABI headers, the project's
# libc (svsm/lib), the instruction wrappers of <x86/asm.h> and, from
# svsm/sim, the TPM command builders and the shared case tables.
GUEST_CFLAGS := $(STD) $(WARN) -O2 -g -ffreestanding -fno-builtin -nostdinc \
		-isystem $(shell $(CC) -print-file-name=include) \
		-mno-red-zone -mno-sse -mno-mmx -mno-sse2 -mno-avx -fno-pic \
		-fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables \
		-fno-omit-frame-pointer -fno-strict-aliasing \
		-fno-tree-loop-distribute-patterns $(INC_COMMON) \
		-I$(SRCDIR)/svsm/lib/include -I$(SRCDIR)/svsm/arch/x86/include \
		-I$(SRCDIR)/svsm/sim \
		-DSVSM_SNP_GUEST=1
GUEST_ASFLAGS := $(filter-out -Wstrict-prototypes -Wmissing-prototypes,$(GUEST_CFLAGS)) \
		 -D__ASSEMBLY__
GUEST_LDFLAGS := -nostdlib -static -z max-page-size=4096 -z noexecstack \
		 --no-warn-rwx-segments -T $(SNP_GUEST_LDS)

snp-guest-y := tests/snp-guest/boot.S tests/snp-guest/main.c \
	       tests/snp-guest/trap.c tests/snp-guest/ghcb.c \
	       tests/snp-guest/svsm.c tests/snp-guest/uart.c \
	       tests/snp-guest/checks_core.c tests/snp-guest/checks_vcpu.c \
	       tests/snp-guest/checks_vtpm.c tests/snp-guest/checks_attest.c \
	       tests/snp-guest/sha512.c tests/snp-guest/reboot.c \
	       svsm/sim/mssim.c \
	       tests/snp-guest/bridge.c svsm/sim/tpm_bridge.c \
	       svsm/lib/string.c svsm/lib/printf.c svsm/sim/tpm2_cmds.c \
	       svsm/sim/vtpm_cases.c svsm/sim/core_cases.c \
	       svsm/attest/manifest.c
SNP_GUEST_OBJS = $(call objs,guest,$(snp-guest-y))

$(BUILD)/guest/%.o: $(SRCDIR)/%.c
	$(call msg,CC-GUEST,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(GUEST_CFLAGS) $(EXTRA_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/guest/%.o: $(SRCDIR)/%.S
	$(call msg,AS-GUEST,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(GUEST_ASFLAGS) $(EXTRA_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(SNP_GUEST_ELF): $$(SNP_GUEST_OBJS) $(SNP_GUEST_LDS) \
		$(SRCDIR)/tests/snp-guest/build.mk
	$(call msg,LD,$@)
	$(Q)$(LD) $(GUEST_LDFLAGS) -o $@ $(SNP_GUEST_OBJS)

-include $(shell find $(BUILD)/guest -name '*.d' 2>/dev/null)

ALL_TARGETS += $(SNP_GUEST_ELF)
HELP += snp-guest|the freestanding SNP test guest ($(O)/snp-guest.elf)

.PHONY: snp-guest
snp-guest: $(SNP_GUEST_ELF)

# Hosted: the mssim parser, the bridge's answers and SHA-512 (cmocka,
# ASan+UBSan).
SNP_GUEST_TEST_SRCS := tests/snp-guest/mssim_test.c svsm/sim/mssim.c \
		       svsm/sim/tpm_bridge.c \
		       tests/snp-guest/sha512.c svsm/sim/tpm2_cmds.c \
		       svsm/sim/vtpm_cases.c
SNP_GUEST_TEST_OBJS = $(call objs,asan,$(SNP_GUEST_TEST_SRCS))
SNP_GUEST_TEST_BIN := $(BUILD)/tests/snp-guest/test-snp-guest-mssim

$(SNP_GUEST_TEST_OBJS): EXTRA_CFLAGS += -I$(SRCDIR)/svsm/sim \
					 -I$(SRCDIR)/tests/snp-guest

$(SNP_GUEST_TEST_BIN): $$(SNP_GUEST_TEST_OBJS)
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(ASAN_FLAGS) -o $@ $(SNP_GUEST_TEST_OBJS) -lcmocka \
		-lcrypto

# svsm-tpm-bridge-sim: the bridge over TCP and libsvsm-sim (ASan+UBSan),
# for tpm2-tools without the SNP stack (tests/snp-guest/tpm.bats).
TPM_BRIDGE_SIM_SRCS := tests/snp-guest/tpm_bridge_sim.c
TPM_BRIDGE_SIM_OBJS = $(call objs,asan,$(TPM_BRIDGE_SIM_SRCS))
TPM_BRIDGE_SIM := $(BUILD)/tests/snp-guest/svsm-tpm-bridge-sim

$(TPM_BRIDGE_SIM_OBJS): EXTRA_CFLAGS += -I$(SRCDIR)/svsm/sim \
					-I$(SRCDIR)/tests/snp-guest

$(TPM_BRIDGE_SIM): $$(TPM_BRIDGE_SIM_OBJS) $(ASAN_LIB)
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(ASAN_FLAGS) -o $@ $(TPM_BRIDGE_SIM_OBJS) $(ASAN_LIB) \
		$(SIM_LDLIBS)

# libFuzzer over the same parser; the seed corpus is tests/snp-guest/corpus.
SNP_GUEST_FUZZ_SRCS := tests/snp-guest/fuzz_mssim.c svsm/sim/mssim.c \
		       svsm/sim/vtpm_cases.c
SNP_GUEST_FUZZ_OBJS = $(call objs,fuzz,$(SNP_GUEST_FUZZ_SRCS))
SNP_GUEST_FUZZ_BIN := $(BUILD)/tests/snp-guest/fuzz-mssim

$(SNP_GUEST_FUZZ_OBJS): EXTRA_CFLAGS += -I$(SRCDIR)/svsm/sim \
					 -I$(SRCDIR)/tests/snp-guest

$(SNP_GUEST_FUZZ_BIN): $$(SNP_GUEST_FUZZ_OBJS)
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(CLANG) -fsanitize=fuzzer,address,undefined -o $@ \
		$(SNP_GUEST_FUZZ_OBJS)

LINT_HOSTED_INCLUDES += $(SRCDIR)/tests/snp-guest

CHECK_TARGETS += test-snp-guest-mssim test-fuzz-mssim test-snp-guest-native
HELP += test-snp-guest-mssim|cmocka tests of the TPM bridge's mssim parser and the guest's SHA-512
HELP += test-fuzz-mssim|short libFuzzer run over the mssim parser (seed corpus)
HELP += fuzz-mssim|long libFuzzer run over the mssim parser (FUZZ_TIME=600 s)
HELP += test-snp-guest-native|boot the test guest in plain QEMU: it must find no SVSM and say so

.PHONY: test-snp-guest-mssim test-fuzz-mssim fuzz-mssim test-snp-guest-native
test-snp-guest-mssim: $(SNP_GUEST_TEST_BIN)
	$(Q)ASAN_OPTIONS=detect_leaks=1 $(SNP_GUEST_TEST_BIN)

test-fuzz-mssim: $(SNP_GUEST_FUZZ_BIN)
	@rm -rf $(BUILD)/fuzz-mssim-smoke && mkdir -p $(BUILD)/fuzz-mssim-smoke
	$(Q)ASAN_OPTIONS=detect_leaks=1 $(SNP_GUEST_FUZZ_BIN) \
		-runs=$(FUZZ_SMOKE_RUNS) -max_total_time=$(FUZZ_SMOKE_TIME) \
		-seed=1 -max_len=9000 \
		-artifact_prefix=$(BUILD)/fuzz-mssim-smoke/ \
		$(BUILD)/fuzz-mssim-smoke $(SRCDIR)/tests/snp-guest/corpus

fuzz-mssim: $(SNP_GUEST_FUZZ_BIN)
	@mkdir -p $(BUILD)/fuzz-mssim-corpus
	$(Q)$(SNP_GUEST_FUZZ_BIN) -max_total_time=$(FUZZ_TIME) -max_len=9000 \
		-artifact_prefix=$(BUILD)/fuzz-mssim-corpus/ \
		$(BUILD)/fuzz-mssim-corpus $(SRCDIR)/tests/snp-guest/corpus

test-snp-guest-native: $(SNP_GUEST_ELF)
	$(Q)SNP_GUEST=$(SNP_GUEST_ELF) bats $(SRCDIR)/tests/snp-guest/native.bats

# tpm2-tools through the TPM bridge (tests/snp-guest/tpm.bats): over the
# hosted bridge always; through the whole SNP stack once the emulator and
# the IGVM image can be built here (skipped, saying why, until then).
SNP_EMU_ELF ?= $(BUILD)/snp-emu.elf
SVSM_IGVM ?= $(BUILD)/svsm.igvm

CHECK_TARGETS += test-snp-guest-tpm-sim test-snp-guest-tpm
HELP += test-snp-guest-tpm-sim|tpm2-tools through the guest's TPM bridge code over libsvsm-sim
HELP += test-snp-guest-tpm|tpm2-tools through the guest's TPM bridge in the whole SNP stack (emulator + SVSM + guest)

.PHONY: test-snp-guest-tpm-sim test-snp-guest-tpm
test-snp-guest-tpm-sim: $(TPM_BRIDGE_SIM)
	$(Q)TPM_BRIDGE=sim TPM_BRIDGE_SIM=$(TPM_BRIDGE_SIM) \
		bats $(SRCDIR)/tests/snp-guest/tpm.bats

# The stack's images (the emulator, svsm.igvm with the test guest,
# igvm-measure) are prerequisites this make builds once. A sub-make that
# built them again raced with test-kernel-snp under -j (two makes linking
# svsm.elf while igvm-build read it: "shorter than an ELF header"). The
# variables come from other fragments (second expansion); while the tree
# lacks one of them, the bats files skip and name it.
snp-stack-missing = $(if $(EMU_ELF),, snp-emu)$(if $(IGVM_IMAGE),, igvm)$(if \
	$(IGVM_MEASURE),, igvm-measure)
SNP_STACK_PREREQS = $(SNP_GUEST_ELF) $$(EMU_ELF) $$(IGVM_IMAGE) \
		    $$(IGVM_MEASURE)

SNP_STACK_ENV = SNP_STACK_MISSING="$(snp-stack-missing)" \
		SNP_EMU=$(SNP_EMU_ELF) SVSM_IGVM=$(SVSM_IGVM) \
		IGVM_MEASURE=$(BUILD)/bin/igvm-measure \
		EMU_RUN=$(SRCDIR)/snp-emu/run.sh

test-snp-guest-tpm: $(SNP_STACK_PREREQS)
	$(Q)$(SNP_STACK_ENV) TPM_BRIDGE=stack \
		bats $(SRCDIR)/tests/snp-guest/tpm.bats

# The guest's checks in the whole stack: QEMU -> snp-emu -> svsm.igvm.
CHECK_TARGETS += test-snp-guest-stack
HELP += test-snp-guest-stack|the guest's checks under the SVSM in snp-emu: all pass, MEASUREMENT = igvm-measure

.PHONY: test-snp-guest-stack
test-snp-guest-stack: $(SNP_STACK_PREREQS)
	$(Q)$(SNP_STACK_ENV) bats $(SRCDIR)/tests/snp-guest/stack.bats

# The guest's SNP entry under snp-emu, without an SVSM (tests/snp-guest/
# emu.bats); skipped, saying why, while the tree has no emulator.
CHECK_TARGETS += test-snp-guest-emu
HELP += test-snp-guest-emu|the guest's SNP entry under snp-emu at VMPL0: it must find no SVSM and terminate as Linux does

.PHONY: test-snp-guest-emu
test-snp-guest-emu: $(SNP_GUEST_ELF) $$(EMU_ELF) $$(IGVM_BUILD)
	$(Q)SNP_EMU_MISSING="$(if $(EMU_ELF),, snp-emu)$(if $(IGVM_BUILD),, igvm-build)" \
		SNP_GUEST=$(SNP_GUEST_ELF) \
		SNP_EMU=$(SNP_EMU_ELF) IGVM_BUILD=$(BUILD)/bin/igvm-build \
		EMU_RUN=$(SRCDIR)/snp-emu/run.sh \
		bats $(SRCDIR)/tests/snp-guest/emu.bats

# The guest reboots itself through the SVSM in the whole stack (mode byte
# 'R' or 'A' on COM2, tests/snp-guest/run-reboot.sh): both boots' checks
# pass, the reboot called by the boot vCPU and by an AP.
CHECK_TARGETS += test-snp-guest-reboot
HELP += test-snp-guest-reboot|the guest reboots itself through the SVSM under snp-emu: its second boot finds a newly launched guest
BENCH_TARGETS += bench-snp-guest-reboot
HELP += bench-snp-guest-reboot|the guest's reboot through the SVSM vs its first boot, under snp-emu

.PHONY: test-snp-guest-reboot bench-snp-guest-reboot
test-snp-guest-reboot: $(SNP_STACK_PREREQS)
	$(Q)$(SNP_STACK_ENV) bats $(SRCDIR)/tests/snp-guest/reboot.bats

bench-snp-guest-reboot: $(SNP_STACK_PREREQS)
	$(Q)if [ -n "$(snp-stack-missing)" ]; then \
		echo "bench-snp-guest-reboot: missing:$(snp-stack-missing)"; \
		exit 1; \
	fi; \
	REBOOT_LOG=$(BUILD)/snp-guest-reboot.log \
		$(SRCDIR)/tests/snp-guest/run-reboot.sh --smp $(SMP) \
		$(SNP_EMU_ELF) $(SVSM_IGVM)
