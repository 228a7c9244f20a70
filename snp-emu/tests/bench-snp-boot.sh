#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Boot time of the real SVSM image against a trivial one, both under
# snp-emu in the same run: the time from QEMU's start to the first entry
# of the VMPL2 guest (issue 9's boot-speed goal is a ratio of 1.5 or less).
# The trivial image is the emulator's test payload, which enters VMPL2 as
# soon as the launch is done; the SVSM image validates its region, starts
# its vCPUs and builds the guest first. Each run is stopped as soon as the
# emulator reports the guest's first entry.
#
#   bench-snp-boot.sh RUN.sh EMU.elf TRIVIAL.igvm SVSM.igvm
set -eu

run=$1
emu=$2
trivial=$3
svsm=$4
dir=$(mktemp -d)
pid=
cleanup() {
	[ -z "$pid" ] || kill -TERM -- "-$pid" 2>/dev/null || true
	rm -rf "$dir"
}
trap cleanup EXIT

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# boot IGVM NAME: prints "WALL_MS EMU_US" once the guest entered VMPL2.
boot() {
	log=$dir/$2.log
	start=$(now_ms)
	setsid "$run" --timeout 300 "$emu" "$1" >"$log" 2>&1 </dev/null &
	pid=$!
	while ! grep -q 'boot to guest entry (VMPL2)' "$log"; do
		if ! kill -0 "$pid" 2>/dev/null; then
			cat "$log" >&2
			echo "bench-snp-boot: $2 ended before its guest entered VMPL2" >&2
			exit 1
		fi
		sleep 0.05
	done
	end=$(now_ms)
	kill -TERM -- "-$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	pid=
	us=$(sed -n 's/.*boot to guest entry (VMPL2): \([0-9]*\) us since the L1.*/\1/p' "$log")
	[ -n "$us" ] || { cat "$log" >&2; exit 1; }
	echo "$((end - start)) $us"
}

t=$(boot "$trivial" trivial)
s=$(boot "$svsm" svsm)
awk -v tw="${t% *}" -v te="${t#* }" -v sw="${s% *}" -v se="${s#* }" 'BEGIN {
	printf "snp-boot: QEMU start to VMPL2 guest entry: svsm.igvm %d ms, trivial image %d ms: %.2fx (goal <= 1.5)\n", \
		sw, tw, sw / tw
	printf "snp-boot: L1 start to VMPL2 guest entry (emulator clock): svsm.igvm %.0f ms, trivial image %.0f ms: %.2fx\n", \
		se / 1000, te / 1000, se / te
}'
