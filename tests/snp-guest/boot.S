/* SPDX-License-Identifier: MIT */
/*
 * The test guest's entry (docs/SNP-BOOT.md, "The guest"). The SVSM, or
 * QEMU's PVH loader when the guest boots natively, enters `guest_start32`
 * in 32-bit protected mode with paging off. Under the SVSM, ESI/EDX/EDI
 * hold the GPAs of the secrets page, the CPUID page and the memory map;
 * under PVH, EBX holds hvm_start_info.
 *
 * Before paging is on, nothing here may raise #VC: the only MSRs touched
 * are SEV_STATUS (never intercepted on SNP) and EFER (trapped after the
 * fact, not a #VC). SEV_STATUS raises #GP where it does not exist (plain
 * QEMU); a 32-bit IDT with one #GP gate turns that into "not SEV".
 *
 * Page tables: 0-4 GiB identity-mapped with 2 MiB pages, private (C-bit
 * set) under SNP; VA 4 GiB is a window of 4 KiB pages the C code maps
 * shared (without the C-bit) for the GHCB. All of it lives in the image
 * (.data), so every page the guest touches before it validates more is a
 * page the launch measured.
 */
#define MSR_SEV_STATUS 0xc0010131
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)
#define SEV_STATUS_SNP (1 << 2)
#define CR0_PE 0x1
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define CR4_OSFXSR (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)
#define PTE_P 0x1
#define PTE_RW 0x2
#define PTE_PS 0x80
#define CPUID_PAGE_ENTRIES 64
#define CPUID_ENTRY_SIZE 48
#define CPUID_FN_MEM_ENC 0x8000001f
#define DEFAULT_CBIT 51

#define SEL_CODE32 GDT_CODE32
#define SEL_DATA GDT_DATA
#define SEL_CODE64 GDT_CODE64

#include "abi/pvh.h"
#include <x86/layout.h>

	PVH_ENTRY_NOTE guest_start32

/* Point the entry at `slot` to the table `table`; EDX = its C-bit word. */
	.macro LINK table, slot
	mov $\table, %eax
	or $(PTE_P | PTE_RW), %eax
	mov %eax, \slot
	mov %edx, \slot + 4
	.endm

	.text
	.code32
	.globl guest_start32
guest_start32:
	cli
	cld
	mov %esi, boot_args + 0		/* secrets page */
	mov %edx, boot_args + 8		/* CPUID page */
	mov %edi, boot_args + 16	/* memory map */
	mov %ebx, boot_args + 24	/* PVH start info */
	lgdt gdt_desc
	ljmp $SEL_CODE32, $1f
1:	mov $SEL_DATA, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	mov %eax, %fs
	mov %eax, %gs
	mov $boot_stack_top, %esp

	/* SEV_STATUS, or 0 when it faults. */
	mov $gp32, %eax
	mov %ax, idt32 + 13 * 8
	shr $16, %eax
	mov %ax, idt32 + 13 * 8 + 6
	lidt idt32_desc
	mov $MSR_SEV_STATUS, %ecx
	rdmsr
	mov %eax, boot_args + 32
	mov %edx, boot_args + 36

	/* C-bit: 0 unless SNP; then from the CPUID page's 0x8000001F. */
	xor %ebx, %ebx
	testl $SEV_STATUS_SNP, boot_args + 32
	jz 3f
	mov $DEFAULT_CBIT, %ebx
	mov boot_args + 8, %esi
	test %esi, %esi
	jz 3f
	mov (%esi), %ecx		/* entry count */
	cmp $CPUID_PAGE_ENTRIES, %ecx
	jbe 2f
	mov $CPUID_PAGE_ENTRIES, %ecx
2:	add $16, %esi
	jecxz 3f
21:	cmpl $CPUID_FN_MEM_ENC, (%esi)
	jne 22f
	mov 28(%esi), %eax		/* EBX: C-bit in [5:0] */
	and $0x3f, %eax
	cmp $32, %eax			/* the C-bit is in the high dword */
	jb 22f
	mov %eax, %ebx
	jmp 3f
22:	add $CPUID_ENTRY_SIZE, %esi
	loop 21b
3:	mov %ebx, boot_args + 40
	/* EDX = the C-bit in the high dword of an entry (0 without SNP). */
	xor %edx, %edx
	test %ebx, %ebx
	jz 4f
	lea -32(%ebx), %ecx
	mov $1, %edx
	shl %cl, %edx
4:
	/* PML4[0] -> PDPT; PDPT[0..3] -> the four 1 GiB directories. */
	LINK pdpt, pml4
	xor %ecx, %ecx
