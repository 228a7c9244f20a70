/* SPDX-License-Identifier: MIT */
/*
 * svm_run(vmcb_pa, gprs, host_pa): enter the guest context of the VMCB at
 * `vmcb_pa` with its GPRs from `gprs` (x86 register order, 8 bytes each;
 * RAX and RSP live in the VMCB), come back after its #VMEXIT with the
 * GPRs stored again. VMSAVE/VMLOAD keep the host's FS, GS, TR and
 * syscall MSRs in the page at `host_pa`; CLGI/STGI bracket the switch.
 * Inside it, the L1's IF is set (STI while GIF is clear takes nothing):
 * VMRUN keeps it as the host's IF, so a physical interrupt exits the
 * guest (INTR intercept) and an IPI sent just before VMRUN exits at once.
 * IF is clear again before STGI: the caller takes a pending interrupt.
 */
	.text
	.code64
	.globl svm_run, svm_run_vmrun
svm_run:
	.irp r, rbp, rbx, r12, r13, r14, r15	/* callee-saved */
	push %\r
	.endr
	push %rsi			/* gprs */
	push %rdx			/* host_pa */
	push %rdi			/* vmcb_pa */
	clgi
	sti
	mov %rdx, %rax
	vmsave %rax
	mov %rsi, %rax
	mov 0x08(%rax), %rcx
	mov 0x10(%rax), %rdx
	mov 0x18(%rax), %rbx
	mov 0x28(%rax), %rbp
	mov 0x38(%rax), %rdi
	mov 0x40(%rax), %r8
	mov 0x48(%rax), %r9
	mov 0x50(%rax), %r10
	mov 0x58(%rax), %r11
	mov 0x60(%rax), %r12
	mov 0x68(%rax), %r13
	mov 0x70(%rax), %r14
	mov 0x78(%rax), %r15
	mov 0x30(%rax), %rsi
	mov (%rsp), %rax
	vmload %rax
	/* run.c knows this RIP: the L1's own, never a guest's (EMU-1). */
svm_run_vmrun:
	vmrun %rax
	cli
	vmsave %rax
	mov 0x10(%rsp), %rax		/* gprs */
	mov %rcx, 0x08(%rax)
	mov %rdx, 0x10(%rax)
	mov %rbx, 0x18(%rax)
	mov %rbp, 0x28(%rax)
	mov %rsi, 0x30(%rax)
	mov %rdi, 0x38(%rax)
	mov %r8, 0x40(%rax)
	mov %r9, 0x48(%rax)
	mov %r10, 0x50(%rax)
	mov %r11, 0x58(%rax)
	mov %r12, 0x60(%rax)
	mov %r13, 0x68(%rax)
	mov %r14, 0x70(%rax)
	mov %r15, 0x78(%rax)
	mov 0x08(%rsp), %rax		/* host_pa */
	vmload %rax
	stgi
	add $24, %rsp
	.irp r, r15, r14, r13, r12, rbx, rbp
	pop %\r
	.endr
	ret
