/* SPDX-License-Identifier: MIT */
/*
 * Exception entry stubs of the emulator: each pushes a dummy error code
 * (where the CPU pushes none) and its vector, saves the GPRs and calls
 * `emu_trap(frame)`, which reports and stops.
 */
	.text
	.code64

.macro stub vec, has_err
	.balign 16
trap_\vec:
	.if \has_err == 0
	pushq $0
	.endif
	pushq $\vec
	jmp trap_common
.endm

	stub 0, 0
	stub 1, 0
	stub 2, 0
	stub 3, 0
	stub 4, 0
	stub 5, 0
	stub 6, 0
	stub 7, 0
	stub 8, 1
	stub 9, 0
	stub 10, 1
	stub 11, 1
	stub 12, 1
	stub 13, 1
	stub 14, 1
	stub 15, 0
	stub 16, 0
	stub 17, 1
	stub 18, 0
	stub 19, 0
	stub 20, 0
	stub 21, 1
	stub 22, 0
	stub 23, 0
	stub 24, 0
	stub 25, 0
	stub 26, 0
	stub 27, 0
	stub 28, 0
	stub 29, 1
	stub 30, 1
	stub 31, 0

trap_common:
	/* struct emu_trap_frame (traps.c): r15 lowest, rax highest. */
	.irp r, rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15
	pushq %\r
	.endr
	mov %rsp, %rdi
	and $~15, %rsp
	call emu_trap
1:	cli
	hlt
	jmp 1b

	/* The wake-up IPI: acknowledge it (EOI) and return. */
	.globl emu_wake_stub, emu_spurious_stub
	.balign 16
emu_wake_stub:
	push %rax
	mov $0xFEE000B0, %eax
	movl $0, (%rax)
	pop %rax
	iretq
	.balign 16
emu_spurious_stub:
	iretq

	.section .rodata
	.balign 8
	.globl emu_trap_stubs
emu_trap_stubs:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad trap_\v
	.endr
