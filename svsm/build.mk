# SPDX-License-Identifier: MIT
#
# The SVSM's source lists. Each svsm/<dir>/build.mk appends its files to:
#   svsm-common-y  compiled into the kernel and the hosted build alike
#   svsm-hosted-y  hosted build only (the software SNP machine, the harness)
#   svsm-kernel-y  kernel build only (boot, arch, native platform)
#
# Hosted archives:
#   $(BUILD)/lib/libsvsm-sim.a   optimised, what `make sim` ships with its .pc
#   $(BUILD)/asan/libsvsm.a      ASan+UBSan, linked by every hosted test

svsm-common-y ?=
svsm-hosted-y ?=
svsm-kernel-y ?=

SIM_LIB  := $(BUILD)/lib/libsvsm-sim.a
ASAN_LIB := $(BUILD)/asan/libsvsm.a
FUZZ_LIB := $(BUILD)/fuzz/libsvsm.a

$(SIM_LIB): $$(call objs,hosted,$$(svsm-common-y) $$(svsm-hosted-y))
	$(call msg,AR,$@)
	@mkdir -p $(@D)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(ASAN_LIB): $$(call objs,asan,$$(svsm-common-y) $$(svsm-hosted-y))
	$(call msg,AR,$@)
	@mkdir -p $(@D)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(FUZZ_LIB): $$(call objs,fuzz,$$(svsm-common-y) $$(svsm-hosted-y))
	$(call msg,AR,$@)
	@mkdir -p $(@D)
	$(Q)rm -f $@ && $(AR) rcs $@ $^
