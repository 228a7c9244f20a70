#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Boot snp-emu in QEMU (TCG, nested SVM with NPT, phys-bits=52 for the
# C-bit at 51) with an IGVM file as its module.
#
#   run.sh [--smp N] [--mem SIZE] [--guest-mem SIZE] [--timeout S]
#          [--append ARGS] [--mttcg] EMU.elf FILE.igvm
#
# TCG runs single-threaded (one host thread for every vCPU): QEMU 7.2's
# multi-threaded TCG sometimes resumes a vCPU after a nested VMRUN with
# the L1's own state (plan item EMU-1; snp-emu stops and names it).
# --mttcg runs multi-threaded TCG anyway, to reproduce that bug.
#
# The console (COM1) is this terminal (Ctrl-A X quits when it is a
# terminal and there is no timeout). Exits 0 when the SNP VM ends the run
# through isa-debug-exit with 0x10 (QEMU status 0x21), 124 on timeout, and
# 1 otherwise (a failed guest, a termination request, an RMP violation, an
# emulator error).
set -eu

smp=2
mem=1G
guest_mem=256M
timeout_s=0
append=
thread=single

usage() {
	echo "usage: $0 [--smp N] [--mem SIZE] [--guest-mem SIZE] [--timeout S] [--append ARGS] [--mttcg] EMU.elf FILE.igvm" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--smp) [ $# -ge 2 ] || usage; smp=$2; shift ;;
	--mem) [ $# -ge 2 ] || usage; mem=$2; shift ;;
	--guest-mem) [ $# -ge 2 ] || usage; guest_mem=$2; shift ;;
	--timeout) [ $# -ge 2 ] || usage; timeout_s=$2; shift ;;
	--append) [ $# -ge 2 ] || usage; append=$2; shift ;;
	--mttcg) thread=multi ;;
	--) shift; break ;;
	-*) usage ;;
	*) break ;;
	esac
	shift
done
[ $# -eq 2 ] || usage
for f in "$1" "$2"; do
	[ -f "$f" ] || { echo "$0: no such file: $f" >&2; exit 2; }
done

# On a terminal, the monitor shares the console: Ctrl-A X quits.
serial=stdio
monitor=none
if [ -t 0 ] && [ "$timeout_s" -eq 0 ]; then
	serial=mon:stdio
	monitor=
fi
set -- qemu-system-x86_64 -machine q35 -accel "tcg,thread=$thread" \
	-cpu max,+svm,+npt,phys-bits=52 -smp "$smp" -m "$mem" \
	-display none ${monitor:+-monitor "$monitor"} -serial "$serial" -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-kernel "$1" -initrd "$2" -append "mem=$guest_mem $append"
status=0
if [ "$timeout_s" -gt 0 ]; then
	timeout "$timeout_s" "$@" </dev/null || status=$?
else
	"$@" || status=$?
fi
case $status in
33) exit 0 ;;
124) echo "$0: timed out after ${timeout_s}s" >&2; exit 124 ;;
*) exit 1 ;;
esac
