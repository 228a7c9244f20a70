# SPDX-License-Identifier: MIT
#
# igvm-build: the C IGVM builder (hosted). `make igvm [GUEST=path]` builds
# $(O)/svsm.igvm from $(O)/svsm.elf and the guest: GUEST defaults to the
# test guest $(O)/snp-guest.elf, built first (tests/snp-guest); GUEST=path
# packs another ELF or an OVMF image; GUEST= (empty) builds without a guest. IGVM_FLAGS passes more options
# (e.g. --entry while the kernel lacks its SVSM note).

ifndef TOOLS_IGVM_BUILD_MK
TOOLS_IGVM_BUILD_MK := 1

include $(SRCDIR)/svsm/igvm/build.mk

# What igvm-measure and the tests share with the builder.
IGVM_TOOL_SRCS := tools/igvm-build/file_io.c tools/igvm-build/igvm_writer.c
IGVM_TOOL_INC := -I$(SRCDIR)/tools/igvm-build -I$(SRCDIR)/tools/igvm-measure

IGVM_BUILD_SRCS := tools/igvm-build/main.c tools/igvm-build/builder.c \
                   tools/igvm-build/elf_image.c tools/igvm-build/ovmf_metadata.c \
                   $(IGVM_TOOL_SRCS)
IGVM_BUILD := $(BUILD)/bin/igvm-build
IGVM_IMAGE := $(BUILD)/svsm.igvm
GUEST ?= $(BUILD)/snp-guest.elf
IGVM_FLAGS ?=

$(call objs,hosted,$(IGVM_BUILD_SRCS)): EXTRA_CFLAGS += $(IGVM_TOOL_INC)
$(call objs,asan,$(IGVM_BUILD_SRCS)): EXTRA_CFLAGS += $(IGVM_TOOL_INC)

$(IGVM_BUILD): $(call objs,hosted,$(IGVM_BUILD_SRCS)) $(IGVM_LIB)
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $^ -o $@ -lcrypto

# Always rebuilt (a few milliseconds, byte-identical for the same inputs),
# so GUEST= and IGVM_FLAGS= changes take effect.
$(IGVM_IMAGE): $(IGVM_BUILD) $(KERNEL_ELF) $(GUEST) FORCE
	$(call msg,IGVM,$@)
	$(Q)$(IGVM_BUILD) --kernel $(KERNEL_ELF) $(if $(GUEST),--guest $(GUEST)) \
		$(IGVM_FLAGS) -o $@

ALL_TARGETS += $(IGVM_BUILD)
HELP += igvm|build $(O)/svsm.igvm from $(O)/svsm.elf [GUEST=elf-or-OVMF.fd]
HELP += igvm-build|build $(O)/bin/igvm-build, the IGVM builder
.PHONY: igvm igvm-build FORCE
FORCE:
igvm: $(IGVM_IMAGE)
igvm-build: $(IGVM_BUILD)

endif
