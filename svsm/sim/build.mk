# SPDX-License-Identifier: MIT
#
# svsm/sim: the guest-side harness (libsvsm-sim), the hosted entry points,
# log and panic, and the svsm-sim console. The SVSM proper (svsm/core,
# svsm/proto, svsm/platform/snp) is listed here as well: those directories
# hold no build.mk of their own.

svsm-common-y += svsm/core/boot.c svsm/core/guest.c svsm/core/physmap.c \
		 svsm/core/request.c svsm/core/vcpu.c svsm/core/once.c \
		 svsm/core/reboot.c svsm/core/valmap.c svsm/core/secrets.c \
		 svsm/proto/dispatch.c svsm/proto/result.c svsm/proto/core.c \
		 svsm/proto/core_pvalidate.c svsm/proto/core_vcpu.c \
		 svsm/proto/core_mem.c \
		 svsm/platform/snp/ghcb.c svsm/platform/snp/page.c \
		 svsm/platform/snp/vmsa.c svsm/platform/snp/guest_request.c
svsm-hosted-y += svsm/sim/nv_file.c svsm/sim/sim.c svsm/sim/entry.c svsm/sim/log.c svsm/sim/tpm2_cmds.c \
		 svsm/sim/vtpm_cases.c svsm/sim/core_cases.c \
		 svsm/sim/services.c svsm/sim/mssim.c svsm/sim/tpm_bridge.c \
		 svsm/sim/tpm_host.c

# What a program linking libsvsm-sim (or the ASan archive) also needs.
SIM_LDLIBS = $(VTPM_LDLIBS) -lcrypto -lpthread

SIM_PC := $(BUILD)/lib/pkgconfig/svsm-sim.pc
SIM_CONSOLE := $(BUILD)/bin/svsm-sim

# Regenerated when any fragment (e.g. one extending the link flags) changes.
$(SIM_PC): $$(filter %/build.mk,$$(MAKEFILE_LIST)) $(SRCDIR)/release/VERSION
	$(call msg,GEN,$@)
	@mkdir -p $(@D)
	$(Q)printf '%s\n' \
		'prefix=$(BUILD)' \
		'includedir=$(SRCDIR)/svsm/include' \
		'libdir=$(BUILD)/lib' \
		'' \
		'Name: svsm-sim' \
		'Description: SVSM guest-side harness over a software SNP machine' \
		'Version: $(VERSION)' \
		'Cflags: -I$${includedir}' \
		'Libs: $${libdir}/libsvsm-sim.a $(SIM_LDLIBS)' > $@

# The console's own sources: the optimised svsm-sim, and an ASan+UBSan one
# for the hosted tests that run the SVSM through it (tests/kbs,
# tests/tpm-server).
sim-console-y := svsm/sim/console.c svsm/sim/console_services.c \
		 svsm/sim/console_kbs.c svsm/sim/tpm_server.c
SIM_CONSOLE_OBJS = $(call objs,hosted,$(sim-console-y))
SIM_CONSOLE_ASAN := $(BUILD)/tests/svsm-sim-asan
SIM_CONSOLE_ASAN_OBJS = $(call objs,asan,$(sim-console-y))

$(SIM_CONSOLE_ASAN): $$(SIM_CONSOLE_ASAN_OBJS) $(ASAN_LIB)
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(ASAN_FLAGS) -o $@ $(SIM_CONSOLE_ASAN_OBJS) $(ASAN_LIB) \
		$(SIM_LDLIBS)

$(SIM_CONSOLE): $$(SIM_CONSOLE_OBJS) $(SIM_LIB)
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) -o $@ $(SIM_CONSOLE_OBJS) $(SIM_LIB) $(SIM_LDLIBS)

ALL_TARGETS += $(SIM_CONSOLE)
HELP += sim|libsvsm-sim.a and its svsm-sim.pc (pkg-config) under $(O)/lib
HELP += svsm-sim|the svsm-sim guest console ($(O)/bin/svsm-sim)

.PHONY: sim svsm-sim
sim: $(SIM_LIB) $(SIM_PC)
svsm-sim: $(SIM_CONSOLE)
