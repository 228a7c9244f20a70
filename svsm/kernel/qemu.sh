#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Boot an SVSM kernel image in QEMU (q35, PVH entry).
#
#   qemu.sh [--test] [--smp N] [--timeout SECONDS] [--append CMDLINE]
#           [--mem SIZE] IMAGE
#   qemu.sh --probe      print the accelerator and CPU model it would use
#
# Without --test: interactive. The serial console is this terminal; when
# stdin is a terminal the QEMU monitor is multiplexed on it, so Ctrl-A X
# quits. Exits 0 when the kernel powers off or the user quits.
#
# With --test: the image is a test kernel that reports through
# isa-debug-exit. Exits 0 if it wrote 0x10 (QEMU status 0x21), 1 on any
# other status, 124 on timeout.
#
# KVM is used when /dev/kvm is usable, TCG otherwise; SVSM_ACCEL=tcg|kvm
# overrides, and SVSM_ACCEL with SVSM_QEMU_CPU skips the KVM probe.
set -eu

test_mode=0
probe=0
smp=4
timeout_s=0
append=
mem=256M

usage() {
	echo "usage: $0 [--test] [--smp N] [--timeout S] [--append CMDLINE] [--mem SIZE] IMAGE" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--test) test_mode=1 ;;
	--probe) probe=1 ;;
	--smp) [ $# -ge 2 ] || usage; smp=$2; shift ;;
	--timeout) [ $# -ge 2 ] || usage; timeout_s=$2; shift ;;
	--append) [ $# -ge 2 ] || usage; append=$2; shift ;;
	--mem) [ $# -ge 2 ] || usage; mem=$2; shift ;;
	--) shift; break ;;
	-*) usage ;;
	*) break ;;
	esac
	shift
done
if [ "$probe" = 0 ]; then
	[ $# -eq 1 ] || usage
	image=$1
	[ -f "$image" ] || { echo "$0: no such image: $image" >&2; exit 2; }
fi

# KVM is usable if QEMU can create the vCPUs (nested setups may refuse
# some MSRs of `-cpu host`; then try without arch-capabilities).
kvm_cpu() {
	for c in host host,-arch-capabilities; do
		# A refused MSR aborts QEMU: keep the shell's report quiet too.
		if sh -c 'echo quit | timeout 10 qemu-system-x86_64 \
			-machine q35 -accel kvm -cpu "$1" -smp "$2" \
			-display none -nodefaults -S -monitor stdio' \
			sh "$c" "$smp" >/dev/null 2>&1; then
			echo "$c"
			return 0
		fi
	done
	return 1
}

accel=${SVSM_ACCEL:-}
cpu=max
if [ -n "$accel" ] && [ -n "${SVSM_QEMU_CPU:-}" ]; then
	cpu=$SVSM_QEMU_CPU
elif [ -z "$accel" ] || [ "$accel" = kvm ]; then
	# PVM (kvm_pvm, software-virtualised KVM) cannot emulate guest-kernel
	# SSE, which the kernel's libcrypto uses: such hosts get TCG unless
	# SVSM_ACCEL=kvm insists.
	if [ -z "$accel" ] && [ -d /sys/module/kvm_pvm ]; then
		accel=tcg
		cpu=max
	elif [ -r /dev/kvm ] && [ -w /dev/kvm ] && cpu=$(kvm_cpu); then
		accel=kvm
	elif [ "$accel" = kvm ]; then
		echo "$0: KVM is not usable here" >&2
		exit 2
	else
		accel=tcg
		cpu=max
	fi
elif [ "$accel" != tcg ]; then
	echo "$0: unknown accelerator $accel" >&2
	exit 2
fi

if [ "$probe" = 1 ]; then
	echo "$accel $cpu"
	exit 0
fi

if [ "$test_mode" = 0 ] && [ -t 0 ]; then
	serial=mon:stdio
else
	serial=stdio
fi

set -- qemu-system-x86_64 -machine q35 -accel "$accel" -cpu "$cpu" \
	-m "$mem" -smp "$smp" -display none -serial "$serial" \
	-no-reboot -device isa-debug-exit,iobase=0xf4,iosize=4 \
	-kernel "$image"
if [ "$serial" = stdio ]; then
	set -- "$@" -monitor none
fi
if [ -n "$append" ]; then
	set -- "$@" -append "$append"
fi
if [ "$timeout_s" != 0 ]; then
	set -- timeout --foreground "$timeout_s" "$@"
fi

status=0
"$@" || status=$?

if [ "$test_mode" = 1 ]; then
	case $status in
	33) exit 0 ;;
	124) echo "$0: timed out after ${timeout_s}s" >&2; exit 124 ;;
	*) echo "$0: test kernel failed (QEMU status $status)" >&2; exit 1 ;;
	esac
fi
case $status in
0 | 33) exit 0 ;;
124) echo "$0: timed out after ${timeout_s}s" >&2; exit 124 ;;
*) echo "$0: QEMU exited with status $status" >&2; exit 1 ;;
esac
