/* SPDX-License-Identifier: MIT */
/*
 * The SNP ID block of an IGVM file (hosted, OpenSSL): sign one with an
 * ECDSA P-384 ID key, and add it to a file as an SNP_ID_BLOCK directive.
 */
#ifndef IGVM_ID_BLOCK_H
#define IGVM_ID_BLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "igvm/igvm.h"

/**
 * Fills @out for platform @mask: ld = @ld, family/image id zero, version 1,
 * guest SVN 0, the ID key's signature over the SNP ID_BLOCK {ld, family_id,
 * image_id, version, guest_svn, @policy} (r, s little-endian, 72 bytes) and
 * its public key (curve 2, qx/qy little-endian). No author key.
 * @key_pem: path of a PEM P-384 private key. Returns 0, or -1 with @err.
 */
int id_block_sign(const uint8_t ld[SNP_DIGEST_SIZE], uint64_t policy,
		  uint32_t mask, const char *key_pem,
		  struct igvm_vhs_snp_id_block *out, char *err, size_t errlen);

/** Verifies @b's ID-key signature for @policy: 0 good, -1 bad. */
int id_block_verify(const struct igvm_vhs_snp_id_block *b, uint64_t policy);

/**
 * A copy of the checked file @f with @b as its SNP_ID_BLOCK directive: it
 * replaces the one for the same mask, or goes first among the directives
 * (file offsets of later data move). malloc'd, *len bytes; NULL with @err.
 */
uint8_t *id_block_add(const struct igvm_file *f,
		      const struct igvm_vhs_snp_id_block *b, size_t *len,
		      char *err, size_t errlen);

#endif
