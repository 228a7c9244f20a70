/* SPDX-License-Identifier: MIT */
/*
 * PVH entry of the emulator and the AP start-up code.
 *
 * QEMU's PVH loader starts the boot CPU in 32-bit protected mode, paging
 * off, with EBX = the physical address of `struct hvm_start_info`. We map
 * the first 4 GiB 1:1 with 2 MiB pages (built at run time into .bss),
 * switch to long mode and call `emu_main(start_info)` on CPU 0's stack.
 *
 * An AP starts in real mode at EMU_TRAMPOLINE (the boot CPU copies
 * [emu_tramp_start, emu_tramp_end) there), loads the same GDT and page
 * tables and calls `emu_ap_main(emu_ap_index)` on the stack the boot CPU
 * left in `emu_ap_stack`.
 */
#include "layout.h"

#define PVH_NOTE_ENTRY 18

	.section .note.Xen, "a", @note
	.balign 4
	.long 4
	.long 8
	.long PVH_NOTE_ENTRY
	.asciz "Xen"
	.balign 4
	.quad pvh_entry
	.balign 4

	.section .text.boot, "ax"
	.code32
	.globl pvh_entry
pvh_entry:
	cli
	cld
	mov %ebx, %edi			/* start info, kept for emu_main */
	lgdt gdt_desc
	mov $EMU_DS, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	mov $(boot_stack + EMU_STACK_SIZE), %esp

	/* PD entries: 2048 x 2 MiB, present | writable | PS. */
	xor %ecx, %ecx
1:	mov %ecx, %eax
	shl $21, %eax
	or $0x83, %eax
	mov %eax, pd(, %ecx, 8)
	mov %ecx, %eax
	shr $11, %eax
	mov %eax, pd + 4(, %ecx, 8)
	inc %ecx
	cmp $2048, %ecx
	jne 1b
	/* PDPT: four PDs. PML4: the PDPT. */
	xor %ecx, %ecx
2:	mov %ecx, %eax
	shl $12, %eax
	add $(pd + 3), %eax
	mov %eax, pdpt(, %ecx, 8)
	inc %ecx
	cmp $4, %ecx
	jne 2b
	movl $(pdpt + 3), pml4

	call enter_long
	.code64
	call flat_segments
	mov $(boot_stack + EMU_STACK_SIZE), %rsp
	xor %ebp, %ebp
	call emu_main
3:	cli
	hlt
	jmp 3b

	/*
	 * 32-bit: PAE, CR3, EFER.LME|NXE, paging; returns in 64-bit mode to
	 * the caller's next instruction (a far return through CS64).
	 */
	.code32
enter_long:
	mov %cr4, %eax
	or $(1 << 5), %eax
	mov %eax, %cr4
	mov $pml4, %eax
	mov %eax, %cr3
	mov $0xc0000080, %ecx
	rdmsr
	or $((1 << 8) | (1 << 11)), %eax
	wrmsr
	mov %cr0, %eax
	or $((1 << 31) | (1 << 16) | 1), %eax
	mov %eax, %cr0
	pop %eax			/* return address */
	push $EMU_CS64
	push %eax
	lret

	/* Jumped to from the trampoline, 32-bit, flat segments loaded. */
ap_entry32:
	mov emu_ap_stack, %esp		/* below 4 GiB */
	call enter_long
	.code64
	call flat_segments
	mov emu_ap_stack(%rip), %rsp
	mov emu_ap_index(%rip), %edi
	xor %ebp, %ebp
	call emu_ap_main
4:	cli
	hlt
	jmp 4b

	/* 64-bit: the data segments of the GDT (FS and GS null). */
	.code64
flat_segments:
	mov $EMU_DS, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	xor %eax, %eax
	mov %eax, %fs
	mov %eax, %gs
	ret

	.code16
	.globl emu_tramp_start, emu_tramp_end
	.balign 16
emu_tramp_start:
	cli
	cld
	xor %ax, %ax
	mov %ax, %ds
	lgdtl (EMU_TRAMPOLINE + tramp_gdt_desc - emu_tramp_start)
	mov %cr0, %eax
	or $1, %eax
	mov %eax, %cr0
	ljmpl $EMU_CS32, $(EMU_TRAMPOLINE + tramp32 - emu_tramp_start)
	.code32
tramp32:
	mov $EMU_DS, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	lgdt gdt_desc
	ljmp $EMU_CS32, $ap_entry32
	.balign 8
tramp_gdt_desc:
	.word gdt_end - gdt - 1
	.long gdt
emu_tramp_end:

	.section .data
	.balign 16
	.globl emu_gdt
emu_gdt:
gdt:
	.quad 0
	.quad 0x00cf9b000000ffff	/* EMU_CS32 */
	.quad 0x00cf93000000ffff	/* EMU_DS */
	.quad 0x00af9b000000ffff	/* EMU_CS64 */
	.quad 0, 0			/* EMU_TSS (filled per CPU) */
gdt_end:
	.balign 8
gdt_desc:
	.word gdt_end - gdt - 1
	.quad gdt

	.globl emu_ap_stack, emu_ap_index
	.balign 8
emu_ap_stack:
	.quad 0
emu_ap_index:
	.long 0

	.section .bss
	.balign 4096
	.globl emu_pml4
emu_pml4:
pml4:
	.skip 4096
pdpt:
	.skip 4096
pd:
	.skip 4 * 4096
boot_stack:
	.skip EMU_STACK_SIZE
