/* SPDX-License-Identifier: MIT */
/* Private to svsm/sim/psp/. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "psp.h"

struct psp {
	struct psp_config cfg;
	/* Sequence number of the last message per VMPCK (firmware state). */
	uint64_t last_seqno[SNP_VMPCK_COUNT];
	uint8_t chip_id[64];
	uint8_t report_id[32];
	uint64_t tcb;
	EVP_PKEY *vcek_key;
	uint8_t *ark_der, *ask_der, *vcek_der;
	size_t ark_len, ask_len, vcek_len;
};

/** The fixed simulated ARK and ASK private keys (psp_roots.c). */
extern const char psp_sim_ark_pem[];
extern const char psp_sim_ask_pem[];

/**
 * Give `psp` the chip's ARK/ASK/VCEK keys and certificates, made on the
 * first call and the same for every PSP of the process (with the chip's
 * CHIP_ID and TCB). 0 or -1.
 */
int psp_make_chain(struct psp *psp);

/** Sign report bytes 0x000..0x29F with the VCEK into r/s (little-endian). */
int psp_sign_report(struct psp *psp, uint8_t *report);
