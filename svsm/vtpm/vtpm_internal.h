/* SPDX-License-Identifier: MIT */
/* Private to svsm/vtpm/: TPM 2.0 wire constants and marshalling helpers. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* TPM 2.0 Part 2 constants used by the service itself. */
#define TPM_ST_NO_SESSIONS 0x8001
#define TPM_ST_SESSIONS 0x8002
#define TPM_CC_CREATE_PRIMARY 0x00000131
#define TPM_CC_FLUSH_CONTEXT 0x00000165
#define TPM_CC_STARTUP 0x00000144
#define TPM_SU_CLEAR 0x0000
#define TPM_RH_ENDORSEMENT 0x4000000B
#define TPM_RS_PW 0x40000009
#define TPM_RC_SUCCESS 0x000
#define TPM_RC_INITIALIZE 0x100
#define TPM_HEADER_SIZE 10

/* With the vTPM lock held (svsm/vtpm/vtpm.c): */
/** Forget cached EK public areas (the TPM stopped). */
void vtpm_ek_forget(void);
/** Create and cache both EKs on a freshly initialised TPM: 0 or -1. */
int vtpm_ek_create_all(void);
int vtpm_send_locked(uint8_t locality, const uint8_t *cmd, size_t cmd_len,
		     uint8_t *resp, size_t resp_size, size_t *resp_len);
int vtpm_reset_locked(void);

/* A bounded big-endian writer: `ok` turns false on overflow. */
struct tpm_buf {
	uint8_t *data;
	size_t size;
	size_t len;
	int ok;
};

static inline void tpm_put(struct tpm_buf *b, uint64_t v, unsigned bytes)
{
	unsigned i;

	if (!b->ok || b->size - b->len < bytes) {
		b->ok = 0;
		return;
	}
	for (i = 0; i < bytes; i++) {
		b->data[b->len + i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
	}
	b->len += bytes;
}

static inline void tpm_put_bytes(struct tpm_buf *b, const uint8_t *p, size_t n)
{
	size_t i;

	if (!b->ok || b->size - b->len < n) {
		b->ok = 0;
		return;
	}
	for (i = 0; i < n; i++) {
		b->data[b->len + i] = p[i];
	}
	b->len += n;
}

static inline uint32_t tpm_get_be(const uint8_t *p, unsigned bytes)
{
	uint32_t v = 0;
	unsigned i;

	for (i = 0; i < bytes; i++) {
		v = (v << 8) | p[i];
	}
	return v;
}

/** Patch the header's size field once the command is complete. */
static inline void tpm_finish(struct tpm_buf *b)
{
	if (b->ok && b->len >= TPM_HEADER_SIZE) {
		b->data[2] = (uint8_t)(b->len >> 24);
		b->data[3] = (uint8_t)(b->len >> 16);
		b->data[4] = (uint8_t)(b->len >> 8);
		b->data[5] = (uint8_t)b->len;
	}
}
