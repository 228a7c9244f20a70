/* SPDX-License-Identifier: MIT */
/*
 * Endorsement keys from the TCG EK Credential Profile default templates
 * (L-1: RSA-2048, L-2: ECC NIST P-256), created with TPM2_CreatePrimary
 * under the endorsement hierarchy. Both are made at power-on, before the
 * guest can change the TPM's state (fill its object slots, set an
 * endorsement password, disable the hierarchy), and their public areas are
 * cached: the RSA one is the vTPM's attestation manifest. Making an
 * RSA-2048 EK costs tens of milliseconds, once per boot.
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

#define TPM_RC_RETRY 0x922

/* One command; the first use of an algorithm may answer RETRY. */
static uint32_t run(const uint8_t *cmd, size_t len, uint8_t *resp, size_t *rlen)
{
	uint32_t rc = 0xFFFFFFFF;
	int tries;

	for (tries = 0; tries < 3; tries++) {
		if (vtpm_send_locked(0, cmd, len, resp, VTPM_MAX_BUFFER,
				     rlen) != 0) {
			return 0xFFFFFFFF;
		}
		rc = response_code(resp, *rlen);
		if (rc != TPM_RC_RETRY) {
			break;
		}
	}
	return rc;
}

/* CreatePrimary of `type`, cache its TPMT_PUBLIC, flush it. */
static int ek_create(enum vtpm_ek_type type, uint8_t *cmd, uint8_t *resp)
{
	size_t cmd_len, resp_len = 0;
	uint32_t handle, pub_len;
	uint8_t small[16];

	cmd_len = ek_build_create(cmd, VTPM_MAX_BUFFER, type);
	if (cmd_len == 0 || run(cmd, cmd_len, resp, &resp_len) != 0 ||
	    resp_len < TPM_HEADER_SIZE + 10) {
		return -1;
	}
	/* header, objectHandle, parameterSize, outPublic (TPM2B) */
	handle = tpm_get_be(resp + TPM_HEADER_SIZE, 4);
	pub_len = tpm_get_be(resp + TPM_HEADER_SIZE + 8, 2);
	if (pub_len == 0 || pub_len > resp_len - (TPM_HEADER_SIZE + 10)) {
		return -1;
	}
	ek_cache[type].pub = kmalloc(pub_len);
	if (ek_cache[type].pub != NULL) {
		memcpy(ek_cache[type].pub, resp + TPM_HEADER_SIZE + 10,
		       pub_len);
		ek_cache[type].len = pub_len;
	}
	cmd_len = simple_command(small, TPM_CC_FLUSH_CONTEXT, handle, 4);
	(void)run(small, cmd_len, resp, &resp_len);
	return ek_cache[type].pub != NULL ? 0 : -1;
}

/*
 * Start the fresh TPM, make both EKs, then reset it so the guest still
 * finds a TPM straight after _TPM_Init that waits for its TPM2_Startup.
 */
int vtpm_ek_create_all(void)
{
	uint8_t *cmd = kmalloc(VTPM_MAX_BUFFER);
	uint8_t *resp = kmalloc(VTPM_MAX_BUFFER);
	uint8_t small[16];
	size_t len, rlen = 0;
	int rc = -1;

	if (cmd == NULL || resp == NULL) {
		goto out;
	}
	len = simple_command(small, TPM_CC_STARTUP, TPM_SU_CLEAR, 2);
	if (run(small, len, resp, &rlen) != TPM_RC_SUCCESS) {
		goto out;
	}
	if (ek_create(VTPM_EK_RSA2048, cmd, resp) == 0 &&
	    ek_create(VTPM_EK_ECC_P256, cmd, resp) == 0) {
		rc = 0;
	}
	if (vtpm_reset_locked() != 0) {
		rc = -1;
	}
out:
	if (rc != 0) {
		vtpm_ek_forget();
	}
	kfree(cmd);
	kfree(resp);
	return rc;
}

/** The cached EK public area of `type` (see svsm/vtpm.h), or NULL. */
const uint8_t *vtpm_ek_public(enum vtpm_ek_type type, size_t *len)
{
	if ((unsigned)type > VTPM_EK_ECC_P256 || !vtpm_running() ||
	    ek_cache[type].pub == NULL) {
		return NULL;
	}
	*len = ek_cache[type].len;
	return ek_cache[type].pub;
}

/** Free the cached EK public areas. */
void vtpm_ek_forget(void)
{
	unsigned i;

	for (i = 0; i < 2; i++) {
		kfree(ek_cache[i].pub);
		ek_cache[i].pub = NULL;
		ek_cache[i].len = 0;
	}
}
