#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# The svsm-sim guest console: commands from arguments and stdin, results
# printed with result-code names. SVSM_SIM is the binary under test.

setup() {
	: "${SVSM_SIM:?set SVSM_SIM to the svsm-sim binary}"
}

@test "query prints the result name and the version range" {
	run "$SVSM_SIM" query 0 1
	[ "$status" -eq 0 ]
	[[ "$output" == *"SVSM_SUCCESS (0) rcx=0x100000001"* ]]
}

@test "commands from stdin validate, use and invalidate a page" {
	run "$SVSM_SIM" <<-'EOF'
		pvalidate 0x200000
		poke 0x200000 0x42
		peek 0x200000
		pvalidate 0x200000 inval
		peek 0x200000
	EOF
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "SVSM_SUCCESS (0) rcx=0x4008 rdx=0 r8=0" ]
	[ "${lines[1]}" = "ok" ]
	[ "${lines[2]}" = "0x42" ]
	[ "${lines[4]}" = "fault -1" ]
}

@test "errors are named: SVSM memory, bad calls, unknown protocols" {
	run "$SVSM_SIM" pvalidate 0xF000000 \; call 0x0000000900000000 \; \
		call 99 \; remap-ca 0x4001
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == SVSM_ERR_INVALID_ADDRESS* ]]
	[[ "${lines[1]}" == SVSM_ERR_UNSUPPORTED_PROTOCOL* ]]
	[[ "${lines[2]}" == SVSM_ERR_UNSUPPORTED_CALL* ]]
	[[ "${lines[3]}" == SVSM_ERR_INVALID_PARAMETER* ]]
}

@test "an AP is created, called and deleted" {
	run "$SVSM_SIM" pvalidate 0x10000 \; pvalidate 0x11000 \; \
		create-vcpu 0x10000 0x11000 1 \; vcpu 1 \; query 0 1 \; \
		vcpu 0 \; delete-vcpu 0x10000 \; vcpu 1 \; query 0 1
	# The last call cannot run (no VMSA on vCPU 1): the status says so.
	[ "$status" -eq 1 ]
	[[ "${lines[2]}" == "SVSM_SUCCESS (0) rcx=0x10000"* ]]
	[[ "${lines[3]}" == "SVSM_SUCCESS (0) rcx=0x100000001"* ]]
	[[ "${lines[4]}" == SVSM_SUCCESS* ]]
	[[ "${lines[5]}" == "call failed"* ]]
}

@test "deposit and withdraw list the page" {
	run "$SVSM_SIM" pvalidate 0x300000 \; deposit 0x300000 \; \
		peek 0x300000 \; withdraw
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == SVSM_SUCCESS* ]]
	[ "${lines[2]}" = "fault -2" ]
	[ "${lines[4]}" = "  page 0x300000" ]
}

@test "a bad option prints the usage" {
	run "$SVSM_SIM" --bogus
	[ "$status" -eq 2 ]
	[[ "$output" == *usage* ]]
}

@test "an unknown command fails the run" {
	run "$SVSM_SIM" frobnicate
	[ "$status" -eq 1 ]
	[[ "$output" == *"unknown or incomplete command"* ]]
}

@test "a vCPU number out of range is refused" {
	run "$SVSM_SIM" vcpu 300
	[ "$status" -eq 1 ]
	[ "$output" = "no vCPU 300" ]
}
