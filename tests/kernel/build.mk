# SPDX-License-Identifier: MIT
#
# tests/kernel: checks of the kernel's QEMU tooling and failure paths
# (bats), and the kernel benchmark (image size, boot time against a
# trivial PVH image, the floor).

KERNEL_FLOOR_ELF := $(BUILD)/bench/floor.elf

# test_acpi.c and fuzz_acpi.c include the kernel's <kernel/acpi.h>.
LINT_HOSTED_INCLUDES += $(SRCDIR)/svsm/arch/x86/include

$(BUILD)/bench/floor.o: $(SRCDIR)/tests/kernel/floor.S
	$(call msg,AS,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) -c $< -o $@

$(KERNEL_FLOOR_ELF): $(BUILD)/bench/floor.o $(SRCDIR)/tests/kernel/floor.ld
	$(call msg,LD,$@)
	$(Q)$(LD) -nostdlib -static -z noexecstack -z max-page-size=4096 \
		-T $(SRCDIR)/tests/kernel/floor.ld -o $@ $<

# The kernel libc under ASan+UBSan on the host, its functions renamed.
KLIB_FUNCS := memcpy memmove memset memcmp strlen strnlen strcmp strncmp \
              strchr memzero_explicit vsnprintf snprintf
KLIB_CFLAGS := $(filter-out -D_GNU_SOURCE,$(ASAN_CFLAGS)) -ffreestanding \
               -fno-builtin -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
               -I$(SRCDIR)/svsm/lib/include -fno-tree-loop-distribute-patterns \
               $(foreach f,$(KLIB_FUNCS),-D$(f)=klib_$(f))
KLIB_TEST_BIN := $(BUILD)/tests/kernel/test-klib

