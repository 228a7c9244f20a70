/* SPDX-License-Identifier: MIT */
/*
 * SEV_STATUS MSR bits and the VMSA SEV_FEATURES word derived from them
 * (AMD APM vol. 2, section 15.34.10; SEV_FEATURES = SEV_STATUS >> 2).
 *
 * Export header: stdint types, constants and layouts only.
 */
#ifndef ABI_SEV_STATUS_H
#define ABI_SEV_STATUS_H

#include <stdint.h>

#define MSR_SEV_STATUS 0xC0010131U
/* Virtual MSR returning the CA GPA (58019 section 4.2, #VC-emulated). */
#define MSR_SVSM_CAA 0xC001F000U

#define SEV_STATUS_SEV (1ULL << 0)
#define SEV_STATUS_ES (1ULL << 1)
#define SEV_STATUS_SNP (1ULL << 2)
#define SEV_STATUS_VTOM (1ULL << 3)
#define SEV_STATUS_REFLECT_VC (1ULL << 4)
#define SEV_STATUS_RESTRICTED_INJ (1ULL << 5)
#define SEV_STATUS_ALTERNATE_INJ (1ULL << 6)
#define SEV_STATUS_DEBUG_SWAP (1ULL << 7)
#define SEV_STATUS_PREVENT_HOST_IBS (1ULL << 8)
#define SEV_STATUS_BTB_ISOLATION (1ULL << 9)
#define SEV_STATUS_VMPL_SSS (1ULL << 10)
#define SEV_STATUS_SECURE_TSC (1ULL << 11)
#define SEV_STATUS_VMSA_REG_PROT (1ULL << 16)
#define SEV_STATUS_SMT_PROT (1ULL << 17)

/* VMSA SEV_FEATURES (the same bits shifted down by two). */
#define SEV_FEATURES_SHIFT 2
#define SEV_FEATURES_FROM_STATUS(s) ((uint64_t)(s) >> SEV_FEATURES_SHIFT)
#define SEV_FEAT_SNP_ACTIVE (1ULL << 0)
#define SEV_FEAT_VTOM (1ULL << 1)
#define SEV_FEAT_REFLECT_VC (1ULL << 2)
#define SEV_FEAT_RESTRICTED_INJ (1ULL << 3)
#define SEV_FEAT_ALTERNATE_INJ (1ULL << 4)
#define SEV_FEAT_DEBUG_SWAP (1ULL << 5)
#define SEV_FEAT_PREVENT_HOST_IBS (1ULL << 6)
#define SEV_FEAT_BTB_ISOLATION (1ULL << 7)
#define SEV_FEAT_VMPL_SSS (1ULL << 8)
#define SEV_FEAT_SECURE_TSC (1ULL << 9)
#define SEV_FEAT_VMSA_REG_PROT (1ULL << 14)
#define SEV_FEAT_SMT_PROT (1ULL << 15)

#endif /* ABI_SEV_STATUS_H */
