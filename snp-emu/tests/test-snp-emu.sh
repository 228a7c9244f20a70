#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The emulator's in-QEMU tests: each scenario boots snp-emu with one IGVM
# file of the test payload and checks the run's outcome and its console.
#
#   test-snp-emu.sh RUN.sh EMU.elf IGVM_DIR IGVM_MEASURE
set -u

run=$1
emu=$2
dir=$3
measure=$4
fails=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# scenario NAME IGVM EXPECTED_STATUS PATTERN [RUN ARGS...]
scenario() {
	name=$1 igvm=$2 want=$3 pattern=$4
	shift 4
	status=0
	"$run" --timeout 90 "$@" "$emu" "$dir/payload-$igvm.igvm" \
		>"$log" 2>&1 || status=$?
	if [ "$status" = "$want" ] && grep -q -- "$pattern" "$log" &&
		! grep -q "BUG:\|panic:" "$log"; then
		echo "ok   $name"
	else
		echo "FAIL $name (status $status, want $want; pattern '$pattern')"
		sed 's/^/    | /' "$log"
		fails=$((fails + 1))
	fi
}

scenario "every check at VMPL0 and VMPL2, 2 vCPUs" checks 0 \
	"payload: all checks passed" --smp 2
if grep -q "PSP firmware started" "$log"; then
	echo "ok   the PSP firmware answered the guest request"
else
	echo "FAIL the PSP firmware did not start"
	fails=$((fails + 1))
fi
# The PSP's launch digest is igvm-measure's (one launch walk).
want=$("$measure" -b --vcpus 2 "$dir/payload-checks.igvm")
got=$(sed -n 's/.*launch digest (PSP) \([0-9a-f]*\).*/\1/p' "$log")
if [ -n "$want" ] && [ "$got" = "$want" ]; then
	echo "ok   the launch digest equals igvm-measure --vcpus 2"
else
	echo "FAIL the launch digest '$got' is not igvm-measure's '$want'"
	fails=$((fails + 1))
fi
scenario "a failing check fails the run (PSC refused, payload expects it to work)" \
	checks 1 "payload: VMPL0 FAIL GHCB MSR PSC to shared" --append fault=psc
scenario "VMPL2 reading VMPL0 memory is stopped and reported" touch-vmpl0 1 \
	"RMP violation: vCPU 0 VMPL2 read GPA .*no permission"
scenario "VMPL2 touching a VMSA is stopped and reported" touch-vmsa 1 \
	"RMP violation: vCPU 0 VMPL2 read GPA .*a VMSA page"
scenario "hypervisor refuses page state changes (fault=psc)" fault-psc 0 \
	"fault injection: page state change refused" --append fault=psc
scenario "hypervisor refuses AP creation (fault=ap)" fault-ap 0 \
	"fault injection: AP creation of vCPU 1 refused" --append fault=ap
scenario "hypervisor answers guest requests INVALID_LEN (fault=greq)" \
	fault-greq 0 "fault injection: guest request answered INVALID_LEN" \
	--append fault=greq
scenario "hypervisor answers guest requests BUSY (fault=greq-busy)" \
	fault-greq-busy 0 "fault injection: guest request answered BUSY" \
	--append fault=greq-busy
scenario "a termination request prints its reason and fails the run" \
	terminate 1 "asked to terminate: reason set 1 code 7"
scenario "one vCPU: no AP, the VMPL2 checks still run" checks 0 \
	"payload: all checks passed" --smp 1
# EMU-1 showed with two vCPUs around AP creation: many of those at once.
scenario "smp-stress: 64 AP create/run/destroy cycles on 2 vCPUs" \
	smp-stress 0 "payload: all checks passed" --smp 2
# vCPU 0 wrote a whole line while vCPU 1 was half-way through one.
if grep -q "payload: VMPL0 ok   a line between vCPU 1's halves" "$log" &&
	grep -q "^payload: vCPU 1 wrote half a line, then the rest$" "$log"; then
	echo "ok   the console keeps each vCPU's lines whole"
else
	echo "FAIL a vCPU's line was cut by another's"
	grep -a "vCPU 1\|halves" "$log" | sed 's/^/    | /'
	fails=$((fails + 1))
fi
# EMU-1's signature (the payload triple-faults at snp-emu's VMRUN with
# snp-emu's CR3) is named as QEMU's bug, not as a guest's triple fault.
scenario "EMU-1's signature is recognised and named" emu1 1 \
	"EMU-1: QEMU resumed the guest with the L1's own state"
# RST-2 step 1: AP destroy forces a vCPU out of the guest it runs.
scenario "kick: AP destroy of a VMSA spinning at VMPL2 on vCPU 1" kick 0 \
	"payload: all checks passed" --smp 2

[ "$fails" -eq 0 ] || { echo "$fails snp-emu scenario(s) failed"; exit 1; }
echo "all snp-emu scenarios passed"
