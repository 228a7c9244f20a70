/* SPDX-License-Identifier: MIT */
/*
 * Entry of the test payload: the BSP starts here from the IGVM VMSA in
 * 32-bit protected mode (paging off). It may not touch CPUID, ports or
 * MSRs other than EFER before its #VC handler exists, as on SNP. It loads
 * its GDT, turns on long mode with page tables that map the first 4 GiB
 * with 2 MiB pages and the C-bit set, and calls pl_main(). APs and the
 * VMPL2 context start in 64-bit mode from VMSAs the payload builds, at
 * pl_ap_entry and pl_guest_entry. Exception stubs call pl_exception().
 */
#include "payload.h"

	/* The SNP entry, named for the IGVM builder (docs/SNP-BOOT.md). */
	.section .note.svsm, "a", @note
	.balign 4
	.long 5
	.long 8
	.long 1
	.asciz "SVSM"
	.balign 4
	.quad pl_entry32
	.balign 4

	.section .text.entry, "ax"
	.code32
	.globl pl_entry32
pl_entry32:
	mov %esi, pl_params		/* the parameter block's GPA */
	lgdt pl_gdt_desc
	mov $PL_DS, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	mov %eax, %fs
	mov %eax, %gs
	mov $pl_stack0_top, %esp
	mov %cr4, %eax
	or $(1 << 5), %eax		/* PAE */
	mov %eax, %cr4
	mov $pl_pml4, %eax
	mov %eax, %cr3
	mov $0xc0000080, %ecx		/* EFER: passed through, as on SNP */
	rdmsr
	or $((1 << 8) | (1 << 11)), %eax
	wrmsr
	mov %cr0, %eax
	or $(1 << 31), %eax
	mov %eax, %cr0
	ljmp $PL_CS64, $1f
	.code64
1:	mov $pl_stack0_top, %rsp
	xor %ebp, %ebp
	call pl_main
2:	hlt
	jmp 2b

	.globl pl_ap_entry
pl_ap_entry:
	call pl_ap_main
3:	hlt
	jmp 3b

	.globl pl_guest_entry
pl_guest_entry:
	call pl_guest_main
4:	hlt
	jmp 4b

	/* vCPU 1's contexts in the smp-stress scenario (they never return). */
	.globl pl_stress_ap_entry, pl_stress_guest_entry
pl_stress_ap_entry:
	call pl_stress_ap_main
	ud2

pl_stress_guest_entry:
	call pl_stress_guest_main
	ud2

	/* vCPU 1's contexts in the kick scenario. */
	.globl pl_kick_ap_entry, pl_kick_guest_entry
pl_kick_ap_entry:
	call pl_kick_ap_main
	ud2

pl_kick_guest_entry:
	call pl_kick_guest_main
	ud2

/*
 * pl_pvalidate(va, size, validate, uint8_t *cf) and
 * pl_rmpadjust(va, size, attrs): the SNP instructions by their bytes
 * (F2 0F 01 FF, F3 0F 01 FE), EAX returned, CF stored for PVALIDATE.
 */
	.globl pl_pvalidate, pl_rmpadjust
pl_pvalidate:
	mov %rcx, %r8
	mov %rdi, %rax
	mov %rsi, %rcx
	.byte 0xF2, 0x0F, 0x01, 0xFF
	setc (%r8)
	ret

pl_rmpadjust:
	mov %rdi, %rax
	mov %rsi, %rcx
	.byte 0xF3, 0x0F, 0x01, 0xFE
	ret

/* Exception stubs: vector and (dummy) error code, then pl_exception(). */
.macro stub vec, has_err
	.balign 16
pl_vec_\vec:
	.if \has_err == 0
	pushq $0
	.endif
	pushq $\vec
	jmp pl_trap_common
.endm
	stub 0, 0
	stub 6, 0
	stub 8, 1
	stub 13, 1
	stub 14, 1
	stub 29, 1

pl_trap_common:
	/* The frame of struct frame (payload.c): r15 lowest, rax highest. */
	.irp r, rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15
	push %\r
	.endr
	mov %rsp, %rdi
	call pl_exception
	.irp r, r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax
	pop %\r
	.endr
	add $16, %rsp			/* vector, error code */
	iretq

	.section .rodata
	.balign 8
	.globl pl_vec_table
pl_vec_table:
	.quad 0, pl_vec_0, 6, pl_vec_6, 8, pl_vec_8, 13, pl_vec_13
	.quad 14, pl_vec_14, 29, pl_vec_29, -1, 0

	.section .data
	.balign 16
	.globl pl_gdt
pl_gdt:
	.quad 0
	.quad 0x00cf9b000000ffff	/* PL_CS32 */
	.quad 0x00cf93000000ffff	/* PL_DS */
	.quad 0x00af9b000000ffff	/* PL_CS64 */
	.quad 0, 0			/* PL_TSS0 (filled by pl_main) */
	.quad 0, 0			/* PL_TSS2 */
pl_gdt_end:
	.balign 8
	.globl pl_gdt_desc
pl_gdt_desc:
	.word pl_gdt_end - pl_gdt - 1
	.quad pl_gdt
	.balign 8
	.globl pl_params
pl_params:
	.quad 0

	/* Page tables: 4 GiB identity map, 2 MiB pages, C-bit set. */
	.balign 4096
	.globl pl_pml4
pl_pml4:
	.quad pl_pdpt + 0x63
	.fill 511, 8, 0
pl_pdpt:
	.quad pl_pd + 0x63
	.quad pl_pd + 0x1000 + 0x63
	.quad pl_pd + 0x2000 + 0x63
	.quad pl_pd + 0x3000 + 0x63
	.fill 508, 8, 0
pl_pd:
	.set i, 0
	.rept 2048
	.if i == 1
	.quad (i << 21) | 0xE3		/* [2, 4) MiB: shared pages, no C-bit */
	.else
	.quad (i << 21) | 0xE3 | PL_CBIT
	.endif
	.set i, i + 1
	.endr

	.section .bss
	.balign 4096
	.globl pl_stack0_top
	.skip 16384
pl_stack0_top:
