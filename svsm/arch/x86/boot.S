/* SPDX-License-Identifier: MIT */
/*
 * PVH entry: QEMU (or Xen) enters `pvh_start` in 32-bit protected mode with
 * paging off and EBX holding the physical address of `struct hvm_start_info`
 * (svsm-abi-facts section 5.2). We switch to long mode on static early page
 * tables that identity-map the first GiB and map it again at
 * KERNEL_VIRT_BASE, then jump to the kernel's virtual addresses, clear .bss
 * and call `kernel_main(start_info_pa)`. `paging_init()` replaces these
 * tables with the kernel's own.
 *
 * SNP entry: the IGVM VP context enters `snp_start` the same way (32-bit
 * protected mode, paging off, flat segments) with RSI holding the GPA of
 * the IGVM parameter block (docs/SNP-BOOT.md). Before the #VC handler
 * exists it may not use CPUID, port I/O or MSRs other than the GHCB MSR,
 * SEV_STATUS and EFER (which SEV-ES does not intercept: its writes are
 * trapped after the fact). It reads the C-bit position from the CPUID
 * page named by the parameter block (leaf 0x8000001F EBX[5:0], read as
 * memory), sets it in every early table entry, then follows the PVH path
 * into `kernel_snp_main(params_pa)`. A failure asks the hypervisor to
 * terminate the VM (GHCB MSR protocol, reason set 3, see svsm/kernel/snp.c).
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
#define MSR_GHCB 0xc0010130
#define MSR_SEV_STATUS 0xc0010131
#define SEV_STATUS_SNP (1 << 2)
#define PARAMS_CPUID_GPA 64	/* offsetof(struct svsm_igvm_params, cpuid_gpa) */
#define CPUID_FN_SIZE 48
#define CPUID_COUNT_MAX 64
#define TERM_SET 3
#define TERM_NOT_SNP 6	/* = SNP_TERM_NOT_SNP, kernel/snp.h */
#define TERM_NO_CBIT 7	/* = SNP_TERM_NO_CBIT */

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

/* The SNP entry: name "SVSM", type 1, 8-byte physical address. */
	.section .note.SVSM, "a", @note
	.balign 4
	.long 5
	.long 8
	.long 1
	.asciz "SVSM"
	.balign 4
	.quad PHYS(snp_start)
	.balign 4

	.section .text.boot, "ax", @progbits
	.code32
/* Terminate through the GHCB MSR protocol with reason (TERM_SET, %eax). */
snp_fail32:
	shl $16, %eax
	or $((TERM_SET << 12) | 0x100), %eax
	xor %edx, %edx
	mov $MSR_GHCB, %ecx
	wrmsr
	.byte 0xf3, 0x0f, 0x01, 0xd9	/* VMGEXIT */
	jmp snp_fail32

	.globl snp_start
snp_start:
	cli
	cld
	mov %esi, %edi			/* parameter block GPA */
	mov $MSR_SEV_STATUS, %ecx
	rdmsr
	test $SEV_STATUS_SNP, %eax
	jnz 1f
	mov $TERM_NOT_SNP, %eax
	jmp snp_fail32
1:	/* The CPUID page: the block is measured, its GPA below 4 GiB. */
	mov PARAMS_CPUID_GPA(%edi), %esi
	cmpl $0, PARAMS_CPUID_GPA + 4(%edi)
	jne 9f
	test $0xfff, %esi
	jnz 9f
	mov (%esi), %ecx		/* count */
	cmp $CPUID_COUNT_MAX, %ecx
	ja 9f
	lea 16(%esi), %ebx
2:	test %ecx, %ecx
	jz 9f
	cmpl $0x8000001f, (%ebx)
	je 3f
	add $CPUID_FN_SIZE, %ebx
	dec %ecx
	jmp 2b
3:	mov 28(%ebx), %ecx		/* EBX output */
	and $0x3f, %ecx
	cmp $32, %ecx			/* the C-bit must be in the high dword */
	jb 9f
	cmp $51, %ecx
	ja 9f
	mov %ecx, PHYS(snp_cbit)
	sub $32, %ecx
	mov $1, %edx
	shl %cl, %edx			/* C-bit in the high dword */
	/* Set it in every early table entry. */
	mov $PHYS(early_pml4), %ebx
	or %edx, 4(%ebx)
	or %edx, 511 * 8 + 4(%ebx)
	mov $PHYS(early_pdpt), %ebx
	or %edx, 4(%ebx)
	or %edx, 510 * 8 + 4(%ebx)
	mov $PHYS(early_pd), %ebx
	mov $512, %ecx
4:	or %edx, 4(%ebx)
	add $8, %ebx
	dec %ecx
	jnz 4b
	mov $1, %esi			/* SNP: kernel_snp_main */
	jmp boot32
9:	mov $TERM_NO_CBIT, %eax
	jmp snp_fail32

	.globl pvh_start
pvh_start:
	cli
	cld
	mov %ebx, %edi
	xor %esi, %esi			/* PVH: kernel_main */
boot32:
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
	/* Now at the kernel's virtual addresses. EDI = start info or
	 * parameter block (phys), ESI = 1 for the SNP entry. */
	mov %edi, %r12d
	mov %esi, %r13d
	/* The GDT at its virtual address: the identity map goes away with
	 * paging_init(), and an exception before cpu_tables_init() (a #VC on
	 * SNP) returns with IRETQ, which reads it. */
	lgdt boot_gdt_desc64(%rip)
	lea __bss_start(%rip), %rdi
	lea __bss_end(%rip), %rcx
	sub %rdi, %rcx
	xor %eax, %eax
	rep stosb
	lea boot_stack_top(%rip), %rsp
	xor %ebp, %ebp
	mov %r12, %rdi
	test %r13d, %r13d
	jnz 1f
	call kernel_main
1:	call kernel_snp_main
2:	cli
	hlt
	jmp 2b

/* SNP: an AP's VMPL0 context starts here (svsm_arch_init_ap_vmsa()),
 * RDI = its APIC ID, RSP = a fresh stack; the call aligns it for C. */
	.globl snp_ap_start
snp_ap_start:
	xor %ebp, %ebp
	call snp_ap_main
	ud2

	.section .rodata
	.balign 16
	.globl boot_gdt
boot_gdt:
	FLAT_GDT_ENTRIES
boot_gdt_end:
boot_gdt_desc:
	.word boot_gdt_end - boot_gdt - 1
	.long PHYS(boot_gdt)
	.balign 8
boot_gdt_desc64:
	.word boot_gdt_end - boot_gdt - 1
	.quad boot_gdt

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

	/* The C-bit position the SNP entry found (0: native). */
	.balign 4
	.globl snp_cbit
snp_cbit:
	.long 0

	.section .bss
	.balign 4096
	.globl boot_stack_guard, boot_stack_bottom, boot_stack_top
boot_stack_guard:		/* left unmapped by paging_init() */
	.skip 4096
boot_stack_bottom:
	.skip BOOT_STACK_SIZE
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
