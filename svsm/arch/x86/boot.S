/* SPDX-License-Identifier: MIT */
/*
 * PVH entry: QEMU (or Xen) enters `pvh_start` in 32-bit protected mode with
 * paging off and EBX holding the physical address of `struct hvm_start_info`
 * (svsm-abi-facts section 5.2). We switch to long mode on static early page
 * tables that identity-map the first GiB and map it again at
 * KERNEL_VIRT_BASE, then jump to the kernel's virtual addresses, clear .bss
 * and call `kernel_main(start_info_pa)`. `paging_init()` replaces these
 * tables with the kernel's own.
 */
#include <x86/layout.h>

#define PHYS(x) ((x) - KERNEL_VIRT_BASE)
#define EFER_MSR 0xc0000080
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)
#define CR0_PE 0x1
#define CR0_WP (1 << 16)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)

/* The PVH ELF note: XEN_ELFNOTE_PHYS32_ENTRY (18), 8-byte descriptor. */
	.section .note.Xen, "a", @note
	.balign 4
	.long 4
	.long 8
	.long 18
	.asciz "Xen"
	.balign 4
	.quad PHYS(pvh_start)
	.balign 4

	.section .text.boot, "ax", @progbits
	.code32
	.globl pvh_start
pvh_start:
	cli
	cld
	mov %ebx, %edi
	lgdt PHYS(boot_gdt_desc)
	mov $GDT_DATA, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	mov %eax, %fs
	mov %eax, %gs

	mov %cr4, %eax
	or $CR4_PAE, %eax
	mov %eax, %cr4
	mov $PHYS(early_pml4), %eax
	mov %eax, %cr3
	mov $EFER_MSR, %ecx
	rdmsr
	or $(EFER_LME | EFER_NXE), %eax
	wrmsr
	mov %cr0, %eax
	or $(CR0_PE | CR0_PG | CR0_WP), %eax
	mov %eax, %cr0
	ljmp $GDT_CODE64, $PHYS(1f)

	.code64
1:
	movabs $pvh_start64, %rax
	jmp *%rax

	.text
pvh_start64:
	/* Now at the kernel's virtual addresses. EDI = start info (phys). */
	mov %edi, %r12d
	lea __bss_start(%rip), %rdi
	lea __bss_end(%rip), %rcx
	sub %rdi, %rcx
	xor %eax, %eax
	rep stosb
	lea boot_stack_top(%rip), %rsp
	xor %ebp, %ebp
	mov %r12, %rdi
	call kernel_main
2:	cli
	hlt
	jmp 2b

	.section .rodata
	.balign 16
	.globl boot_gdt
boot_gdt:
	FLAT_GDT_ENTRIES
boot_gdt_end:
boot_gdt_desc:
	.word boot_gdt_end - boot_gdt - 1
	.long PHYS(boot_gdt)

	/* Early page tables: 2 MiB pages over the first GiB, twice. */
	.section .data
	.balign 4096
	.globl early_pml4
early_pml4:
	.quad PHYS(early_pdpt) + 0x3
	.fill 510, 8, 0
	.quad PHYS(early_pdpt) + 0x3
early_pdpt:
	.quad PHYS(early_pd) + 0x3
	.fill 509, 8, 0
	.quad PHYS(early_pd) + 0x3
	.quad 0
early_pd:
	.set i, 0
	.rept 512
	.quad (i << 21) + 0x83
	.set i, i + 1
	.endr

	.section .bss
	.balign 4096
	.globl boot_stack_guard, boot_stack_bottom, boot_stack_top
boot_stack_guard:		/* left unmapped by paging_init() */
	.skip 4096
boot_stack_bottom:
	.skip BOOT_STACK_SIZE
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
