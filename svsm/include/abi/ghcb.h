/* SPDX-License-Identifier: MIT */
/*
 * The GHCB (AMD pub. 56421, GHCB specification v2): the MSR protocol, the
 * GHCB page layout, the SW_EXITCODEs an SVSM uses and the page state change
 * buffer.
 *
 * Export header: stdint types, constants and layouts only.
 */
#ifndef ABI_GHCB_H
#define ABI_GHCB_H

#include <stdint.h>

#define MSR_GHCB 0xC0010130U

#define GHCB_PROTOCOL_MIN 1U
#define GHCB_PROTOCOL_MAX 2U
#define GHCB_USAGE_STANDARD 0U

/* MSR protocol: GHCBInfo = bits 11:0, GHCBData = bits 63:12 (section 2.3.1). */
#define GHCB_MSR_INFO_MASK 0xFFFULL
#define GHCB_MSR_INFO(v) ((uint64_t)(v)&GHCB_MSR_INFO_MASK)
#define GHCB_MSR_DATA(v) ((uint64_t)(v) >> 12)

#define GHCB_MSR_SEV_INFO_REQ 0x002ULL
#define GHCB_MSR_SEV_INFO_RESP 0x001ULL
#define GHCB_MSR_CPUID_REQ 0x004ULL
#define GHCB_MSR_CPUID_RESP 0x005ULL
#define GHCB_MSR_AP_RESET_HOLD_REQ 0x006ULL
#define GHCB_MSR_AP_RESET_HOLD_RESP 0x007ULL
#define GHCB_MSR_PREF_GPA_REQ 0x010ULL
#define GHCB_MSR_PREF_GPA_RESP 0x011ULL
#define GHCB_MSR_REG_GPA_REQ 0x012ULL
#define GHCB_MSR_REG_GPA_RESP 0x013ULL
#define GHCB_MSR_PSC_REQ 0x014ULL
#define GHCB_MSR_PSC_RESP 0x015ULL
#define GHCB_MSR_VMPL_REQ 0x016ULL
#define GHCB_MSR_VMPL_RESP 0x017ULL
#define GHCB_MSR_HV_FT_REQ 0x080ULL
#define GHCB_MSR_HV_FT_RESP 0x081ULL
#define GHCB_MSR_TERM_REQ 0x100ULL

/* Register GHCB GPA: request and response carry the GFN in [63:12]. */
#define GHCB_MSR_REG_GPA(gfn) (((uint64_t)(gfn) << 12) | GHCB_MSR_REG_GPA_REQ)
/* Page state change: [55:52] op, [51:12] GFN; response [63:32] error. */
#define GHCB_MSR_PSC_OP_PRIVATE 1ULL
#define GHCB_MSR_PSC_OP_SHARED 2ULL
#define GHCB_MSR_PSC(gfn, op)                                                  \
	((((uint64_t)(op)&0xFULL) << 52) |                                     \
	 (((uint64_t)(gfn)&0xFFFFFFFFFFULL) << 12) | GHCB_MSR_PSC_REQ)
#define GHCB_MSR_PSC_RESP_ERROR(v) ((uint32_t)((uint64_t)(v) >> 32))
/* Run VMPL: [39:32] target VMPL (computed without the 2025 Linux bug). */
#define GHCB_MSR_VMPL_REQ_LEVEL(vmpl)                                          \
	((((uint64_t)(vmpl)&0xFFULL) << 32) | GHCB_MSR_VMPL_REQ)
#define GHCB_MSR_VMPL_RESP_ERROR(v) ((uint32_t)((uint64_t)(v) >> 32))
/* HV features: response [63:12] feature bitmap. */
#define GHCB_HV_FT_SNP (1ULL << 0)
#define GHCB_HV_FT_SNP_AP_CREATION (1ULL << 1)
#define GHCB_HV_FT_SNP_RESTRICTED_INJ (1ULL << 2)
#define GHCB_HV_FT_SNP_MULTI_VMPL (1ULL << 5)
/* Termination: [15:12] reason set, [23:16] reason code. */
#define GHCB_MSR_TERM(set, code)                                               \
	((((uint64_t)(code)&0xFFULL) << 16) |                                  \
	 (((uint64_t)(set)&0xFULL) << 12) | GHCB_MSR_TERM_REQ)
