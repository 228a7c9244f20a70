#!/bin/sh
# SPDX-License-Identifier: MIT
#
# bench-kernel.sh KERNEL_ELF FLOOR_ELF [RUNS]
#
# The kernel's size and boot time, each as a ratio to a reference measured
# in the same run: the floor image (a PVH image that prints its ready line
# and exits at once). Boot time is wall time from starting QEMU to the
# ready line on the serial console; the median of RUNS runs (default 5).
# Nothing is asserted: these are numbers to watch.
set -eu

[ $# -ge 2 ] || { echo "usage: $0 KERNEL_ELF FLOOR_ELF [RUNS]" >&2; exit 2; }
kernel=$1
floor=$2
runs=${3:-5}
qemu=$(dirname "$0")/../../svsm/kernel/qemu.sh

# Decide the accelerator once so the probe is not timed.
probe=$("$qemu" --probe)
SVSM_ACCEL=${probe%% *}
SVSM_QEMU_CPU=${probe#* }
export SVSM_ACCEL SVSM_QEMU_CPU

now_us() {
	echo $(($(date +%s%N) / 1000))
}

# Microseconds from QEMU start to a serial line containing $2.
time_to_line() {
	image=$1
	marker=$2
	append=$3
	start=$(now_us)
	"$qemu" --smp 4 --append "$append" "$image" 2>/dev/null |
		while IFS= read -r line; do
			case $line in
			*"$marker"*)
				echo $(($(now_us) - start))
				cat >/dev/null
				break
				;;
			esac
		done
}

median() {
	sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# Sum of the file sizes of the PT_LOAD segments.
load_bytes() {
	total=0
	for size in $(readelf -lW "$1" | awk '$1 == "LOAD" { print $5 }'); do
		total=$((total + size))
	done
	echo "$total"
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'
}

k_file=$(stat -c %s "$kernel")
f_file=$(stat -c %s "$floor")
k_load=$(load_bytes "$kernel")
f_load=$(load_bytes "$floor")
echo "bench-kernel: accelerator $SVSM_ACCEL ($SVSM_QEMU_CPU), 4 vCPUs, $runs runs"
echo "image size: kernel ELF $k_file bytes ($k_load loaded), floor ELF $f_file bytes ($f_load loaded)"
echo "image size ratio (kernel/floor): file $(ratio "$k_file" "$f_file"), loaded $(ratio "$k_load" "$f_load")"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
i=0
while [ "$i" -lt "$runs" ]; do
	time_to_line "$floor" "floor: ready" "" >>"$tmp/floor"
	time_to_line "$kernel" "svsm: ready" "poweroff" >>"$tmp/kernel"
	i=$((i + 1))
done
f_med=$(median <"$tmp/floor")
k_med=$(median <"$tmp/kernel")
echo "boot to ready line (median): kernel ${k_med} us, floor ${f_med} us"
echo "boot time ratio (kernel/floor): $(ratio "$k_med" "$f_med")"
