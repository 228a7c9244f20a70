#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Boot the whole SNP stack with the test guest in its reboot mode: QEMU
# 7.2 TCG (one thread: EMU-1) -> snp-emu -> the IGVM image. COM2 is a pipe
# fed "RR" (or "AA"), the mode byte of each of the guest's two boots;
# COM1, each line prefixed with the host's time (seconds), goes to
# $REBOOT_LOG (default: reboot.log). Prints, then exits with the first:
#
#   status N     0: the second boot passed (0x10), 124: timeout, 1: else
#   boot_s S     from QEMU's start to the guest's first "started"
#   reboot_s S   from "rebooting through the SVSM" to the second "started"
#   a line comparing the two (bench-snp-guest-reboot)
#
# usage: run-reboot.sh [--smp N] [--timeout S] [--mode R|A] SNP_EMU_ELF
#                      IMAGE.igvm
# --mode: the guest's mode byte, R (default: the boot vCPU calls the
# reboot) or A (an AP calls it while the boot vCPU runs at VMPL2).
# Extra QEMU arguments: SNP_EMU_QEMU_ARGS; the SNP VM's memory:
# SNP_EMU_GUEST_MEM (256M).
set -eu

smp=2 timeout_s=900 mode=R
while [ $# -gt 0 ]; do
	case $1 in
	--smp) smp=$2; shift 2 ;;
	--mode) mode=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	*) break ;;
	esac
done
case $#:$mode in
2:R | 2:A) ;;
*) echo "usage: $0 [--smp N] [--timeout S] [--mode R|A] EMU.elf FILE.igvm" >&2
   exit 2 ;;
esac
emu=$1 igvm=$2
for f in "$emu" "$igvm"; do
	[ -f "$f" ] || { echo "$0: no such file: $f" >&2; exit 2; }
done
log=${REBOOT_LOG:-reboot.log}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkfifo "$dir/com2.in" "$dir/com2.out"

t0=$EPOCHREALTIME
{
	rc=0
	# shellcheck disable=SC2086 # SNP_EMU_QEMU_ARGS is a list of arguments
	timeout "$timeout_s" qemu-system-x86_64 -machine q35 \
		-accel tcg,thread=single -cpu max,+svm,+npt,phys-bits=52 \
		-smp "$smp" -m 1G -display none -monitor none -no-reboot \
		-device isa-debug-exit,iobase=0xf4,iosize=4 -serial stdio \
		-chardev "pipe,id=com2,path=$dir/com2" -serial chardev:com2 \
		${SNP_EMU_QEMU_ARGS:-} -kernel "$emu" -initrd "$igvm" \
		-append "mem=${SNP_EMU_GUEST_MEM:-256M}" </dev/null || rc=$?
	echo "$rc" >"$dir/rc"
} | while IFS= read -r line; do
	printf '%s %s\n' "$EPOCHREALTIME" "${line%$'\r'}"
done >"$log" &
# QEMU opens the pipe when it starts; the guest reads a byte per boot.
# shellcheck disable=SC2016 # $1 and $2 are the inner shell's arguments
timeout 60 sh -c 'printf "$1$1" >"$2"' sh "$mode" "$dir/com2.in" || true
wait

case $(cat "$dir/rc" 2>/dev/null || echo 1) in
33) status=0 ;;
124) status=124 ;;
*) status=1 ;;
esac
echo "status $status"
awk -v t0="$t0" '
	/ snp-guest: started/ { n++; if (n == 1) first = $1; else second = $1 }
	/ snp-guest: rebooting through the SVSM/ { reboot = $1 }
	END {
		if (first) printf "boot_s %.2f\n", first - t0
		if (reboot && second) printf "reboot_s %.2f\n", second - reboot
		if (first && reboot && second)
			printf "snp-guest: reboot through the SVSM %.0f ms, QEMU start to the first boot %.0f ms: %.3fx the boot\n", \
				(second - reboot) * 1000, (first - t0) * 1000, \
				(second - reboot) / (first - t0)
	}' "$log"
exit "$status"
