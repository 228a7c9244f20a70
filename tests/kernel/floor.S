/* SPDX-License-Identifier: MIT */
/*
 * The boot-time floor: the most trivial PVH image. It prints the ready line
 * on COM1 and exits QEMU through isa-debug-exit at once, so its start-up
 * time is QEMU's and the firmware's alone (bench-kernel divides by it).
 */
	.section .note.Xen, "a", @note
	.balign 4
	.long 4
	.long 8
	.long 18
	.asciz "Xen"
	.balign 4
	.quad floor_start
	.balign 4

	.text
	.code32
	.globl floor_start
floor_start:
	mov $msg, %esi
1:	movb (%esi), %al
	test %al, %al
	jz 2f
	mov $0x3f8, %dx
	outb %al, %dx
	inc %esi
	jmp 1b
2:	mov $0xf4, %dx
	mov $0x10, %eax
	outl %eax, %dx
3:	cli
	hlt
	jmp 3b

	.section .rodata
msg:
	.asciz "floor: ready\r\n"

	.section .note.GNU-stack, "", @progbits
