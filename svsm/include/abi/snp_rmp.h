/* SPDX-License-Identifier: MIT */
/*
 * PVALIDATE and RMPADJUST operands and return codes (AMD APM vol. 3,
 * PVALIDATE and RMPADJUST instruction pages).
 *
 * Export header: stdint types, constants and layouts only.
 */
#ifndef ABI_SNP_RMP_H
#define ABI_SNP_RMP_H

#include <stdint.h>

/* Page size operand (RCX) of both instructions. */
#define RMP_PG_SIZE_4K 0U
#define RMP_PG_SIZE_2M 1U

/* EAX results. */
#define PVALIDATE_SUCCESS 0U
#define PVALIDATE_FAIL_INPUT 1U
#define PVALIDATE_FAIL_SIZEMISMATCH 6U
#define RMPADJUST_SUCCESS 0U
#define RMPADJUST_FAIL_INPUT 1U
#define RMPADJUST_FAIL_PERMISSION 2U
#define RMPADJUST_FAIL_INUSE 3U /* the VMSA runs on some CPU */
#define RMPADJUST_FAIL_SIZEMISMATCH 6U

/* RMPADJUST attribute word (RDX). */
#define RMPADJUST_VMPL_MASK 0xFFULL /* [7:0]: target VMPL (> current) */
#define RMPADJUST_PERM_SHIFT 8
#define RMPADJUST_READ (1ULL << 8)
#define RMPADJUST_WRITE (1ULL << 9)
#define RMPADJUST_UEXEC (1ULL << 10)
#define RMPADJUST_SEXEC (1ULL << 11)
#define RMPADJUST_PERM_MASK 0xF00ULL
#define RMPADJUST_RWX RMPADJUST_PERM_MASK
/** [16]: make the page a VMSA page. */
#define RMPADJUST_VMSA (1ULL << 16)
#define RMPADJUST_ATTRS(vmpl, perms)                                           \
	(((uint64_t)(vmpl)&RMPADJUST_VMPL_MASK) | ((perms)&RMPADJUST_PERM_MASK))

#endif /* ABI_SNP_RMP_H */
