#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# The test guest's SNP entry under the software SNP machine (snp-emu)
# without an SVSM: packed by igvm-build as the VMPL0 image (the place of
# the SVSM), it must get through its 32-bit entry (SEV_STATUS, C-bit page
# tables, long mode) and find, as Linux's svsm_setup_ca does with its
# RMPADJUST probe, that it runs at VMPL0: then it asks the hypervisor to
# terminate it with Linux's "no SVSM" reason (set 1, code 7).
#
# Environment (set by `make test-snp-guest-emu`): SNP_GUEST, SNP_EMU,
# IGVM_BUILD, EMU_RUN; SNP_EMU_MISSING names what the tree cannot build.

setup() {
	[ -z "${SNP_EMU_MISSING:-}" ] ||
		skip "no software SNP machine here, missing:$SNP_EMU_MISSING"
	: "${SNP_GUEST:?}" "${SNP_EMU:?}" "${IGVM_BUILD:?}" "${EMU_RUN:?}"
}

@test "under snp-emu at VMPL0 the guest finds no SVSM and terminates (1, 7)" {
	run "$IGVM_BUILD" --kernel "$SNP_GUEST" --entry 0x1000000 \
		--svsm-base 0x1000000 --svsm-size 0x1000000 \
		-o "$BATS_TEST_TMPDIR/vmpl0.igvm"
	[ "$status" -eq 0 ]
	run "$EMU_RUN" --smp 1 --timeout 120 "$SNP_EMU" \
		"$BATS_TEST_TMPDIR/vmpl0.igvm"
	[[ "$output" == *"VMPL0 asked to terminate: reason set 1 code 7"* ]]
	[[ "$output" != *"trap"* ]]
	[ "$status" -ne 124 ]
}
