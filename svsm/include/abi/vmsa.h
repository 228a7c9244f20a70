/* SPDX-License-Identifier: MIT */
/*
 * The SEV-ES/SNP VMSA (save area) page (AMD APM vol. 2, table B-4, as
 * COCONUT-SVSM cpuarch/src/vmsa.rs and Linux `struct sev_es_save_area`
 * lay it out). The guest-visible register offsets match the GHCB's.
 *
 * Export header: stdint types, constants and layouts only.
 */
#ifndef ABI_VMSA_H
#define ABI_VMSA_H

#include <stdint.h>

#define VMSA_SIZE 4096U

/** Segment register record (16 bytes). */
struct vmsa_segment {
	uint16_t selector;
	/** Compressed attributes: access byte | flags nibble << 8. */
	uint16_t attrib;
	uint32_t limit;
	uint64_t base;
};

_Static_assert(sizeof(struct vmsa_segment) == 16, "APM table B-4");

/** The VMSA page. */
struct sev_vmsa {
	struct vmsa_segment es, cs, ss, ds, fs, gs;
	struct vmsa_segment gdtr, ldtr, idtr, tr;
	uint64_t pl0_ssp, pl1_ssp, pl2_ssp, pl3_ssp;
	uint64_t u_cet;
	uint8_t rsvd_0c8[2];
	uint8_t vmpl; /* 0x0CA */
	uint8_t cpl;
	uint8_t rsvd_0cc[4];
	uint64_t efer; /* 0x0D0 */
	uint8_t rsvd_0d8[0x68];
	uint64_t xss; /* 0x140 */
	uint64_t cr4;
	uint64_t cr3;
	uint64_t cr0;
	uint64_t dr7;
	uint64_t dr6;
	uint64_t rflags;
	uint64_t rip; /* 0x178 */
	uint64_t dr0, dr1, dr2, dr3;
	uint64_t dr0_mask, dr1_mask, dr2_mask, dr3_mask;
	uint8_t rsvd_1c0[0x18];
	uint64_t rsp; /* 0x1D8 */
	uint64_t s_cet;
	uint64_t ssp;
	uint64_t isst_addr;
	uint64_t rax; /* 0x1F8 */
	uint64_t star, lstar, cstar, sfmask;
	uint64_t kernel_gs_base;
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
	uint64_t cr2; /* 0x240 */
	uint8_t rsvd_248[0x20];
	uint64_t g_pat; /* 0x268 */
	uint64_t dbgctl;
	uint64_t br_from, br_to;
	uint64_t last_excp_from, last_excp_to;
	uint8_t rsvd_298[0x50];
	uint32_t pkru; /* 0x2E8 */
	uint32_t tsc_aux;
	uint64_t tsc_scale;
	uint64_t tsc_offset;
	uint64_t reg_prot_nonce;
	uint64_t rcx; /* 0x308 */
	uint64_t rdx;
	uint64_t rbx;
	uint64_t rsvd_320;
	uint64_t rbp, rsi, rdi;			       /* 0x328 */
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15; /* 0x340 */
	uint8_t rsvd_380[0x10];
	uint64_t exit_info_1; /* 0x390 */
	uint64_t exit_info_2;
	uint64_t exit_int_info;
	uint64_t next_rip;
	uint64_t sev_features; /* 0x3B0 */
	uint64_t vintr_ctrl;
	uint64_t guest_exit_code; /* 0x3C0 */
	uint64_t virtual_tom;
	uint64_t tlb_id;
	uint64_t pcpu_id;
	uint64_t event_inj;
	uint64_t xcr0; /* 0x3E8 */
	uint8_t rsvd_3f0[0x10];
	uint64_t x87_dp; /* 0x400 */
	uint32_t mxcsr;
	uint16_t x87_ftw, x87_fsw, x87_fcw, x87_fop, x87_ds, x87_cs;
	uint64_t x87_rip;
	uint8_t fpreg_x87[80]; /* 0x420 */
	uint8_t fpreg_xmm[256];
	uint8_t fpreg_ymm[256];
	uint8_t rsvd_670[VMSA_SIZE - 0x670];
};

#define VMSA_OFF_VMPL 0x0CAU
#define VMSA_OFF_EFER 0x0D0U
#define VMSA_OFF_CR4 0x148U
#define VMSA_OFF_CR3 0x150U
#define VMSA_OFF_CR0 0x158U
#define VMSA_OFF_RFLAGS 0x170U
#define VMSA_OFF_RIP 0x178U
#define VMSA_OFF_RSP 0x1D8U
#define VMSA_OFF_RAX 0x1F8U
#define VMSA_OFF_RCX 0x308U
#define VMSA_OFF_RDX 0x310U
#define VMSA_OFF_RSI 0x330U
#define VMSA_OFF_RDI 0x338U
#define VMSA_OFF_R8 0x340U
#define VMSA_OFF_R9 0x348U
#define VMSA_OFF_SEV_FEATURES 0x3B0U
#define VMSA_OFF_GUEST_EXIT_CODE 0x3C0U
#define VMSA_OFF_XCR0 0x3E8U

