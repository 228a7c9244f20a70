#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# The guest's checks in the whole stack: QEMU 7.2 TCG -> snp-emu -> the
# IGVM image (the SVSM at VMPL0, the test guest at VMPL2). The run passes
# only if every check passes (the guest exits 0x10), and the MEASUREMENT
# of the guest's attestation report is the digest igvm-measure computes.
# With the emulator's guest-request fault, the attestation checks fail and
# so must the run.
#
# Environment (set by `make test-snp-guest-stack`): SNP_EMU, SVSM_IGVM,
# IGVM_MEASURE, EMU_RUN; SNP_STACK_MISSING names what the tree cannot
# build yet (the tests skip saying so).

SMP=2

setup() {
	[ -z "${SNP_STACK_MISSING:-}" ] ||
		skip "the SNP stack cannot be built here yet, missing:$SNP_STACK_MISSING"
	: "${SNP_EMU:?}" "${SVSM_IGVM:?}" "${IGVM_MEASURE:?}" "${EMU_RUN:?}"
}

boot() {
	run "$EMU_RUN" --smp "$SMP" --timeout "${SNP_STACK_TIMEOUT:-900}" "$@" \
		"$SNP_EMU" "$SVSM_IGVM"
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/console.log"
}

@test "every guest check passes under the SVSM, MEASUREMENT = igvm-measure" {
	local measured want
	boot
	[ "$status" -eq 0 ]
	[[ "$output" == *"snp-guest: started"* ]]
	[[ "$output" == *"VMPL2"* ]]
	[[ "$output" =~ snp-guest:\ [0-9]+\ checks,\ 0\ failed.*PASS ]]
	[[ "$output" != *"not ok "* ]]
	measured=$(sed -n 's/^snp-guest: measurement \([0-9a-f]*\).*/\1/p' \
		"$BATS_TEST_TMPDIR/console.log")
	want=$("$IGVM_MEASURE" --vcpus "$SMP" -b "$SVSM_IGVM")
	[ ${#want} -eq 96 ]
	[ "$measured" = "$want" ]
}

@test "a failing check fails the run (guest requests refused by the host)" {
	boot --append fault=greq
	[ "$status" -ne 0 ]
	[ "$status" -ne 124 ]
	[[ "$output" == *"not ok "*"ATTEST_SERVICES"* ]]
	[[ "$output" =~ snp-guest:\ [0-9]+\ checks,\ [1-9][0-9]*\ failed.*FAIL ]]
}
