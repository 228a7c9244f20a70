/* SPDX-License-Identifier: MIT */
/*
 * Interrupt and exception entry, and the task context switch.
 *
 * Every vector has a 16-byte stub at `trap_stubs + 16 * vector` that pushes
 * a zero error code (unless the CPU pushed one), the vector number, and
 * jumps to `trap_common`, which saves the general registers as a
 * `struct trap_frame` and calls `trap_dispatch()`. The handler may change
 * the frame (a fixup moves RIP); the registers are restored from it.
 */
	.text
	.balign 16
	.globl trap_stubs
trap_stubs:
	.set vec, 0
	.rept 256
	.balign 16
	.if (vec == 8) || (vec == 10) || (vec == 11) || (vec == 12) || (vec == 13) || (vec == 14) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
	.else
	pushq $0
	.endif
	pushq $vec
	jmp trap_common
	.set vec, vec + 1
	.endr

trap_common:
	cld
	push %rax
	push %rbx
	push %rcx
	push %rdx
	push %rsi
	push %rdi
	push %rbp
	push %r8
	push %r9
	push %r10
	push %r11
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rsp, %rdi
	call trap_dispatch
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rbp
	pop %rdi
	pop %rsi
	pop %rdx
	pop %rcx
	pop %rbx
	pop %rax
	add $16, %rsp
	iretq

/*
 * void task_switch(uint64_t *save_rsp, uint64_t new_rsp): save the
 * callee-saved registers on the current stack, store its RSP, switch to
 * `new_rsp` and restore that task's registers. A new task's stack holds
 * zeroed registers and `task_start` as the return address.
 */
	.globl task_switch
task_switch:
	push %rbp
	push %rbx
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rsp, (%rdi)
	mov %rsi, %rsp
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbx
	pop %rbp
	ret

/* First code a new task runs: r12 = its `struct task *`. */
	.globl task_start
task_start:
	xor %ebp, %ebp
	mov %r12, %rdi
	call task_entry
	ud2

	.section .note.GNU-stack, "", @progbits
