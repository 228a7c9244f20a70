# SPDX-License-Identifier: MIT
#
# The KBS flow end to end in the hosted build: svsm-sim kbs through
# kbs-proxy (or a malicious proxy) to the test KBS (tests/kbs/test-kbs.py),
# every failure case of docs/KBS.md (the SVSM built with ASan+UBSan), and
# a benchmark of one attestation (the optimised build).

# svsm-sim built with ASan+UBSan, as every hosted test runs the SVSM.
# (svsm/sim/build.mk makes it, with the console's full source list)
KBS_SIM_ASAN := $(SIM_CONSOLE_ASAN)

CHECK_TARGETS += test-kbs
HELP += test-kbs|bats: the SVSM attests to the test KBS via kbs-proxy; every failure case
BENCH_TARGETS += bench-kbs
HELP += bench-kbs|time of one full KBS attestation and its message sizes, vs a plain boot

.PHONY: test-kbs bench-kbs
test-kbs: $(KBS_SIM_ASAN) $$(KBS_PROXY)
	$(Q)SVSM_SIM=$(KBS_SIM_ASAN) KBS_PROXY=$(KBS_PROXY) \
		ASAN_OPTIONS=detect_leaks=1:exitcode=66 bats $(SRCDIR)/tests/kbs/kbs.bats

bench-kbs: $$(SIM_CONSOLE) $$(KBS_PROXY)
	$(Q)SVSM_SIM=$(SIM_CONSOLE) KBS_PROXY=$(KBS_PROXY) \
		bash $(SRCDIR)/tests/kbs/bench.sh
