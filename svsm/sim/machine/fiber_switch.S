/* SPDX-License-Identifier: MIT */
/*
 * The register switch of the software machine's fibers (hosted build,
 * x86-64 System V): what swapcontext() did, without its two system calls
 * (sigprocmask) per switch.
 *
 *   void snp_ctx_switch(void **save_sp, void *load_sp)
 *
 * pushes the callee-saved registers (RBX, RBP, R12-R15) and the control
 * words the ABI also preserves across calls (MXCSR, x87 control word),
 * stores RSP in *save_sp, loads `load_sp` and pops the same frame from the
 * other stack. Caller-saved registers need no saving: the switch is a call.
 *
 * A new fiber's stack holds such a frame (built by fiber.c) whose return
 * address is snp_ctx_start: it calls snp_fiber_entry(R12) with an aligned
 * stack and RBP = 0, the end of every frame-pointer chain.
 */
	.text

	.globl	snp_ctx_switch
	.type	snp_ctx_switch, @function
snp_ctx_switch:
	.cfi_startproc
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$8, %rsp
	stmxcsr	(%rsp)
	fnstcw	4(%rsp)
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
	ldmxcsr	(%rsp)
	fldcw	4(%rsp)
	addq	$8, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
	.cfi_endproc
	.size	snp_ctx_switch, . - snp_ctx_switch

	.globl	snp_ctx_start
	.type	snp_ctx_start, @function
snp_ctx_start:
	.cfi_startproc
	.cfi_undefined rip
	movq	%r12, %rdi
	call	snp_fiber_entry@PLT
	ud2			/* snp_fiber_entry() never returns */
	.cfi_endproc
	.size	snp_ctx_start, . - snp_ctx_start

	.section .note.GNU-stack, "", @progbits
