/* SPDX-License-Identifier: MIT */
/*
 * Hand-marshalled TPM 2.0 commands as a guest's driver (or tpm2-tools)
 * sends them: used by the svsm-sim console, the tests and the benchmarks.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define TPM2_MAX 4096

/* Each builder writes a complete command into `cmd` and returns its size. */
size_t tpm2_startup_clear(uint8_t *cmd);
size_t tpm2_get_random(uint8_t *cmd, uint16_t bytes);
size_t tpm2_pcr_extend_sha256(uint8_t *cmd, uint32_t pcr,
			      const uint8_t digest[32]);
size_t tpm2_pcr_read_sha256(uint8_t *cmd, uint32_t pcr);
/** CreatePrimary: an unrestricted ECDSA P-256/SHA-256 signing key. */
size_t tpm2_create_primary_ecc_sign(uint8_t *cmd, uint32_t hierarchy);
/** Quote PCRs 0-7 (sha256) with `key`, qualifying data `nonce` (32 bytes). */
size_t tpm2_quote_ecc(uint8_t *cmd, uint32_t key, const uint8_t nonce[32]);
size_t tpm2_flush_context(uint8_t *cmd, uint32_t handle);
/** GetCapability(TPM_CAP_HANDLES) from `first` (0x80000000: transient). */
size_t tpm2_get_capability_handles(uint8_t *cmd, uint32_t first);

uint32_t tpm2_rc(const uint8_t *resp, size_t len);
uint32_t tpm2_be32(const uint8_t *p);
uint16_t tpm2_be16(const uint8_t *p);

/** From a CreatePrimary response: the handle and the ECC point (32+32). */
int tpm2_parse_create_primary_ecc(const uint8_t *resp, size_t len,
				  uint32_t *handle, uint8_t x[32],
				  uint8_t y[32]);

/** From a GetCapability(TPM_CAP_HANDLES) response: how many handles. */
int tpm2_parse_handle_count(const uint8_t *resp, size_t len, uint32_t *count);

/** From a Quote response: the TPMS_ATTEST bytes and the ECDSA r/s. */
int tpm2_parse_quote(const uint8_t *resp, size_t len, const uint8_t **attest,
		     size_t *attest_len, uint8_t r[32], uint8_t s[32]);