$(BUILD)/klib/%.o: $(SRCDIR)/%.c
	$(call msg,CC-KLIB,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(KLIB_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(KLIB_TEST_BIN): $(BUILD)/klib/svsm/lib/printf.o $(BUILD)/klib/svsm/lib/string.o \
		$(BUILD)/asan/tests/kernel/test_klib.o
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(ASAN_FLAGS) $^ -o $@ -lcmocka

# The C-library shim for libtpms/libcrypto (svsm/lib/tpm/) under ASan+UBSan
# on the host, every symbol renamed to shim_* (the kernel libc it calls is
# the klib_* build above; the allocator and log come from the ASan archive).
SHIM_FUNCS := malloc calloc realloc free strdup memchr strrchr strspn strcspn \
              strpbrk strstr strtol strtoul strerror __xpg_strerror_r qsort \
              __ctype_b_loc __ctype_tolower_loc __memcpy_chk __memset_chk \
              __isoc99_sscanf __errno_location __snprintf_chk \
              __vsnprintf_chk __asprintf_chk fopen fopen64 fclose fread \
              fwrite fflush feof ferror fgets fputc fputs fseek ftell fileno \
              __fprintf_chk __vfprintf_chk __dprintf_chk __vdprintf_chk write \
              perror stderr stdin libc_fd_is_log
SHIM_CFLAGS := $(KLIB_CFLAGS) $(foreach f,$(SHIM_FUNCS),-D$(f)=shim_$(f)) \
               '-DLIBC_SYM_PREFIX="shim_"'
SHIM_TEST_BIN := $(BUILD)/tests/kernel/test-libc-shim
SHIM_TEST_SRCS := svsm/lib/tpm/malloc.c svsm/lib/tpm/str.c svsm/lib/tpm/stdio.c

$(BUILD)/shim/%.o: $(SRCDIR)/%.c
	$(call msg,CC-SHIM,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(SHIM_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(SHIM_TEST_BIN): $(patsubst %.c,$(BUILD)/shim/%.o,$(SHIM_TEST_SRCS)) \
		$(BUILD)/klib/svsm/lib/printf.o $(BUILD)/klib/svsm/lib/string.o \
		$(BUILD)/asan/tests/kernel/test_libc_shim.o $(ASAN_LIB)
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(ASAN_FLAGS) $^ -o $@ -lcmocka

# The kernel's ACPI parser on the host, over tables built by the test.
ACPI_TEST_BIN := $(BUILD)/tests/kernel/test-acpi
$(BUILD)/asan/svsm/kernel/acpi.o $(BUILD)/asan/tests/kernel/test_acpi.o: \
	EXTRA_CFLAGS += -I$(SRCDIR)/svsm/arch/x86/include

$(ACPI_TEST_BIN): $(BUILD)/asan/svsm/kernel/acpi.o $(BUILD)/asan/tests/kernel/test_acpi.o \
		$(ASAN_LIB)
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(ASAN_FLAGS) $^ -o $@ -lcmocka

# The SNP boot's input checks and #VC decoder on the host (cmocka).
SNP_BOOT_TEST_BIN := $(BUILD)/tests/kernel/test-snp-boot
snp-boot-srcs := svsm/kernel/snp_boot.c svsm/kernel/vc_decode.c svsm/kernel/acpi.c
$(call objs,asan,$(snp-boot-srcs) tests/kernel/test_snp_boot.c) \
$(call objs,fuzz,$(snp-boot-srcs) tests/kernel/fuzz_snp_boot.c): \
	EXTRA_CFLAGS += -I$(SRCDIR)/svsm/arch/x86/include

$(SNP_BOOT_TEST_BIN): $(call objs,asan,$(snp-boot-srcs) tests/kernel/test_snp_boot.c) \
		$(ASAN_LIB)
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(ASAN_FLAGS) $^ -o $@ -lcmocka

# libFuzzer over the SNP boot's input checks (as fuzz-kernel-acpi below).
SNP_BOOT_FUZZ_BIN := $(BUILD)/tests/kernel/fuzz-snp-boot
FUZZ_SNP_BOOT_ARGS ?= -runs=20000 -seed=1
$(SNP_BOOT_FUZZ_BIN): $(call objs,fuzz,$(snp-boot-srcs) svsm/core/physmap.c \
		tests/kernel/fuzz_snp_boot.c)
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(CLANG) -fsanitize=fuzzer,address,undefined $^ -o $@

# libFuzzer over the ACPI parser: a short deterministic run in `make check`;
# `make fuzz-kernel-acpi FUZZ_ACPI_ARGS=-max_total_time=600` runs longer.
# Both start from the tracked corpus tests/kernel/acpi-corpus (grown by long
# runs, minimised with -merge=1); new inputs go to $(BUILD)/fuzz-acpi-corpus.
ACPI_FUZZ_BIN := $(BUILD)/tests/kernel/fuzz-acpi
FUZZ_ACPI_ARGS ?= -runs=20000 -seed=1
$(BUILD)/fuzz/svsm/kernel/acpi.o $(BUILD)/fuzz/tests/kernel/fuzz_acpi.o: \
	EXTRA_CFLAGS += -I$(SRCDIR)/svsm/arch/x86/include

$(ACPI_FUZZ_BIN): $(BUILD)/fuzz/svsm/kernel/acpi.o $(BUILD)/fuzz/svsm/core/physmap.o \
		$(BUILD)/fuzz/tests/kernel/fuzz_acpi.o
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(CLANG) -fsanitize=fuzzer,address,undefined $^ -o $@

CHECK_TARGETS += test-kernel-lib test-kernel-libc-shim test-kernel-acpi test-fuzz-kernel-acpi check-kernel \
                 test-kernel-snp-boot test-fuzz-kernel-snp-boot test-kernel-snp
BENCH_TARGETS += bench-kernel
HELP += test-kernel-lib|hosted ASan tests of the kernel libc against glibc
HELP += test-kernel-libc-shim|hosted ASan tests of the libtpms/libcrypto C-library shim
HELP += test-kernel-acpi|hosted ASan tests of the kernel's ACPI parser on hostile tables
HELP += test-fuzz-kernel-acpi|short libFuzzer smoke run over the kernel's ACPI parser
HELP += fuzz-kernel-acpi|fuzz the kernel's ACPI parser (FUZZ_ACPI_ARGS=libFuzzer options)
HELP += test-kernel-snp-boot|hosted ASan tests of the SNP boot's input checks and the VC-exception (vector 29) decoder
HELP += test-fuzz-kernel-snp-boot|short libFuzzer smoke run over the SNP boot's input checks
HELP += fuzz-kernel-snp-boot|fuzz the SNP boot's input checks (FUZZ_SNP_BOOT_ARGS=libFuzzer options)
HELP += test-kernel-snp|the kernel's SNP boot under snp-emu: banner, vCPUs, guest at VMPL2, vTPM after the guest
HELP += check-kernel|bats checks of the kernel's QEMU runs and failure paths
HELP += bench-kernel|kernel image size and boot time against a trivial PVH image

.PHONY: test-kernel-lib test-kernel-libc-shim test-kernel-acpi test-fuzz-kernel-acpi fuzz-kernel-acpi \
        test-kernel-snp-boot test-fuzz-kernel-snp-boot fuzz-kernel-snp-boot test-kernel-snp \
        check-kernel bench-kernel
test-fuzz-kernel-acpi fuzz-kernel-acpi: $(ACPI_FUZZ_BIN)
	@mkdir -p $(BUILD)/fuzz-acpi-corpus
	$(Q)$(ACPI_FUZZ_BIN) -max_len=65536 -artifact_prefix=$(dir $(ACPI_FUZZ_BIN)) \
		$(FUZZ_ACPI_ARGS) $(BUILD)/fuzz-acpi-corpus $(SRCDIR)/tests/kernel/acpi-corpus

test-fuzz-kernel-snp-boot fuzz-kernel-snp-boot: $(SNP_BOOT_FUZZ_BIN)
	$(Q)$(SNP_BOOT_FUZZ_BIN) -max_len=8192 -artifact_prefix=$(dir $(SNP_BOOT_FUZZ_BIN)) \
		$(FUZZ_SNP_BOOT_ARGS)

# The image (kernel + test guest) and the emulator come from
# tools/igvm-build and snp-emu (read later: second expansion).
test-kernel-snp: $$(IGVM_IMAGE) $$(EMU_ELF) $$(IGVM_BUILD)
	$(Q)SRCDIR=$(SRCDIR) EMU_ELF=$(EMU_ELF) SVSM_IGVM=$(IGVM_IMAGE) \
		KERNEL_ELF=$(KERNEL_ELF) IGVM_BUILD=$(IGVM_BUILD) \
		bats $(SRCDIR)/tests/kernel/snp.bats

test-kernel-snp-boot: $(SNP_BOOT_TEST_BIN)
	$(Q)$(SNP_BOOT_TEST_BIN)

test-kernel-lib: $(KLIB_TEST_BIN)
	$(Q)$(KLIB_TEST_BIN)

test-kernel-libc-shim: $(SHIM_TEST_BIN)
	$(Q)$(SHIM_TEST_BIN)

test-kernel-acpi: $(ACPI_TEST_BIN)
	$(Q)$(ACPI_TEST_BIN)

check-kernel: $(KERNEL_ELF) $(KERNEL_TEST_ELF)
	$(Q)SRCDIR=$(SRCDIR) BUILD=$(BUILD) KERNEL_ELF=$(KERNEL_ELF) \
		KERNEL_TEST_ELF=$(KERNEL_TEST_ELF) \
		bats $(SRCDIR)/tests/kernel/kernel.bats

BENCH_KERNEL_RUNS ?= 5
bench-kernel: $(KERNEL_ELF) $(KERNEL_FLOOR_ELF)
	$(Q)$(SRCDIR)/tests/kernel/bench-kernel.sh $(KERNEL_ELF) $(KERNEL_FLOOR_ELF) \
		$(BENCH_KERNEL_RUNS)
