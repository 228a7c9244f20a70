#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Boot the whole SNP stack with the guest's TPM bridge on the host's
# loopback: QEMU 7.2 TCG -> snp-emu (PVH -kernel) -> the IGVM image
# (-initrd: SVSM at VMPL0, the test guest at VMPL2).
#
#   COM1  the console (all layers): stdout, or --log FILE
#   COM2  mssim command channel:  chardev socket 127.0.0.1:PORT
#   COM3  mssim platform channel: chardev socket 127.0.0.1:PORT+1
#
# tpm2-tools then talk to the vTPM with TPM2TOOLS_TCTI=mssim:port=PORT
# (tpm2-tss's mssim TCTI opens PORT and PORT+1, as for the TCG simulator).
# QEMU's exit status is the guest's isa-debug-exit code (0x20 pass: 65).
#
# usage: run-stack.sh --emu SNP_EMU_ELF --igvm IMAGE [--port 2321]
#                     [--smp 2] [--log FILE]
# Extra QEMU arguments: SNP_EMU_QEMU_ARGS.
set -eu

emu='' igvm='' port=2321 smp=2 log=''
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
plat=$((port + 1))
# shellcheck disable=SC2086 # SNP_EMU_QEMU_ARGS is a list of arguments
exec qemu-system-x86_64 -machine pc -accel tcg \
	-cpu max,+svm,+npt,phys-bits=52 -smp "$smp" -m 1G \
	-display none -monitor none -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=4 \
	-serial "$console" \
	-chardev "socket,id=tpmcmd,host=127.0.0.1,port=$port,server=on,wait=off" \
	-serial chardev:tpmcmd \
	-chardev "socket,id=tpmplat,host=127.0.0.1,port=$plat,server=on,wait=off" \
	-serial chardev:tpmplat \
	${SNP_EMU_QEMU_ARGS:-} \
	-kernel "$emu" -initrd "$igvm"
