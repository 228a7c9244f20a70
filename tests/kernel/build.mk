# SPDX-License-Identifier: MIT
#
# tests/kernel: checks of the kernel's QEMU tooling and failure paths
# (bats), and the kernel benchmark (image size, boot time against a
# trivial PVH image, the floor).

KERNEL_FLOOR_ELF := $(BUILD)/bench/floor.elf

$(BUILD)/bench/floor.o: $(SRCDIR)/tests/kernel/floor.S
	$(call msg,AS,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) -c $< -o $@

$(KERNEL_FLOOR_ELF): $(BUILD)/bench/floor.o $(SRCDIR)/tests/kernel/floor.ld
	$(call msg,LD,$@)
	$(Q)$(LD) -nostdlib -static -z noexecstack -z max-page-size=4096 \
		-T $(SRCDIR)/tests/kernel/floor.ld -o $@ $<

CHECK_TARGETS += check-kernel
BENCH_TARGETS += bench-kernel
HELP += check-kernel|bats checks of the kernel's QEMU runs and failure paths
HELP += bench-kernel|kernel image size and boot time against a trivial PVH image

.PHONY: check-kernel bench-kernel
check-kernel: $(KERNEL_ELF) $(KERNEL_TEST_ELF)
	$(Q)SRCDIR=$(SRCDIR) BUILD=$(BUILD) KERNEL_ELF=$(KERNEL_ELF) \
		KERNEL_TEST_ELF=$(KERNEL_TEST_ELF) \
		bats $(SRCDIR)/tests/kernel/kernel.bats

bench-kernel: $(KERNEL_ELF) $(KERNEL_FLOOR_ELF)
	$(Q)$(SRCDIR)/tests/kernel/bench-kernel.sh $(KERNEL_ELF) $(KERNEL_FLOOR_ELF)
