# SPDX-License-Identifier: MIT
#
# ci/dco-check: its bats suite and its benchmark. The suite's scratch
# repositories live under $(BUILD)/tests/dco (bats' TMPDIR).

CHECK_TARGETS += test-dco
BENCH_TARGETS += bench-dco
HELP += test-dco|ci/dco-check: sign-off, body, Co-developed-by, remediation, ranges (bats)
HELP += bench-dco|ci/dco-check on 10000 commits as a ratio to a bare git log (limit 3x)

.PHONY: test-dco bench-dco
test-dco:
	@mkdir -p $(BUILD)/tests/dco
	$(Q)TMPDIR=$(BUILD)/tests/dco bats $(SRCDIR)/tests/dco

bench-dco:
	$(Q)$(SRCDIR)/tests/dco/bench.sh $(BUILD)/bench/dco
