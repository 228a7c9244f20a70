#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# The guest's checks in the whole stack: QEMU 7.2 TCG -> snp-emu -> the
# IGVM image (the SVSM at VMPL0, the test guest at VMPL2). The MEASUREMENT
# of the guest's attestation report must be the digest igvm-measure
# computes; the run passes only if every check passes (the guest exits
# 0x10). With the emulator's guest-request fault the attestation checks
# fail, and so must the run.
#
# Environment (set by `make test-snp-guest-stack`): SNP_EMU, SVSM_IGVM,
# IGVM_MEASURE, EMU_RUN; SNP_STACK_MISSING names what the tree cannot
# build yet (the tests skip saying so).

SMP=2

boot() { # LOG [run.sh options]: the run's status goes to LOG.status
	local log=$1 status=0
	shift
	"$EMU_RUN" --smp "$SMP" --timeout "${SNP_STACK_TIMEOUT:-900}" "$@" \
		"$SNP_EMU" "$SVSM_IGVM" >"$log" 2>&1 </dev/null || status=$?
	echo "$status" >"$log.status"
}

setup_file() {
	[ -z "${SNP_STACK_MISSING:-}" ] || return 0
	: "${SNP_EMU:?}" "${SVSM_IGVM:?}" "${IGVM_MEASURE:?}" "${EMU_RUN:?}"
	boot "$BATS_FILE_TMPDIR/console.log"
}

setup() {
	[ -z "${SNP_STACK_MISSING:-}" ] ||
		skip "the SNP stack cannot be built here yet, missing:$SNP_STACK_MISSING"
	LOG="$BATS_FILE_TMPDIR/console.log"
}

@test "the guest reaches VMPL2 and its report's MEASUREMENT is igvm-measure's" {
	local measured want
	grep -q 'snp-guest: SEV-SNP active .*VMPL2' "$LOG"
	measured=$(sed -n 's/^snp-guest: measurement \([0-9a-f]*\).*/\1/p' "$LOG")
	want=$("$IGVM_MEASURE" --vcpus "$SMP" -b "$SVSM_IGVM")
	echo "guest: $measured"
	echo "igvm-measure: $want"
	[ ${#want} -eq 96 ]
	[ "$measured" = "$want" ]
}

@test "every guest check passes and the run ends with the pass code" {
	grep '^not ok ' "$LOG" || true # shown if the test fails
	grep -q '^1\.\.[0-9]' "$LOG"
	grep -Eq 'snp-guest: [0-9]+ checks, 0 failed, [0-9]+ skipped: PASS' "$LOG"
	[ "$(grep -c '^not ok ' "$LOG")" -eq 0 ]
	[ "$(cat "$LOG.status")" -eq 0 ] # run.sh: the guest wrote 0x10
}

@test "a failing check fails the run (guest requests refused by the host)" {
	boot "$BATS_TEST_TMPDIR/fault.log" --append fault=greq
	run cat "$BATS_TEST_TMPDIR/fault.log"
	[[ "$output" == *"not ok "*"ATTEST_SERVICES"* ]]
	[[ "$output" =~ snp-guest:\ [0-9]+\ checks,\ [1-9][0-9]*\ failed.*FAIL ]]
	[ "$(cat "$BATS_TEST_TMPDIR/fault.log.status")" -ne 0 ]
	[ "$(cat "$BATS_TEST_TMPDIR/fault.log.status")" -ne 124 ]
}
