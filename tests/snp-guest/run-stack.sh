#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Boot the whole SNP stack with the guest's TPM bridge on the host's
# loopback: QEMU 7.2 TCG -> snp-emu (PVH -kernel) -> the IGVM image
# (-initrd: SVSM at VMPL0, the test guest at VMPL2).
#
#   COM1  the console (all layers): stdout, or --log FILE
#   COM2  the guest's TPM bridge: a chardev socket on 127.0.0.1:PORT that
#         carries one mssim stream
#
# tpm-relay.py --listen P --connect 127.0.0.1:PORT then gives tpm2-tools
# the simulator's two ports (TPM2TOOLS_TCTI=mssim:host=127.0.0.1,port=P).
# QEMU's exit status is the guest's isa-debug-exit code: 33 (0x10) when
# every check passed.
#
# usage: run-stack.sh --emu SNP_EMU_ELF --igvm IMAGE [--port 2323]
#                     [--smp 2] [--log FILE]
# Extra QEMU arguments: SNP_EMU_QEMU_ARGS; the SNP VM's memory:
# SNP_EMU_GUEST_MEM (256M), as snp-emu/run.sh passes it.
set -eu

emu='' igvm='' port=2323 smp=2 log=''
while [ $# -gt 0 ]; do
	case $1 in
	--emu) emu=$2; shift 2 ;;
	--igvm) igvm=$2; shift 2 ;;
	--port) port=$2; shift 2 ;;
	--smp) smp=$2; shift 2 ;;
	--log) log=$2; shift 2 ;;
	*) echo "usage: $0 --emu ELF --igvm IMAGE [--port P] [--smp N] [--log F]" >&2
	   exit 2 ;;
	esac
done
[ -f "$emu" ] || { echo "$0: no emulator image: $emu" >&2; exit 2; }
[ -f "$igvm" ] || { echo "$0: no IGVM image: $igvm" >&2; exit 2; }

if [ -n "$log" ]; then
	console="file:$log"
else
	console=stdio
fi
# Single-threaded TCG: the multi-threaded one loses nested SVM state
# (EMU-1, snp-emu/run.sh).
# shellcheck disable=SC2086 # SNP_EMU_QEMU_ARGS is a list of arguments
exec qemu-system-x86_64 -machine q35 -accel tcg,thread=single \
	-cpu max,+svm,+npt,phys-bits=52 -smp "$smp" -m 1G \
	-display none -monitor none -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=4 \
	-serial "$console" \
	-chardev "socket,id=tpm,host=127.0.0.1,port=$port,server=on,wait=off" \
	-serial chardev:tpm \
	${SNP_EMU_QEMU_ARGS:-} \
	-kernel "$emu" -initrd "$igvm" -append "mem=${SNP_EMU_GUEST_MEM:-256M}"
