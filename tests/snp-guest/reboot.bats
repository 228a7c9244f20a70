#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# The guest reboots itself through the SVSM, in the whole stack: QEMU 7.2
# TCG -> snp-emu -> the IGVM image (the SVSM kernel at VMPL0, the test
# guest at VMPL2). COM2 carries the mode byte for each boot (a pipe fed
# "RR" or "AA"): the first boot runs every check, writes a TPM NV index
# and calls SVSM_REBOOT_EXECUTE, from its boot vCPU (R; its AP deleted by
# the vCPU checks) or from an AP it starts while the boot vCPU runs on at
# VMPL2 (A: the SVSM has snp-emu force the boot vCPU out of the guest);
# the second boot finds the index and checks that the
# image is the launch's again, the pages it had validated are not, no AP
# VMSA is left, the vTPM was reset (PCR 16 zero, Startup works again)
# and the secrets page is the first boot's. The run passes only if the
# second boot exits with the pass code.
#
# Environment (set by `make test-snp-guest-reboot`): SNP_EMU, SVSM_IGVM;
# SNP_STACK_MISSING names what the tree cannot build yet (the tests skip
# saying so). The consoles, each line prefixed with the host's time, are
# kept in $BATS_FILE_TMPDIR/{R,A}.log; bench-snp-guest-reboot prints the
# times (tests/snp-guest/run-reboot.sh).

SMP=2

setup_file() {
	[ -z "${SNP_STACK_MISSING:-}" ] || return 0
	: "${SNP_EMU:?}" "${SVSM_IGVM:?}"
	for mode in R A; do
		REBOOT_LOG="$BATS_FILE_TMPDIR/$mode.log" \
			"$BATS_TEST_DIRNAME/run-reboot.sh" --smp "$SMP" \
			--mode "$mode" --timeout "${SNP_STACK_TIMEOUT:-900}" \
			"$SNP_EMU" "$SVSM_IGVM" \
			>"$BATS_FILE_TMPDIR/$mode.status" 2>&1 || true
	done
}

setup() {
	[ -z "${SNP_STACK_MISSING:-}" ] ||
		skip "the SNP stack cannot be built here yet, missing:$SNP_STACK_MISSING"
}

# The console lines of boot N (1 or 2) in the run of mode M, without times.
boot_lines() { # M N
	awk -v n="$2" '{ sub(/^[0-9.]+ /, "") }
		/^snp-guest: started/ { boot++ }
		boot == n' "$BATS_FILE_TMPDIR/$1.log"
}

first_boot() { # M APIC SUFFIX: the first boot passes, reboots from APIC
	cat "$BATS_FILE_TMPDIR/$1.status"
	run boot_lines "$1" 1
	echo "$output" | grep '^not ok ' || true # shown if the test fails
	[[ "$output" == *"reboot test: first boot"* ]]
	[[ "$output" == *"ok "*"reboot: TPM2_NV_Write: 0x0"* ]]
	[[ "$output" == *"snp-guest: rebooting through the SVSM$3"* ]]
	[[ "$output" != *"not ok "* ]]
	[[ "$output" != *"SVSM_REBOOT_EXECUTE returned"* ]]
	grep -q "reboot: guest restart requested on vCPU $2" \
		"$BATS_FILE_TMPDIR/$1.log"
	grep -q 'reboot: guest restarting (1)' "$BATS_FILE_TMPDIR/$1.log"
}

second_boot() { # M WHO: the second boot's checks pass, the run passes
	run boot_lines "$1" 2
	echo "$output" | grep '^not ok ' || true
	[[ "$output" == *"snp-guest: second boot after a reboot called by $2"* ]]
	for want in "the image is the launch's again" \
		"the secrets page equals the first boot's" \
		"PCR 16 reads as reset" \
		"TPM2_Startup(CLEAR) succeeds again" \
		"the 4 KiB page validated before is not" \
		"the first boot's AP VMSA is unknown" \
		"the AP's VMSA page is neither a VMSA nor validated"; do
		echo "$output" | grep -q "^ok [0-9]* - reboot: $want" ||
			{ echo "missing: $want"; return 1; }
	done
	[[ "$output" =~ snp-guest:\ [0-9]+\ checks,\ 0\ failed.*PASS ]]
	[[ "$output" != *"not ok "* ]]
	# One reboot only: a third boot would wait for a third mode byte.
	[ "$(grep -c 'snp-guest: started' "$BATS_FILE_TMPDIR/$1.log")" -eq 2 ]
	grep -q '^status 0$' "$BATS_FILE_TMPDIR/$1.status"
}

@test "boot vCPU: the first boot passes its checks and reboots through the SVSM" {
	first_boot R 0 ""
}

@test "boot vCPU: the second boot finds a newly launched guest, the run passes" {
	second_boot R "the boot vCPU"
}

@test "AP: the first boot reboots from an AP while the boot vCPU runs" {
	first_boot A 1 " from an AP"
}

@test "AP: the second boot finds a newly launched guest, the run passes" {
	second_boot A "an AP"
}