#define GHCB_TERM_SET_GENERAL 0U
#define GHCB_TERM_GENERAL 0U
#define GHCB_TERM_PROTOCOL_UNSUPPORTED 1U
#define GHCB_TERM_FEATURES_UNSUPPORTED 2U

/* SW_EXITCODEs (GHCB spec table 7; Linux uapi svm.h). */
#define SVM_VMGEXIT_CPUID 0x072ULL
#define SVM_VMGEXIT_IOIO 0x07BULL
#define SVM_VMGEXIT_MSR 0x07CULL
#define SVM_VMGEXIT_MMIO_READ 0x80000001ULL
#define SVM_VMGEXIT_MMIO_WRITE 0x80000002ULL
#define SVM_VMGEXIT_AP_HLT_LOOP 0x80000004ULL
#define SVM_VMGEXIT_PSC 0x80000010ULL
#define SVM_VMGEXIT_GUEST_REQUEST 0x80000011ULL
#define SVM_VMGEXIT_EXT_GUEST_REQUEST 0x80000012ULL
#define SVM_VMGEXIT_AP_CREATION 0x80000013ULL
#define SVM_VMGEXIT_SNP_RUN_VMPL 0x80000018ULL
#define SVM_VMGEXIT_HV_FEATURES 0x8000FFFDULL
#define SVM_VMGEXIT_TERM_REQUEST 0x8000FFFEULL
#define SVM_VMGEXIT_UNSUPPORTED_EVENT 0x8000FFFFULL

/* AP creation: SW_EXITINFO1 = APIC ID << 32 | VMPL << 16 | request. */
#define SVM_VMGEXIT_AP_CREATE_ON_INIT 0ULL
#define SVM_VMGEXIT_AP_CREATE 1ULL
#define SVM_VMGEXIT_AP_DESTROY 2ULL
#define SVM_VMGEXIT_AP_EXITINFO1(apic_id, vmpl, req)                           \
	(((uint64_t)(apic_id) << 32) | (((uint64_t)(vmpl)&0xFULL) << 16) |     \
	 ((uint64_t)(req)&0xFULL))

/* SW_EXITINFO1[31:0] on return. */
#define GHCB_RESULT_OK 0U
#define GHCB_RESULT_EXCEPTION 1U /* SW_EXITINFO2 = event to inject */
#define GHCB_RESULT_ERROR 2U	 /* SW_EXITINFO2 = GHCB_ERR_* */
#define GHCB_ERR_NOT_REGISTERED 1ULL
#define GHCB_ERR_INVALID_USAGE 2ULL
#define GHCB_ERR_INVALID_SCRATCH_AREA 3ULL
#define GHCB_ERR_MISSING_INPUT 4ULL
#define GHCB_ERR_INVALID_INPUT 5ULL
#define GHCB_ERR_INVALID_EVENT 6ULL

#define GHCB_SHARED_BUF_SIZE 0x7F0U

/** The GHCB page (GHCB spec table 3). Must be a shared, registered page. */
struct ghcb {
	uint8_t rsvd_000[0xCB];
	uint8_t cpl; /* 0x0CB */
	uint8_t rsvd_0cc[0x74];
	uint64_t xss; /* 0x140 */
	uint8_t rsvd_148[0x18];
	uint64_t dr7; /* 0x160 */
	uint8_t rsvd_168[0x90];
	uint64_t rax; /* 0x1F8 */
	uint8_t rsvd_200[0x108];
	uint64_t rcx; /* 0x308 */
	uint64_t rdx;
	uint64_t rbx;
	uint64_t rsvd_320;
	uint64_t rbp, rsi, rdi;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15; /* 0x340 */
	uint8_t rsvd_380[0x10];
	uint64_t sw_exit_code; /* 0x390 */
	uint64_t sw_exit_info_1;
	uint64_t sw_exit_info_2;
	uint64_t sw_scratch; /* 0x3A8 */
	uint8_t rsvd_3b0[0x38];
	uint64_t xcr0; /* 0x3E8 */
	/** Bit i set: the qword at offset 8 * i is valid. */
	uint8_t valid_bitmap[16]; /* 0x3F0 */
	uint64_t x87_state_gpa;	  /* 0x400 */
	uint8_t rsvd_408[0x3F8];
	uint8_t shared_buffer[GHCB_SHARED_BUF_SIZE]; /* 0x800 */
	uint8_t rsvd_ff0[0xA];
	uint16_t protocol_version; /* 0xFFA */
	uint32_t ghcb_usage;	   /* 0xFFC */
};

