/* SPDX-License-Identifier: MIT */
/*
 * Endorsement keys from the TCG EK Credential Profile default templates
 * (L-1: RSA-2048, L-2: ECC NIST P-256), created with TPM2_CreatePrimary
 * under the endorsement hierarchy. The public area is cached: it is the
 * vTPM's attestation manifest. Creation is lazy because an RSA-2048 EK
 * costs tens of milliseconds with a seed-dependent spread.
 */
#include <string.h>

#include "svsm/mm.h"
#include "svsm/vtpm.h"
#include "vtpm_internal.h"

#define TPM_ALG_RSA 0x0001
#define TPM_ALG_SHA256 0x000B
#define TPM_ALG_AES 0x0006
#define TPM_ALG_CFB 0x0043
#define TPM_ALG_NULL 0x0010
#define TPM_ALG_ECC 0x0023
#define TPM_ECC_NIST_P256 0x0003

/*
 * fixedTPM | fixedParent | sensitiveDataOrigin | adminWithPolicy |
 * restricted | decrypt
 */
#define EK_ATTRIBUTES 0x000300B2

/* PolicyA (SHA-256): PolicySecret(TPM_RH_ENDORSEMENT). */
static const uint8_t ek_policy_a[32] = {
	0x83, 0x71, 0x97, 0x67, 0x44, 0x84, 0xB3, 0xF8, 0x1A, 0x90, 0xCC,
	0x8D, 0x46, 0xA5, 0xD7, 0x24, 0xFD, 0x52, 0xD7, 0x6E, 0x06, 0x52,
	0x0B, 0x64, 0xF2, 0xA1, 0xDA, 0x1B, 0x33, 0x14, 0x69, 0xAA,
};

static struct {
	uint8_t *pub;
	size_t len;
} ek_cache[2];

/* TPMT_PUBLIC of the template for `type`. */
static void ek_template(struct tpm_buf *b, enum vtpm_ek_type type)
{
	static const uint8_t zeros[256];

	tpm_put(b, type == VTPM_EK_RSA2048 ? TPM_ALG_RSA : TPM_ALG_ECC, 2);
	tpm_put(b, TPM_ALG_SHA256, 2);
	tpm_put(b, EK_ATTRIBUTES, 4);
	tpm_put(b, sizeof(ek_policy_a), 2);
	tpm_put_bytes(b, ek_policy_a, sizeof(ek_policy_a));
	/* symmetric: AES-128-CFB */
	tpm_put(b, TPM_ALG_AES, 2);
	tpm_put(b, 128, 2);
	tpm_put(b, TPM_ALG_CFB, 2);
	tpm_put(b, TPM_ALG_NULL, 2); /* scheme */
	if (type == VTPM_EK_RSA2048) {
		tpm_put(b, 2048, 2); /* keyBits */
		tpm_put(b, 0, 4);    /* exponent: default */
		tpm_put(b, 256, 2);  /* unique.rsa: 256 zero bytes */
		tpm_put_bytes(b, zeros, 256);
	} else {
		tpm_put(b, TPM_ECC_NIST_P256, 2);
		tpm_put(b, TPM_ALG_NULL, 2); /* kdf */
		tpm_put(b, 32, 2);	     /* unique.x */
		tpm_put_bytes(b, zeros, 32);
		tpm_put(b, 32, 2); /* unique.y */
		tpm_put_bytes(b, zeros, 32);
	}
}

/* TPM2_CreatePrimary(TPM_RH_ENDORSEMENT, template) with an empty password. */
static size_t ek_build_create(uint8_t *cmd, size_t size, enum vtpm_ek_type type)
{
	struct tpm_buf b = { .data = cmd, .size = size, .ok = 1 };
	size_t pub_size_at, pub_start;

	tpm_put(&b, TPM_ST_SESSIONS, 2);
	tpm_put(&b, 0, 4); /* size, patched below */
	tpm_put(&b, TPM_CC_CREATE_PRIMARY, 4);
	tpm_put(&b, TPM_RH_ENDORSEMENT, 4);
	tpm_put(&b, 9, 4);	   /* authorization area size */
	tpm_put(&b, TPM_RS_PW, 4); /* password session */
	tpm_put(&b, 0, 2);	   /* nonce */
	tpm_put(&b, 0, 1);	   /* attributes */
	tpm_put(&b, 0, 2);	   /* hmac (empty password) */
	tpm_put(&b, 4, 2);	   /* inSensitive: userAuth + data, empty */
	tpm_put(&b, 0, 2);
	tpm_put(&b, 0, 2);
	pub_size_at = b.len;
	tpm_put(&b, 0, 2); /* inPublic size, patched below */
	pub_start = b.len;
	ek_template(&b, type);
	if (b.ok) {
		size_t n = b.len - pub_start;

		cmd[pub_size_at] = (uint8_t)(n >> 8);
		cmd[pub_size_at + 1] = (uint8_t)n;
	}
	tpm_put(&b, 0, 2); /* outsideInfo */
	tpm_put(&b, 0, 4); /* creationPCR: no selection */
	tpm_finish(&b);
	return b.ok ? b.len : 0;
}

