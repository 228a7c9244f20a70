# SPDX-License-Identifier: MIT
#
# `make bench-core`: core-protocol costs on the software machine, built
# from the optimised hosted objects, printed as ratios to references
# measured in the same run.

BENCH_CORE_SRCS := tests/bench-core/bench_core.c
BENCH_CORE_OBJS = $(call objs,hosted,$(BENCH_CORE_SRCS))
BENCH_CORE_BIN := $(BUILD)/tests/bench-core/bench-core

$(BENCH_CORE_OBJS): EXTRA_CFLAGS += -I$(SRCDIR)/svsm/sim

$(BENCH_CORE_BIN): $$(BENCH_CORE_OBJS) $(SIM_LIB)
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) -o $@ $(BENCH_CORE_OBJS) $(SIM_LIB) $(SIM_LDLIBS)

BENCH_TARGETS += bench-core
HELP += bench-core|QUERY_PROTOCOL and PVALIDATE costs vs in-run references

.PHONY: bench-core
bench-core: $(BENCH_CORE_BIN)
	$(Q)$(BENCH_CORE_BIN)
