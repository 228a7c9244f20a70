#!/bin/sh
# SPDX-License-Identifier: MIT
#
# snp-emu's benchmarks: the VMPL round trip (VMPL2 VMGEXIT -> VMPL0 ->
# VMPL2, RUN_VMPL both ways, timed by the payload) against a bare
# VMRUN/VMMCALL round trip on the same QEMU (timed by the emulator in the
# same run), and the time from the L1's start to the guest's first entry.
#
#   bench-snp-emu.sh RUN.sh EMU.elf PAYLOAD-bench.igvm
set -eu

run=$1
emu=$2
igvm=$3
log=$(mktemp)
trap 'rm -f "$log"' EXIT

start=$(date +%s%N)
"$run" --timeout 300 --append bench=20000 "$emu" "$igvm" >"$log" 2>&1 || {
	cat "$log"
	echo "bench-snp-emu: the run failed" >&2
	exit 1
}
end=$(date +%s%N)

bare_n=$(sed -n 's/.*bare VMRUN+VMMCALL: \([0-9]*\) round trips in \([0-9]*\) us.*/\1/p' "$log")
bare_us=$(sed -n 's/.*bare VMRUN+VMMCALL: \([0-9]*\) round trips in \([0-9]*\) us.*/\2/p' "$log")
tsc=$(sed -n 's/.*TSC ticks per us: \([0-9]*\).*/\1/p' "$log")
vmpl_ticks=$(sed -n 's/.*bench: 2000 VMPL round trips, TSC ticks \(0x[0-9a-f]*\).*/\1/p' "$log")
entry_us=$(sed -n 's/.*boot to guest entry (VMPL2): \([0-9]*\) us since the L1.*/\1/p' "$log")
for v in "$bare_n" "$bare_us" "$tsc" "$vmpl_ticks" "$entry_us"; do
	[ -n "$v" ] || { cat "$log"; echo "bench-snp-emu: missing output" >&2; exit 1; }
done
awk -v bn="$bare_n" -v bus="$bare_us" -v tsc="$tsc" -v vt="$((vmpl_ticks))" \
	-v entry="$entry_us" -v wall="$(((end - start) / 1000000))" 'BEGIN {
	bare = bn / (bus / 1e6)
	vmpl_us = vt / tsc / 2000
	vmpl = 1e6 / vmpl_us
	printf "snp-emu: VMPL round trip %.0f/s (%.0f us), bare VMRUN/VMMCALL %.0f/s (%.1f us): %.1fx the bare round trip\n", \
		vmpl, vmpl_us, bare, 1e6 / bare, bare / vmpl
	printf "snp-emu: L1 start to the VMPL2 guest'\''s first entry %.0f ms (whole QEMU run %d ms)\n", \
		entry / 1000, wall
}'
