/* SPDX-License-Identifier: MIT */
/*
 * AP start-up code. The boot CPU copies [trampoline_start, trampoline_end)
 * to TRAMPOLINE_PHYS (below 1 MiB), fills the parameter block at its end,
 * and sends INIT-SIPI-SIPI with vector TRAMPOLINE_PHYS >> 12. The AP starts
 * in real mode at CS:IP = (TRAMPOLINE_PHYS >> 4):0, enters protected mode,
 * turns on long mode with the kernel's page tables (which identity-map this
 * page while APs start) and jumps to `tr_entry(tr_percpu)` on `tr_stack`.
 */
#include <x86/layout.h>

#define TR(x) (TRAMPOLINE_PHYS + (x) - trampoline_start)

	.section .rodata
	.balign 16
	.globl trampoline_start, trampoline_end, trampoline_params
trampoline_start:
	.code16
	cli
	cld
	mov %cs, %ax
	mov %ax, %ds
	lgdtl (tr_gdt_desc - trampoline_start)
	mov %cr0, %eax
	or $1, %eax
	mov %eax, %cr0
	ljmpl $GDT_CODE32, $TR(tr32)

	.code32
tr32:
	mov $GDT_DATA, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	mov %cr4, %eax
	or $(1 << 5), %eax		/* PAE */
	mov %eax, %cr4
	mov TR(tr_cr3), %eax
	mov %eax, %cr3
	mov $0xc0000080, %ecx		/* EFER: LME | NXE */
	rdmsr
	or $((1 << 8) | (1 << 11)), %eax
	wrmsr
	mov %cr0, %eax
	or $((1 << 31) | (1 << 16) | 1), %eax	/* PG | WP | PE */
	mov %eax, %cr0
	ljmp $GDT_CODE64, $TR(tr64)

	.code64
tr64:
	movq TR(tr_stack), %rsp
	movq TR(tr_percpu), %rdi
	movq TR(tr_entry), %rax
	xor %ebp, %ebp
	jmp *%rax

	.balign 8
tr_gdt:
	.quad 0
	.quad 0x00cf9b000000ffff
	.quad 0x00cf93000000ffff
	.quad 0x00af9b000000ffff
tr_gdt_end:
tr_gdt_desc:
	.word tr_gdt_end - tr_gdt - 1
	.long TR(tr_gdt)

	/* Parameters (struct trampoline_params in smp.c). */
	.balign 8
trampoline_params:
tr_cr3:
	.quad 0
tr_stack:
	.quad 0
tr_percpu:
	.quad 0
tr_entry:
	.quad 0
trampoline_end:

	.section .note.GNU-stack, "", @progbits
