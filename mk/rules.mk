# SPDX-License-Identifier: MIT
#
# Pattern rules: a source file `svsm/x/y.c` becomes `$(BUILD)/<flavour>/svsm/x/y.o`.
# Nothing is ever written next to the sources.

msg = $(if $(Q),@printf '  %-8s %s\n' '$(1)' '$(patsubst $(BUILD)/%,%,$(2))';)

$(BUILD)/hosted/%.o: $(SRCDIR)/%.c
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(HOSTED_CFLAGS) $(EXTRA_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/asan/%.o: $(SRCDIR)/%.c
	$(call msg,CC-ASAN,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(ASAN_CFLAGS) $(EXTRA_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/fuzz/%.o: $(SRCDIR)/%.c
	$(call msg,CC-FUZZ,$@)
	@mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $(EXTRA_CFLAGS) $(DEPFLAGS) -c $< -o $@

# Assembly of the hosted flavours (the software machine's fiber switch):
# no sanitizer instruments it, so it is assembled alike for all three.
$(BUILD)/hosted/%.o $(BUILD)/asan/%.o: $(SRCDIR)/%.S
	$(call msg,AS,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(INC_COMMON) $(DEPFLAGS) -c $< -o $@

$(BUILD)/fuzz/%.o: $(SRCDIR)/%.S
	$(call msg,AS-FUZZ,$@)
	@mkdir -p $(@D)
	$(Q)$(CLANG) $(INC_COMMON) $(DEPFLAGS) -c $< -o $@

$(BUILD)/kernel/%.o: $(SRCDIR)/%.c
	$(call msg,CC-KERN,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(KERNEL_CFLAGS) $(EXTRA_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/kernel/%.o: $(SRCDIR)/%.S
	$(call msg,AS-KERN,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(KERNEL_ASFLAGS) $(EXTRA_CFLAGS) $(DEPFLAGS) -c $< -o $@

# objs FLAVOUR, SOURCES -> object paths
objs = $(patsubst %.S,$(BUILD)/$(1)/%.o,$(patsubst %.c,$(BUILD)/$(1)/%.o,$(2)))
