# SPDX-License-Identifier: MIT
#
# svsm/arch/x86: kernel-only CPU code (boot, paging, traps, APIC, SMP) and
# the hardware implementation of the machine interface (cpu_ops.c).

svsm-kernel-y += svsm/arch/x86/boot.S svsm/arch/x86/entry.S \
                 svsm/arch/x86/trampoline.S svsm/arch/x86/cpu_ops.c \
                 svsm/arch/x86/paging.c svsm/arch/x86/stack.c \
                 svsm/arch/x86/traps.c svsm/arch/x86/apic.c \
                 svsm/arch/x86/smp.c svsm/arch/x86/snp_vmsa.c \
                 svsm/arch/x86/time.c svsm/arch/x86/libc_cpu.c svsm/arch/x86/vc.c
