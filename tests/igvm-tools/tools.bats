#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# The IGVM tools from the command line: igvm-build makes an image from
# small ELFs (and Debian's OVMF.fd), igvm-measure checks, prints, measures
# and signs it. IGVM_BUILD and IGVM_MEASURE are the binaries under test.

setup() {
	: "${IGVM_BUILD:?set IGVM_BUILD}" "${IGVM_MEASURE:?set IGVM_MEASURE}"
	d=$BATS_TEST_TMPDIR
	python3 "$BATS_TEST_DIRNAME/mkelf.py" kernel "$d/k.elf" 1
	python3 "$BATS_TEST_DIRNAME/mkelf.py" guest "$d/g.elf"
}

@test "igvm-build makes an image igvm-measure accepts under the KVM rules" {
	run "$IGVM_BUILD" --kernel "$d/k.elf" --guest "$d/g.elf" -o "$d/a.igvm"
	[ "$status" -eq 0 ]
	run "$IGVM_MEASURE" --check-kvm "$d/a.igvm"
	[ "$status" -eq 0 ]
	[[ "$output" == *"SUPPORTED_PLATFORM         mask 0x1 SEV_SNP"* ]]
	[[ "$output" == *"PARAMETER_INSERT"* ]]
	[[ "$output" == *"VP_CONTEXT                 mask 0x1 gpa 0xfffffffff000 vp 0"* ]]
	[[ "$output" == *"SEV-SNP launch digest (1 vCPU"* ]]
	run "$IGVM_MEASURE" -b "$d/a.igvm"
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^[0-9a-f]{96}$ ]]
}

@test "two builds are byte-identical; more vCPUs change the digest" {
	"$IGVM_BUILD" --kernel "$d/k.elf" --guest "$d/g.elf" -o "$d/a.igvm"
	"$IGVM_BUILD" --kernel "$d/k.elf" --guest "$d/g.elf" -o "$d/b.igvm"
	cmp "$d/a.igvm" "$d/b.igvm"
	one=$("$IGVM_MEASURE" -b "$d/a.igvm")
	two=$("$IGVM_MEASURE" -b --vcpus 2 "$d/a.igvm")
	[ "$one" != "$two" ]
}

@test "a damaged file is refused with the reason" {
	"$IGVM_BUILD" --kernel "$d/k.elf" -o "$d/a.igvm"
	printf '\001' | dd of="$d/a.igvm" bs=1 seek=40 conv=notrunc 2>/dev/null
	run "$IGVM_MEASURE" "$d/a.igvm"
	[ "$status" -eq 1 ]
	[[ "$output" == *"checksum"* ]]
	run "$IGVM_MEASURE" "$d/missing.igvm"
	[ "$status" -eq 2 ]
}

@test "the kernel needs its SVSM note or --entry" {
	python3 "$BATS_TEST_DIRNAME/mkelf.py" kernel "$d/bare.elf"
	run "$IGVM_BUILD" --kernel "$d/bare.elf" -o "$d/a.igvm"
	[ "$status" -eq 1 ]
	[[ "$output" == *'no "SVSM" SNP entry note'* ]]
	run "$IGVM_BUILD" --kernel "$d/bare.elf" --entry 0x8000100 -o "$d/a.igvm"
	[ "$status" -eq 0 ]
}

@test "--id-block signs an ID block: -o writes it, the digest stays" {
	openssl ecparam -name secp384r1 -genkey -noout -out "$d/id.pem"
	"$IGVM_BUILD" --kernel "$d/k.elf" --guest "$d/g.elf" -o "$d/a.igvm"
	digest=$("$IGVM_MEASURE" -b "$d/a.igvm")
	run "$IGVM_MEASURE" -q --id-block "$d/id.pem" "$d/a.igvm"
	[ "$status" -eq 0 ]
	[[ "$output" == *"id_block.ld           $digest"* ]]
	[[ "$output" == *"id_auth.key.curve     2"* ]]
	run "$IGVM_MEASURE" -q --id-block "$d/id.pem" -o "$d/s.igvm" "$d/a.igvm"
	[ "$status" -eq 0 ]
	run "$IGVM_MEASURE" --check-kvm "$d/s.igvm"
	[ "$status" -eq 0 ]
	[[ "$output" == *"SNP_ID_BLOCK               mask 0x1 ld $digest"* ]]
	[ "$("$IGVM_MEASURE" -b "$d/s.igvm")" = "$digest" ]
	openssl ecparam -name prime256v1 -genkey -noout -out "$d/p256.pem"
	run "$IGVM_MEASURE" -q --id-block "$d/p256.pem" "$d/a.igvm"
	[ "$status" -eq 2 ]
	[[ "$output" == *"not an ECDSA P-384 key"* ]]
}

@test "an ID block for another digest is refused" {
	openssl ecparam -name secp384r1 -genkey -noout -out "$d/id.pem"
	"$IGVM_BUILD" --kernel "$d/k.elf" -o "$d/a.igvm"
	"$IGVM_MEASURE" -q --id-block "$d/id.pem" -o "$d/s.igvm" "$d/a.igvm"
	# Measure the signed file as if it had 2 vCPUs: the digest moves.
	run "$IGVM_MEASURE" -q --vcpus 2 "$d/s.igvm"
	[ "$status" -eq 1 ]
	[[ "$output" == *"the ID block's digest differs"* ]]
	run "$IGVM_MEASURE" -q --vcpus 2 --ignore-id-block "$d/s.igvm"
	[ "$status" -eq 0 ]
}

@test "igvm-build reads OVMF's SEV metadata and packs OVMF as the guest" {
	run "$IGVM_BUILD" --ovmf-info /usr/share/ovmf/OVMF.fd
	[ "$status" -eq 0 ]
	[[ "$output" == *"ovmf: SNP_SECRETS"* ]]
	[[ "$output" == *"ovmf: CPUID"* ]]
	run "$IGVM_BUILD" --kernel "$d/k.elf" --guest /usr/share/ovmf/OVMF.fd \
		-o "$d/o.igvm"
	[ "$status" -eq 0 ]
	run "$IGVM_MEASURE" -b --check-kvm "$d/o.igvm"
	[ "$status" -eq 0 ]
	run "$IGVM_BUILD" --ovmf-info "$d/k.elf"
	[ "$status" -eq 1 ]
}

@test "sev-snp-measure's hardware-measured SVSM vectors (SNP_MEASURE_FIXTURES)" {
	# Opt-in: SNP_MEASURE_FIXTURES=DIR holding svsm.bin and svsm_ovmf.fd
	# from sev-snp-measure's tests/fixtures (4.7 MB, not in this tree).
	[ -n "${SNP_MEASURE_FIXTURES:-}" ] || skip "SNP_MEASURE_FIXTURES not set"
	python3 "$BATS_TEST_DIRNAME/published-vectors.py" \
		"$SNP_MEASURE_FIXTURES" "$d/v.igvm"
	run "$IGVM_MEASURE" -b --native-zero --vcpus 2 "$d/v.igvm"
	[ "$output" = 9b94745036aafddf4f7f8b00c7513abb5b7703178cb95aaa57928bd963d68d3bfcb715d6019b9167ee2517b11b0d9be7 ]
	run "$IGVM_MEASURE" -b --native-zero --vcpus 4 "$d/v.igvm"
	[ "$output" = 27d154c27b7b359c935e250ec6fee72aa0ae8c1225e3b0e1cf46a9567e938066d7d6f94bbdc4a857818bdb79277a44b2 ]
}
