# SPDX-License-Identifier: MIT
#
# The KBS flow end to end in the hosted build: svsm-sim kbs through
# kbs-proxy (or a malicious proxy) to the test KBS (tests/kbs/test-kbs.py),
# every failure case of docs/KBS.md, and a benchmark of one attestation.

CHECK_TARGETS += test-kbs
HELP += test-kbs|bats: the SVSM attests to the test KBS via kbs-proxy; every failure case
BENCH_TARGETS += bench-kbs
HELP += bench-kbs|time of one full KBS attestation and its message sizes, vs a plain boot

.PHONY: test-kbs bench-kbs
test-kbs: $$(SIM_CONSOLE) $$(KBS_PROXY)
	$(Q)SVSM_SIM=$(SIM_CONSOLE) KBS_PROXY=$(KBS_PROXY) \
		bats $(SRCDIR)/tests/kbs/kbs.bats

bench-kbs: $$(SIM_CONSOLE) $$(KBS_PROXY)
	$(Q)SVSM_SIM=$(SIM_CONSOLE) KBS_PROXY=$(KBS_PROXY) \
		bash $(SRCDIR)/tests/kbs/bench.sh
