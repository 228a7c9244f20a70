# SPDX-License-Identifier: MIT
#
# igvm-measure: check an IGVM file, print it, compute its SNP launch digest,
# sign an ID block (hosted tool over svsm/igvm).

include $(SRCDIR)/tools/igvm-build/build.mk

IGVM_MEASURE_SRCS := tools/igvm-measure/main.c tools/igvm-measure/id_block.c \
                     $(IGVM_TOOL_SRCS)
IGVM_MEASURE := $(BUILD)/bin/igvm-measure

$(call objs,hosted,$(IGVM_MEASURE_SRCS)): EXTRA_CFLAGS += $(IGVM_TOOL_INC)
$(call objs,asan,$(IGVM_MEASURE_SRCS)): EXTRA_CFLAGS += $(IGVM_TOOL_INC)

$(IGVM_MEASURE): $(call objs,hosted,$(IGVM_MEASURE_SRCS)) $(IGVM_LIB)
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $^ -o $@ -lcrypto

ALL_TARGETS += $(IGVM_MEASURE)
HELP += igvm-measure|build $(O)/bin/igvm-measure: check, print and measure an IGVM file
.PHONY: igvm-measure
igvm-measure: $(IGVM_MEASURE)
