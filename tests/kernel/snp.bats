#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# The kernel's SNP boot under the SNP emulator (snp-emu): the IGVM image
# ($(O)/svsm.igvm: kernel + test guest) boots through the SNP entry, the
# banner says platform snp with every vCPU online, the guest starts at
# VMPL2 and its calls are served; the vTPM is manufactured after the guest
# started (on the last vCPU, or by the first vTPM call with one vCPU).
# The guest's own verdict is not asserted here (tests/snp-guest does), nor
# that the vTPM finished: the guest may end the run first.
#
# The kernel keeps a copy of the guest's launched ranges for a reboot: a
# guest too large to copy boots without the reboot protocol.
#
# Environment (set by `make test-kernel-snp`): SRCDIR, EMU_ELF, SVSM_IGVM,
# KERNEL_ELF, IGVM_BUILD.

setup() {
	: "${SRCDIR:?}" "${EMU_ELF:?}" "${SVSM_IGVM:?}"
	VERSION=$(cat "$SRCDIR/release/VERSION")
}

# Line number of the first line of $output matching $1 (0: none).
line_of() {
	echo "$output" | grep -n -m1 -F -- "$1" | cut -d: -f1 || true
}

@test "2 vCPUs: platform snp, both online, guest at VMPL2 served, vTPM made after" {
	run "$SRCDIR/snp-emu/run.sh" --smp 2 --timeout 300 "$EMU_ELF" "$SVSM_IGVM"
	echo "$output"
	[[ "$output" == *"SVSM kernel $VERSION booting (SNP, C-bit 51)"* ]]
	[[ "$output" == *"SVSM $VERSION, platform snp"* ]]
	[[ "$output" == *"CPU 1 (APIC ID 1) online"* ]]
	[[ "$output" == *"CPUs: 2 of 2 online"* ]]
	[[ "$output" == *"vTPM: starting on the last CPU"* ]]
	[[ "$output" == *"guest: VMPL2, 32-bit ELF, entry 0x"* ]]
	[[ "$output" == *"reboot: kept "*" KiB of the guest's launch"* ]]
	[[ "$output" != *"no reboot protocol"* ]]
	# The guest found the SVSM and the request loop answered it.
	[[ "$output" == *"ok 1 - QUERY_PROTOCOL core v1: versions 1-1"* ]]
	[[ "$output" == *"QUERY_PROTOCOL vTPM v1: versions 1-1"* ]]
	# The vTPM was made after the banner, which the boot vCPU prints just
	# before it runs the guest (on CPU 1, in the background: it may still
	# be at work when the guest ends the run). The SVSM's lines never mix
	# (console lock); the guest's may mix with CPU 1's: match loosely.
	ready=$(line_of "svsm: ready")
	guest=$(line_of "snp-guest")
	vtpm=$(line_of "vtpm: started in")
	[ -n "$ready" ] && [ -n "$guest" ] && [ "$guest" -gt "$ready" ]
	[ -z "$vtpm" ] || [ "$vtpm" -gt "$ready" ]
	[[ "$output" != *"PANIC"* ]]
}

@test "1 vCPU: the guest starts first, QUERY_PROTOCOL reports the pending vTPM" {
	run "$SRCDIR/snp-emu/run.sh" --smp 1 --timeout 300 "$EMU_ELF" "$SVSM_IGVM"
	echo "$output"
	[[ "$output" == *"SVSM $VERSION, platform snp"* ]]
	[[ "$output" == *"CPUs: 1 of 1 online"* ]]
	[[ "$output" == *"vTPM: starts with the first call"* ]]
	[[ "$output" == *"ok 5 - QUERY_PROTOCOL vTPM v1: versions 1-1"* ]]
	# Nothing made the vTPM before the guest ran.
	guest=$(line_of "snp-guest")
	vtpm=$(line_of "vtpm: started in")
	[ -n "$guest" ]
	[ -z "$vtpm" ] || [ "$vtpm" -gt "$guest" ]
	[[ "$output" != *"PANIC"* ]]
}

@test "a guest too large to keep: no reboot protocol, the SVSM boots all the same" {
	: "${KERNEL_ELF:?}" "${IGVM_BUILD:?}"
	# One launched range of 6 MiB: more than one allocation (4 MiB) holds.
	python3 "$SRCDIR/tests/igvm-tools/mkelf.py" guest \
		"$BATS_TEST_TMPDIR/big.elf" 0x600000
	run "$IGVM_BUILD" --kernel "$KERNEL_ELF" --guest "$BATS_TEST_TMPDIR/big.elf" \
		-o "$BATS_TEST_TMPDIR/big.igvm"
	[ "$status" -eq 0 ]
	# The guest only halts: the run ends on the timeout.
	run "$SRCDIR/snp-emu/run.sh" --smp 1 --timeout 60 "$EMU_ELF" \
		"$BATS_TEST_TMPDIR/big.igvm"
	echo "$output"
	[[ "$output" == *"no room for a copy of the guest's range 0x"*" (61"*" KiB)"* ]]
	[[ "$output" == *"the guest's launch memory cannot be kept, no reboot protocol"* ]]
	[[ "$output" == *"svsm: ready"* ]]
	[[ "$output" != *"PANIC"* ]]
}
