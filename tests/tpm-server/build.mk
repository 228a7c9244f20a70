# SPDX-License-Identifier: MIT
#
# svsm-sim tpm-server: tpm2-tools against the SVSM's vTPM over the mssim
# protocol (bats), `make run-tpm-server`, and its benchmark against swtpm.

TPM_SERVER_PORT ?= 2321
TPM_SERVER_STATE ?= $(BUILD)/tpm-state

CHECK_TARGETS += test-tpm-server
HELP += test-tpm-server|tpm2-tools against svsm-sim tpm-server: keys, quotes, NV, sealing, restarts, reset, kill -9, damaged state
HELP += run-tpm-server|serve the vTPM on 127.0.0.1:$(TPM_SERVER_PORT)/+1 (mssim), state in $(TPM_SERVER_STATE)
BENCH_TARGETS += bench-tpm-server
HELP += bench-tpm-server|a tpm2-tools sequence: svsm-sim tpm-server vs swtpm (ratio); bytes and time per persistent NV_Write

.PHONY: test-tpm-server run-tpm-server bench-tpm-server
test-tpm-server: $(SIM_CONSOLE_ASAN)
	$(Q)SVSM_SIM=$(SIM_CONSOLE_ASAN) bats $(SRCDIR)/tests/tpm-server/tpm-server.bats

# A key made once beside the state (keep it apart from the state in real
# use: whoever has both has the TPM).
run-tpm-server: $(SIM_CONSOLE)
	@mkdir -p $(TPM_SERVER_STATE)
	@[ -f $(TPM_SERVER_STATE).key ] || \
		head -c 32 /dev/urandom >$(TPM_SERVER_STATE).key
	@echo "TPM2TOOLS_TCTI=mssim:host=127.0.0.1,port=$(TPM_SERVER_PORT)"
	$(Q)$(SIM_CONSOLE) tpm-server --port $(TPM_SERVER_PORT) \
		--state $(TPM_SERVER_STATE) --key $(TPM_SERVER_STATE).key

bench-tpm-server: $(SIM_CONSOLE)
	$(Q)SVSM_SIM=$(SIM_CONSOLE) $(SRCDIR)/tests/tpm-server/bench.sh

# The state directory and keys through libsvsm-sim (cmocka, ASan+UBSan).
STATE_SIM_SRCS := tests/tpm-server/state_sim_test.c
STATE_SIM_OBJS = $(call objs,asan,$(STATE_SIM_SRCS))
STATE_SIM_BIN := $(BUILD)/tests/tpm-server/test-vtpm-state-sim

$(STATE_SIM_BIN): $$(STATE_SIM_OBJS) $(ASAN_LIB)
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(ASAN_FLAGS) -o $@ $(STATE_SIM_OBJS) $(ASAN_LIB) \
		-lcmocka $(SIM_LDLIBS)

CHECK_TARGETS += test-vtpm-state-sim
HELP += test-vtpm-state-sim|the persistent vTPM state via libsvsm-sim: key file secret, KBS-released key, refusals, reset

.PHONY: test-vtpm-state-sim
test-vtpm-state-sim: $(STATE_SIM_BIN)
	$(Q)ASAN_OPTIONS=detect_leaks=1 $(STATE_SIM_BIN)