#define VMSA_ASSERT_OFF(field, off)                                            \
	_Static_assert(__builtin_offsetof(struct sev_vmsa, field) == (off),    \
		       "VMSA offset of " #field)
VMSA_ASSERT_OFF(cs, 0x010);
VMSA_ASSERT_OFF(tr, 0x090);
VMSA_ASSERT_OFF(u_cet, 0x0C0);
VMSA_ASSERT_OFF(vmpl, VMSA_OFF_VMPL);
VMSA_ASSERT_OFF(cpl, 0x0CB);
VMSA_ASSERT_OFF(efer, VMSA_OFF_EFER);
VMSA_ASSERT_OFF(xss, 0x140);
VMSA_ASSERT_OFF(cr4, VMSA_OFF_CR4);
VMSA_ASSERT_OFF(cr3, VMSA_OFF_CR3);
VMSA_ASSERT_OFF(cr0, VMSA_OFF_CR0);
VMSA_ASSERT_OFF(rflags, VMSA_OFF_RFLAGS);
VMSA_ASSERT_OFF(rip, VMSA_OFF_RIP);
VMSA_ASSERT_OFF(dr0_mask, 0x1A0);
VMSA_ASSERT_OFF(rsp, VMSA_OFF_RSP);
VMSA_ASSERT_OFF(rax, VMSA_OFF_RAX);
VMSA_ASSERT_OFF(cr2, 0x240);
VMSA_ASSERT_OFF(g_pat, 0x268);
VMSA_ASSERT_OFF(pkru, 0x2E8);
VMSA_ASSERT_OFF(tsc_scale, 0x2F0);
VMSA_ASSERT_OFF(reg_prot_nonce, 0x300);
VMSA_ASSERT_OFF(rcx, VMSA_OFF_RCX);
VMSA_ASSERT_OFF(rdx, VMSA_OFF_RDX);
VMSA_ASSERT_OFF(rbx, 0x318);
VMSA_ASSERT_OFF(rbp, 0x328);
VMSA_ASSERT_OFF(rsi, VMSA_OFF_RSI);
VMSA_ASSERT_OFF(rdi, VMSA_OFF_RDI);
VMSA_ASSERT_OFF(r8, VMSA_OFF_R8);
VMSA_ASSERT_OFF(r9, VMSA_OFF_R9);
VMSA_ASSERT_OFF(r15, 0x378);
VMSA_ASSERT_OFF(exit_info_1, 0x390);
VMSA_ASSERT_OFF(next_rip, 0x3A8);
VMSA_ASSERT_OFF(sev_features, VMSA_OFF_SEV_FEATURES);
VMSA_ASSERT_OFF(vintr_ctrl, 0x3B8);
VMSA_ASSERT_OFF(guest_exit_code, VMSA_OFF_GUEST_EXIT_CODE);
VMSA_ASSERT_OFF(virtual_tom, 0x3C8);
VMSA_ASSERT_OFF(event_inj, 0x3E0);
VMSA_ASSERT_OFF(xcr0, VMSA_OFF_XCR0);
VMSA_ASSERT_OFF(x87_dp, 0x400);
VMSA_ASSERT_OFF(mxcsr, 0x408);
VMSA_ASSERT_OFF(x87_ftw, 0x40C);
VMSA_ASSERT_OFF(x87_fcw, 0x410);
VMSA_ASSERT_OFF(x87_rip, 0x418);
VMSA_ASSERT_OFF(fpreg_x87, 0x420);
VMSA_ASSERT_OFF(fpreg_xmm, 0x470);
VMSA_ASSERT_OFF(fpreg_ymm, 0x570);
_Static_assert(sizeof(struct sev_vmsa) == VMSA_SIZE, "VMSA is one page");

/* EFER bits. */
#define EFER_SCE (1ULL << 0)
#define EFER_LME (1ULL << 8)
#define EFER_LMA (1ULL << 10)
#define EFER_NXE (1ULL << 11)
/** EFER.SVME in a VMSA: the vCPU is runnable (58019 section 5). */
#define EFER_SVME (1ULL << 12)

/* GUEST_EXIT_CODE values (AMD APM vol. 2 appendix C). */
#define SVM_EXIT_NPF 0x400ULL
/** VMEXIT_VMGEXIT: the guest executed VMGEXIT. */
#define SVM_EXIT_VMGEXIT 0x403ULL
#define SVM_EXIT_INVALID 0xFFFFFFFFFFFFFFFFULL
#define SVM_EXIT_BUSY 0xFFFFFFFFFFFFFFFEULL

#endif /* ABI_VMSA_H */