#define GHCB_ASSERT_OFF(field, off)                                            \
	_Static_assert(__builtin_offsetof(struct ghcb, field) == (off),        \
		       "GHCB offset of " #field)
GHCB_ASSERT_OFF(cpl, 0x0CB);
GHCB_ASSERT_OFF(xss, 0x140);
GHCB_ASSERT_OFF(dr7, 0x160);
GHCB_ASSERT_OFF(rax, 0x1F8);
GHCB_ASSERT_OFF(rcx, 0x308);
GHCB_ASSERT_OFF(rbx, 0x318);
GHCB_ASSERT_OFF(rdi, 0x338);
GHCB_ASSERT_OFF(r8, 0x340);
GHCB_ASSERT_OFF(r15, 0x378);
GHCB_ASSERT_OFF(sw_exit_code, 0x390);
GHCB_ASSERT_OFF(sw_exit_info_1, 0x398);
GHCB_ASSERT_OFF(sw_exit_info_2, 0x3A0);
GHCB_ASSERT_OFF(sw_scratch, 0x3A8);
GHCB_ASSERT_OFF(xcr0, 0x3E8);
GHCB_ASSERT_OFF(valid_bitmap, 0x3F0);
GHCB_ASSERT_OFF(x87_state_gpa, 0x400);
GHCB_ASSERT_OFF(shared_buffer, 0x800);
GHCB_ASSERT_OFF(protocol_version, 0xFFA);
GHCB_ASSERT_OFF(ghcb_usage, 0xFFC);
_Static_assert(sizeof(struct ghcb) == 4096, "GHCB is one page");

/* Valid bitmap position of a GHCB field at byte offset `off`. */
#define GHCB_VALID_BYTE(off) ((off) >> 6)
#define GHCB_VALID_BIT(off) (((off) >> 3) & 7U)

/* Page state change (SW_EXITCODE 0x80000010), in the shared buffer. */
#define PSC_OP_PRIVATE 1ULL
#define PSC_OP_SHARED 2ULL
#define PSC_OP_PSMASH 3ULL
#define PSC_OP_UNSMASH 4ULL
#define PSC_ENTRY_CUR_PAGE_MASK 0xFFFULL
#define PSC_ENTRY_GFN_SHIFT 12
#define PSC_ENTRY_GFN_MASK (0xFFFFFFFFFFULL << PSC_ENTRY_GFN_SHIFT)
#define PSC_ENTRY_OP_SHIFT 52
#define PSC_ENTRY_OP_MASK (0xFULL << PSC_ENTRY_OP_SHIFT)
#define PSC_ENTRY_2M (1ULL << 56)
#define PSC_ENTRY(gfn, op, is_2m)                                              \
	((((uint64_t)(gfn) << PSC_ENTRY_GFN_SHIFT) & PSC_ENTRY_GFN_MASK) |     \
	 (((uint64_t)(op) << PSC_ENTRY_OP_SHIFT) & PSC_ENTRY_OP_MASK) |        \
	 ((is_2m) ? PSC_ENTRY_2M : 0))
#define PSC_MAX_ENTRIES 253U

/** Page state change header; `end_entry` is the last index (inclusive). */
struct psc_hdr {
	uint16_t cur_entry;
	uint16_t end_entry;
	uint32_t rsvd;
};

/** The page state change buffer, exactly the GHCB's shared buffer. */
struct psc_desc {
	struct psc_hdr hdr;
	uint64_t entries[PSC_MAX_ENTRIES];
};

_Static_assert(sizeof(struct psc_desc) == GHCB_SHARED_BUF_SIZE,
	       "PSC buffer fills the GHCB shared buffer");

#endif /* ABI_GHCB_H */