5:	mov %ecx, %eax
	shl $12, %eax
	add $pd, %eax
	or $(PTE_P | PTE_RW), %eax
	mov %eax, pdpt(, %ecx, 8)
	mov %edx, pdpt + 4(, %ecx, 8)
	inc %ecx
	cmp $4, %ecx
	jb 5b
	/* PDPT[4] (VA 4 GiB) -> the shared window's directory and table. */
	LINK pd_shared, pdpt + 32
	LINK pt_shared, pd_shared
	/* 2048 2 MiB pages: entry i maps i << 21. */
	xor %ecx, %ecx
6:	mov %ecx, %eax
	shl $21, %eax
	or $(PTE_P | PTE_RW | PTE_PS), %eax
	mov %eax, pd(, %ecx, 8)
	mov %ecx, %eax
	shr $11, %eax			/* bits 32+ of i << 21 */
	or %edx, %eax
	mov %eax, pd + 4(, %ecx, 8)
	inc %ecx
	cmp $2048, %ecx
	jb 6b

	mov %cr4, %eax
	or $(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
	mov %eax, %cr4
	mov $pml4, %eax
	mov %eax, %cr3
	mov $MSR_EFER, %ecx
	rdmsr
	or $EFER_LME, %eax
	wrmsr
	mov %cr0, %eax
	or $(CR0_PE | CR0_PG), %eax
	mov %eax, %cr0
	ljmp $SEL_CODE64, $guest_start64

/* #GP in 32-bit mode: only the SEV_STATUS probe may fault (2-byte RDMSR). */
gp32:
	add $4, %esp			/* error code */
	addl $2, (%esp)
	xor %eax, %eax
	xor %edx, %edx
	iret

	/* DS, ES, SS, FS and GS keep the flat data segment loaded above. */
	.code64
guest_start64:
	mov $boot_stack_top, %rsp
	xor %ebp, %ebp
	mov $boot_args, %rdi
	call guest_main
7:	cli
	hlt
	jmp 7b

/*
 * Trap stubs: each pushes an error code (0 where the CPU pushes none) and
 * its vector, then joins trap_common, which saves the registers as a
 * `struct trap_frame` (x86/desc.h) and calls trap_dispatch(frame).
 */
	.macro TRAP vec, has_err
	.balign 16
	.if \has_err == 0
	push $0
	.endif
	push $\vec
	jmp trap_common
	.endm

	.balign 16
	.globl trap_stubs
trap_stubs:
	.irp v, 0,1,2,3,4,5,6,7
	TRAP \v, 0
	.endr
	TRAP 8, 1
	TRAP 9, 0
	.irp v, 10,11,12,13,14
	TRAP \v, 1
	.endr
	TRAP 15, 0
	TRAP 16, 0
	TRAP 17, 1
	.irp v, 18,19,20
	TRAP \v, 0
	.endr
	TRAP 21, 1
	.irp v, 22,23,24,25,26,27,28
	TRAP \v, 0
	.endr
	TRAP 29, 1
	TRAP 30, 1
	TRAP 31, 0

trap_common:
	.irp r, rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15
	push %\r
	.endr
	mov %rsp, %rdi
	mov %rsp, %rbx
	and $-16, %rsp
	call trap_dispatch
	mov %rbx, %rsp
	.irp r, r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax
	pop %\r
	.endr
	add $16, %rsp			/* vector, error code */
	iretq

/* An AP started by the checks: its VMSA sets RSP and RDI (ap_main's arg). */
	.globl ap_start64
ap_start64:
	and $-16, %rsp
	call ap_main
8:	pause
	jmp 8b

	.data
	.balign 8
	.globl boot_args
boot_args:
	.fill 6, 8, 0

	.balign 8
gdt:
	FLAT_GDT_ENTRIES
gdt_end:
	.globl gdt_desc
gdt_desc:
	.word gdt_end - gdt - 1
	.quad gdt

	.balign 8
idt32:
	.fill 13, 8, 0
	/* Gate 13: 32-bit interrupt gate; the entry fills in gp32's offset. */
	.word 0
	.word SEL_CODE32
	.byte 0
	.byte 0x8e
	.word 0
idt32_end:
idt32_desc:
	.word idt32_end - idt32 - 1
	.long idt32

	.balign 4096
	.globl pml4, pdpt, pd_shared, pt_shared
pml4:	.fill 512, 8, 0
pdpt:	.fill 512, 8, 0
pd:	.fill 2048, 8, 0
pd_shared:
	.fill 512, 8, 0
pt_shared:
	.fill 512, 8, 0

	.balign 16
boot_stack:
	.fill 16384, 1, 0
	.globl boot_stack_top
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