static size_t simple_command(uint8_t *cmd, uint32_t code, uint32_t arg,
			     unsigned arg_bytes)
{
	struct tpm_buf b = { .data = cmd, .size = 16, .ok = 1 };

	tpm_put(&b, TPM_ST_NO_SESSIONS, 2);
	tpm_put(&b, 0, 4);
	tpm_put(&b, code, 4);
	tpm_put(&b, arg, arg_bytes);
	tpm_finish(&b);
	return b.len;
}

static uint32_t response_code(const uint8_t *resp, size_t len)
{
	return len >= TPM_HEADER_SIZE ? tpm_get_be(resp + 6, 4) : 0xFFFFFFFF;
}

/*
 * Run CreatePrimary and cache the public area. The TPM may not have been
 * started by the guest yet (TPM_RC_INITIALIZE): then start it, create the
 * key and reset it again, so the guest still sees a fresh _TPM_Init.
 */
static int ek_create(enum vtpm_ek_type type)
{
	uint8_t *cmd, *resp;
	size_t cmd_len, resp_len = 0;
	bool started_here = false;
	uint32_t rc, handle, pub_len;
	uint8_t small[16];
	int ret = -1;

	cmd = kmalloc(VTPM_MAX_BUFFER);
	resp = kmalloc(VTPM_MAX_BUFFER);
	if (cmd == NULL || resp == NULL) {
		goto out;
	}
	cmd_len = ek_build_create(cmd, VTPM_MAX_BUFFER, type);
	if (cmd_len == 0 || vtpm_send_command(0, cmd, cmd_len, resp,
					      VTPM_MAX_BUFFER, &resp_len)) {
		goto out;
	}
	rc = response_code(resp, resp_len);
	if (rc == TPM_RC_INITIALIZE) {
		size_t n =
			simple_command(small, TPM_CC_STARTUP, TPM_SU_CLEAR, 2);

		if (vtpm_send_command(0, small, n, resp, VTPM_MAX_BUFFER,
				      &resp_len) ||
		    response_code(resp, resp_len) != TPM_RC_SUCCESS) {
			goto out;
		}
		started_here = true;
		if (vtpm_send_command(0, cmd, cmd_len, resp, VTPM_MAX_BUFFER,
				      &resp_len)) {
			goto out_reset;
		}
		rc = response_code(resp, resp_len);
	}
	/* header, objectHandle, parameterSize, outPublic (TPM2B) */
	if (rc != TPM_RC_SUCCESS || resp_len < TPM_HEADER_SIZE + 10) {
		goto out_reset;
	}
	handle = tpm_get_be(resp + TPM_HEADER_SIZE, 4);
	pub_len = tpm_get_be(resp + TPM_HEADER_SIZE + 8, 2);
	if (pub_len == 0 || pub_len > resp_len - (TPM_HEADER_SIZE + 10)) {
		goto out_reset;
	}
	ek_cache[type].pub = kmalloc(pub_len);
	if (ek_cache[type].pub == NULL) {
		goto out_flush;
	}
	memcpy(ek_cache[type].pub, resp + TPM_HEADER_SIZE + 10, pub_len);
	ek_cache[type].len = pub_len;
	ret = 0;
out_flush:
	cmd_len = simple_command(small, TPM_CC_FLUSH_CONTEXT, handle, 4);
	(void)vtpm_send_command(0, small, cmd_len, resp, VTPM_MAX_BUFFER,
				&resp_len);
out_reset:
	if (started_here && vtpm_reset() != 0) {
		ret = -1;
	}
out:
	kfree(cmd);
	kfree(resp);
	return ret;
}

const uint8_t *vtpm_ek_public(enum vtpm_ek_type type, size_t *len)
{
	if ((unsigned)type > VTPM_EK_ECC_P256 || !vtpm_running()) {
		return NULL;
	}
	if (ek_cache[type].pub == NULL && ek_create(type) != 0) {
		return NULL;
	}
	*len = ek_cache[type].len;
	return ek_cache[type].pub;
}

void vtpm_ek_forget(void)
{
	unsigned i;

	for (i = 0; i < 2; i++) {
		kfree(ek_cache[i].pub);
		ek_cache[i].pub = NULL;
		ek_cache[i].len = 0;
	}
}
