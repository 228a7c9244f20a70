/* SPDX-License-Identifier: MIT */
/* SHA-512 (FIPS 180-4), for the guest's REPORT_DATA check. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define SHA512_DIGEST_SIZE 64U
#define SHA512_BLOCK_SIZE 128U

struct sha512_ctx {
	uint64_t h[8];
	uint64_t bytes; /* total length (messages < 2^61 bytes) */
	uint8_t block[SHA512_BLOCK_SIZE];
	size_t fill;
};

void sha512_init(struct sha512_ctx *c);
void sha512_update(struct sha512_ctx *c, const void *data, size_t len);
void sha512_final(struct sha512_ctx *c, uint8_t out[SHA512_DIGEST_SIZE]);
