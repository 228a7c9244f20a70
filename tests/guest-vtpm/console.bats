#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# The svsm-sim console's vTPM and attestation commands, end to end with
# svsm-verify. SVSM_SIM and SVSM_VERIFY are the binaries under test.

setup() {
	: "${SVSM_SIM:?set SVSM_SIM}" "${SVSM_VERIFY:?set SVSM_VERIFY}"
}

@test "tpm query offers TPM_SEND_COMMAND" {
	run "$SVSM_SIM" tpm query
	[ "$status" -eq 0 ]
	[[ "$output" == *"SVSM_SUCCESS (0) rcx=0x100 rdx=0"* ]]
}

@test "tpm commands run and PCR_Extend computes SHA-256(old || digest)" {
	run "$SVSM_SIM" tpm startup ";" tpm random 8 ";" tpm extend 16 0x11 \
		";" tpm read 16
	[ "$status" -eq 0 ]
	# 8 random bytes as 16 hex digits on their own line
	printf '%s\n' "${lines[@]}" | grep -Eq '^[0-9a-f]{16}$'
	expect=$( (head -c 32 /dev/zero; printf '\021%.0s' $(seq 32)) |
		sha256sum | cut -d' ' -f1)
	[ "${lines[${#lines[@]}-1]}" = "$expect" ]
}

@test "attest writes a report that svsm-verify accepts, and a tampered one it refuses" {
	dir=$BATS_TEST_TMPDIR/att
	mkdir -p "$dir"
	run "$SVSM_SIM" attest "$dir"
	[ "$status" -eq 0 ]
	[[ "$output" == *"report 1184 bytes"* ]]
	run "$SVSM_VERIFY" --report "$dir/report.bin" --certs "$dir/certs.bin" \
		--nonce "$dir/nonce.bin" --manifest "$dir/manifest.bin"
	[ "$status" -eq 0 ]
	[[ "$output" == *"vtpm_ek_type       RSA"* ]]
	[[ "$output" == *"OK: chain ARK -> ASK -> VCEK"* ]]
	# the same bytes re-split: the nonce takes the manifest's first byte
	cat "$dir/nonce.bin" <(head -c 1 "$dir/manifest.bin") >"$dir/nonce65"
	tail -c +2 "$dir/manifest.bin" >"$dir/manifest-1"
	run "$SVSM_VERIFY" --report "$dir/report.bin" --certs "$dir/certs.bin" \
		--nonce "$dir/nonce65" --manifest "$dir/manifest-1"
	[ "$status" -eq 1 ]
	[[ "$output" == *"FAILED: the nonce must be exactly 64 bytes"* ]]
	# one flipped byte of the measurement
	printf '\377' | dd of="$dir/report.bin" bs=1 seek=$((0x90)) conv=notrunc 2>/dev/null
	run "$SVSM_VERIFY" --report "$dir/report.bin" --certs "$dir/certs.bin"
	[ "$status" -eq 1 ]
	[[ "$output" == *"FAILED: report signature does not verify"* ]]
}

@test "svsm-verify --expect-measurement accepts the report's digest only" {
	dir=$BATS_TEST_TMPDIR/att
	mkdir -p "$dir"
	run "$SVSM_SIM" attest "$dir"
	[ "$status" -eq 0 ]
	run "$SVSM_VERIFY" --report "$dir/report.bin" --certs "$dir/certs.bin"
	[ "$status" -eq 0 ]
	m=$(printf '%s\n' "$output" | awk '$1 == "measurement" { print $2 }')
	[ "${#m}" -eq 96 ]
	run "$SVSM_VERIFY" --report "$dir/report.bin" --certs "$dir/certs.bin" \
		--expect-measurement "$m" --quiet
	[ "$status" -eq 0 ]
	[[ "$output" == *"MEASUREMENT verified"* ]]
	# another digest: the last digit changed
	last=${m: -1}
	other=${m%?}$([ "$last" = 0 ] && echo 1 || echo 0)
	run "$SVSM_VERIFY" --report "$dir/report.bin" --certs "$dir/certs.bin" \
		--expect-measurement "$other"
	[ "$status" -eq 1 ]
	[[ "$output" == *"FAILED: MEASUREMENT $m is not the expected launch digest $other"* ]]
	run "$SVSM_VERIFY" --report "$dir/report.bin" --certs "$dir/certs.bin" \
		--expect-measurement 1234
	[ "$status" -eq 1 ]
	[[ "$output" == *"wants 96 hex digits"* ]]
}

@test "without a vTPM the protocol is absent" {
	run "$SVSM_SIM" --no-vtpm tpm query
	[ "$status" -eq 0 ]
	[[ "$output" == *"SVSM_ERR_UNSUPPORTED_PROTOCOL"* ]]
}

@test "a malformed tpm command is refused without a call" {
	run "$SVSM_SIM" tpm random
	[ "$status" -eq 1 ]
	[[ "$output" == *"unknown or incomplete tpm command"* ]]
}
