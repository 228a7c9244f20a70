/* SPDX-License-Identifier: MIT */
/*
 * Core protocol structures and bits (AMD pub. 58019 rev 1.00, section 7:
 * tables 5-9).
 *
 * Export header: stdint types, constants and layouts only.
 */
#ifndef ABI_SVSM_CORE_H
#define ABI_SVSM_CORE_H

#include <stdint.h>

/* Versions of the core protocol this ABI describes. */
#define SVSM_CORE_VERSION_MIN 1U
#define SVSM_CORE_VERSION_MAX 1U

/**
 * Header shared by the PVALIDATE (table 6) and DEPOSIT_MEM (table 7) lists.
 * The list (header and entries) must not cross a 4 KiB boundary.
 */
struct svsm_list_hdr {
	/** Number of entries (>= 1). */
	uint16_t entry_count;
	/** Index of the next entry to process (< entry_count). */
	uint16_t next;
	uint32_t rsvd;
};

_Static_assert(sizeof(struct svsm_list_hdr) == 8, "58019 table 6");
_Static_assert(__builtin_offsetof(struct svsm_list_hdr, next) == 2,
	       "58019 table 6");

/** SVSM_CORE_PVALIDATE operation list (table 6): header + u64 entries. */
struct svsm_pvalidate_list {
	struct svsm_list_hdr hdr;
	uint64_t entries[];
};

_Static_assert(__builtin_offsetof(struct svsm_pvalidate_list, entries) == 8,
	       "58019 table 6");

/* PVALIDATE entry (table 6). */
#define SVSM_PVAL_SIZE_MASK 0x3ULL /* [1:0]: PVALIDATE RCX */
#define SVSM_PVAL_SIZE_4K 0x0ULL
#define SVSM_PVAL_SIZE_2M 0x1ULL
#define SVSM_PVAL_VALIDATE (1ULL << 2)	/* [2]: 1 validate, 0 invalidate */
#define SVSM_PVAL_IGNORE_CF (1ULL << 3) /* [3]: CF=1 is not an error */
#define SVSM_PVAL_RSVD_MASK 0xFF0ULL	/* [11:4] */
#define SVSM_PVAL_GFN_MASK (~0xFFFULL)	/* [63:12]: GPA of the page */
#define SVSM_PVAL_ENTRY(gpa, size, validate, ignore_cf)                        \
	(((uint64_t)(gpa)&SVSM_PVAL_GFN_MASK) |                                \
	 ((uint64_t)(size)&SVSM_PVAL_SIZE_MASK) |                              \
	 ((validate) ? SVSM_PVAL_VALIDATE : 0) |                               \
	 ((ignore_cf) ? SVSM_PVAL_IGNORE_CF : 0))

/* Entries that fit in the CA buffer after the header (Linux's limit). */
#define SVSM_PVALIDATE_MAX_COUNT ((4088U - 8U) / 8U)

/** SVSM_CORE_DEPOSIT_MEM page list (table 7): header + u64 entries. */
struct svsm_deposit_list {
	struct svsm_list_hdr hdr;
	uint64_t entries[];
};

/* DEPOSIT_MEM entry (table 7). */
#define SVSM_DEPOSIT_SIZE_MASK 0x3ULL /* [1:0]: 0 4K, 1 2M */
#define SVSM_DEPOSIT_SIZE_4K 0x0ULL
#define SVSM_DEPOSIT_SIZE_2M 0x1ULL
#define SVSM_DEPOSIT_RSVD_MASK 0xFFCULL /* [11:2] */
#define SVSM_DEPOSIT_GFN_MASK (~0xFFFULL)

/** SVSM_CORE_WITHDRAW_MEM output list (table 8), filled by the SVSM. */
struct svsm_withdraw_list {
	/** Number of 4 KiB pages returned (0: nothing to return). */
	uint16_t page_count;
	uint8_t rsvd[6];
	/** GPAs of the returned pages. */
	uint64_t gpas[];
};

_Static_assert(__builtin_offsetof(struct svsm_withdraw_list, gpas) == 8,
	       "58019 table 8");

/* CREATE_VCPU: R8[31:0] = APIC ID. */
#define SVSM_CREATE_VCPU_APIC_ID_MASK 0xFFFFFFFFULL

/* CONFIGURE_VTOM RCX in (table 9). */
#define SVSM_VTOM_QUERY (1ULL << 0)
#define SVSM_VTOM_ENABLE (1ULL << 1)
#define SVSM_VTOM_SET_CR3 (1ULL << 2)	 /* VMSA.CR3 = RDX */
#define SVSM_VTOM_SET_RIP (1ULL << 3)	 /* VMSA.RIP = R8 */
#define SVSM_VTOM_SET_RSP (1ULL << 4)	 /* VMSA.RSP = R9 */
#define SVSM_VTOM_CFG_RSVD_MASK 0xFE0ULL /* [11:5] */
#define SVSM_VTOM_ADDR_MASK (~0xFFFULL)
/* CONFIGURE_VTOM query result in RCX (table 9). */
#define SVSM_VTOM_Q_SUPPORTED (1ULL << 1)
#define SVSM_VTOM_Q_ALIGN_SHIFT 12 /* [19:12]: log2 of the vTOM alignment */
#define SVSM_VTOM_Q_ALIGN_MASK (0xFFULL << SVSM_VTOM_Q_ALIGN_SHIFT)

#endif /* ABI_SVSM_CORE_H */
