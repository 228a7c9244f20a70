#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# The test guest outside SEV-SNP: plain QEMU boots it as a PVH ELF
# (`-kernel`); it must find no SEV-SNP, say so on COM1 and end the run
# through isa-debug-exit with its "no SVSM" code (0x12: QEMU status 37),
# never with the pass code, whatever serial ports exist.
#
# Environment (set by `make test-snp-guest-native`): SNP_GUEST.

setup() {
	: "${SNP_GUEST:?}"
}

boot() {
	run timeout 60 qemu-system-x86_64 -machine q35,accel=tcg -m 256M \
		-display none -monitor none -no-reboot \
		-device isa-debug-exit,iobase=0xf4,iosize=4 \
		-serial stdio "$@" -kernel "$SNP_GUEST" </dev/null
}

@test "boots as PVH in plain QEMU and reports that there is no SVSM" {
	boot
	[ "$status" -eq 37 ]
	[[ "$output" == *"snp-guest: started"* ]]
	[[ "$output" == *"snp-guest: PVH boot, start info at 0x"* ]]
	[[ "$output" == *"SEV-SNP is not active (SEV_STATUS 0x0): no SVSM to test"* ]]
	[[ "$output" != *"PASS"* ]]
}

@test "with the TPM ports present it still ends at once: nothing to bridge" {
	boot -serial null -serial null
	[ "$status" -eq 37 ]
	[[ "$output" == *"no SVSM to test"* ]]
	[[ "$output" != *"tpm bridge"* ]]
}

@test "the image is a PVH ELF linked at 16 MiB with every page file-backed" {
	run readelf -lW "$SNP_GUEST"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Entry point 0x1000000"* ]]
	# Every PT_LOAD has FileSiz == MemSiz (nothing left unmeasured).
	run awk '$1 == "LOAD" && $5 != $6 { bad = 1 } END { exit bad }' \
		<(readelf -lW "$SNP_GUEST")
	[ "$status" -eq 0 ]
	run readelf -nW "$SNP_GUEST"
	[[ "$output" == *"Xen"* ]]
	[[ "$output" == *"0x00000012"* || "$output" == *"PHYS32_ENTRY"* ]]
}
