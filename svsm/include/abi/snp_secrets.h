/* SPDX-License-Identifier: MIT */
/*
 * The SNP secrets page (SEV-SNP firmware ABI, table 73) with the SVSM
 * fields of AMD pub. 58019 rev 1.00, section 4.1, table 1.
 *
 * Export header: stdint types, constants and layouts only.
 */
#ifndef ABI_SNP_SECRETS_H
#define ABI_SNP_SECRETS_H

#include <stdint.h>

#define SNP_VMPCK_COUNT 4U
#define SNP_VMPCK_SIZE 32U

/** The secrets page (4 KiB). SVSM fields are zero until an SVSM fills them. */
struct snp_secrets_page {
	uint32_t version;
	uint32_t imien; /* bit 0 */
	uint32_t fms;
	uint32_t rsvd_00c;
	uint8_t gosvw[16];
	uint8_t vmpck[SNP_VMPCK_COUNT][SNP_VMPCK_SIZE]; /* 0x020 */
	/* OS area (0x0A0). */
	uint32_t msg_seqno[4];
	uint64_t ap_jump_table_pa;
	uint8_t rsvd_0b8[40];
	uint8_t guest_usage[32];
	uint8_t vmsa_tweak_bitmap[64]; /* 0x100 */
	/* SVSM area (0x140, table 1). */
	uint64_t svsm_base; /* GPA of the SVSM region */
	uint64_t svsm_size; /* bytes; 0: no SVSM */
	uint64_t svsm_caa;  /* GPA of the boot vCPU's Calling Area */
	uint32_t svsm_max_version;
	uint8_t svsm_guest_vmpl;
	uint8_t rsvd_15d[3];
	uint32_t tsc_factor; /* 0x160 */
	uint8_t rsvd_164[3740];
};

#define SNP_SECRETS_ASSERT_OFF(field, off)                                     \
	_Static_assert(__builtin_offsetof(struct snp_secrets_page, field) ==   \
			       (off),                                          \
		       "secrets page offset of " #field)
SNP_SECRETS_ASSERT_OFF(gosvw, 0x010);
SNP_SECRETS_ASSERT_OFF(vmpck, 0x020);
SNP_SECRETS_ASSERT_OFF(msg_seqno, 0x0A0);
SNP_SECRETS_ASSERT_OFF(ap_jump_table_pa, 0x0B0);
SNP_SECRETS_ASSERT_OFF(guest_usage, 0x0E0);
SNP_SECRETS_ASSERT_OFF(vmsa_tweak_bitmap, 0x100);
SNP_SECRETS_ASSERT_OFF(svsm_base, 0x140);
SNP_SECRETS_ASSERT_OFF(svsm_size, 0x148);
SNP_SECRETS_ASSERT_OFF(svsm_caa, 0x150);
SNP_SECRETS_ASSERT_OFF(svsm_max_version, 0x158);
SNP_SECRETS_ASSERT_OFF(svsm_guest_vmpl, 0x15C);
SNP_SECRETS_ASSERT_OFF(tsc_factor, 0x160);
_Static_assert(sizeof(struct snp_secrets_page) == 4096,
	       "the secrets page is one page");

#endif /* ABI_SNP_SECRETS_H */
