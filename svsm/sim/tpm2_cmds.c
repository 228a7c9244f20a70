/* SPDX-License-Identifier: MIT */
/* TPM 2.0 command builders and response parsers (TPM 2.0 Part 3 layouts). */
#include <string.h>

#include "tpm2_cmds.h"

struct w {
	uint8_t *p;
	size_t n;
};

static void u8(struct w *w, uint8_t v)
{
	w->p[w->n++] = v;
}

static void u16(struct w *w, uint16_t v)
{
	u8(w, (uint8_t)(v >> 8));
	u8(w, (uint8_t)v);
}

static void u32(struct w *w, uint32_t v)
{
	u16(w, (uint16_t)(v >> 16));
	u16(w, (uint16_t)v);
}

static void bytes(struct w *w, const uint8_t *b, size_t n)
{
	memcpy(w->p + w->n, b, n);
	w->n += n;
}

static struct w start(uint8_t *cmd, uint16_t tag, uint32_t code)
{
	struct w w = { cmd, 0 };

	u16(&w, tag);
	u32(&w, 0); /* size, set by finish() */
	u32(&w, code);
	return w;
}

static size_t finish(struct w *w)
{
	w->p[2] = (uint8_t)(w->n >> 24);
	w->p[3] = (uint8_t)(w->n >> 16);
	w->p[4] = (uint8_t)(w->n >> 8);
	w->p[5] = (uint8_t)w->n;
	return w->n;
}

/* An authorization area with one empty-password session. */
static void pw_session(struct w *w)
{
	u32(w, 9);
	u32(w, 0x40000009); /* TPM_RS_PW */
	u16(w, 0);
	u8(w, 0);
	u16(w, 0);
}

size_t tpm2_startup_clear(uint8_t *cmd)
{
	struct w w = start(cmd, 0x8001, 0x144);

	u16(&w, 0);
	return finish(&w);
}

size_t tpm2_get_random(uint8_t *cmd, uint16_t n)
{
	struct w w = start(cmd, 0x8001, 0x17B);

	u16(&w, n);
	return finish(&w);
}

size_t tpm2_pcr_extend_sha256(uint8_t *cmd, uint32_t pcr,
			      const uint8_t digest[32])
{
	struct w w = start(cmd, 0x8002, 0x182);

	u32(&w, pcr);
	pw_session(&w);
	u32(&w, 1);
	u16(&w, 0x000B);
	bytes(&w, digest, 32);
	return finish(&w);
}

static void pcr_select(struct w *w, uint32_t mask)
{
	u32(w, 1);
	u16(w, 0x000B);
	u8(w, 3);
	u8(w, (uint8_t)mask);
	u8(w, (uint8_t)(mask >> 8));
	u8(w, (uint8_t)(mask >> 16));
}

size_t tpm2_pcr_read_sha256(uint8_t *cmd, uint32_t pcr)
{
	struct w w = start(cmd, 0x8001, 0x17E);

	pcr_select(&w, 1U << pcr);
	return finish(&w);
}

size_t tpm2_create_primary_ecc_sign(uint8_t *cmd, uint32_t hierarchy)
{
	struct w w = start(cmd, 0x8002, 0x131);
	size_t at;

	u32(&w, hierarchy);
	pw_session(&w);
	u16(&w, 4); /* inSensitive: empty auth and data */
	u16(&w, 0);
	u16(&w, 0);
	at = w.n;
	u16(&w, 0);	 /* inPublic size */
	u16(&w, 0x0023); /* TPM_ALG_ECC */
	u16(&w, 0x000B); /* nameAlg SHA-256 */
	/* fixedTPM|fixedParent|sensitiveDataOrigin|userWithAuth|sign */
	u32(&w, 0x00040072);
	u16(&w, 0);	 /* no policy */
	u16(&w, 0x0010); /* symmetric: NULL */
	u16(&w, 0x0018); /* scheme ECDSA */
	u16(&w, 0x000B); /* with SHA-256 */
	u16(&w, 0x0003); /* NIST P-256 */
	u16(&w, 0x0010); /* kdf NULL */
	u16(&w, 0);	 /* unique x, y empty */
	u16(&w, 0);
	w.p[at] = (uint8_t)((w.n - at - 2) >> 8);
	w.p[at + 1] = (uint8_t)(w.n - at - 2);
	u16(&w, 0); /* outsideInfo */
	u32(&w, 0); /* creationPCR */
	return finish(&w);
}

size_t tpm2_quote_ecc(uint8_t *cmd, uint32_t key, const uint8_t nonce[32])
{
	struct w w = start(cmd, 0x8002, 0x158);

	u32(&w, key);
	pw_session(&w);
	u16(&w, 32);
	bytes(&w, nonce, 32);
	u16(&w, 0x0018); /* ECDSA */
	u16(&w, 0x000B); /* SHA-256 */
	pcr_select(&w, 0xFF);
	return finish(&w);
}

size_t tpm2_flush_context(uint8_t *cmd, uint32_t handle)
{
	struct w w = start(cmd, 0x8001, 0x165);

	u32(&w, handle);
	return finish(&w);
}

uint32_t tpm2_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

uint16_t tpm2_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

size_t tpm2_get_capability_handles(uint8_t *cmd, uint32_t first)
{
	struct w w = start(cmd, 0x8001, 0x17A);

	u32(&w, 0x00000001); /* TPM_CAP_HANDLES */
	u32(&w, first);
	u32(&w, 64); /* propertyCount: more than any TPM has loaded */
	return finish(&w);
}

uint32_t tpm2_rc(const uint8_t *resp, size_t len)
{
	return len >= 10 ? tpm2_be32(resp + 6) : 0xFFFFFFFF;
}

int tpm2_parse_create_primary_ecc(const uint8_t *resp, size_t len,
				  uint32_t *handle, uint8_t x[32],
				  uint8_t y[32])
{
	const uint8_t *r = resp;
	size_t off = 10 + 4 + 4, pub_len, q;

	if (tpm2_rc(r, len) != 0 || len < off + 2) {
		return -1;
	}
	*handle = tpm2_be32(r + 10);
	pub_len = tpm2_be16(r + off);
	off += 2;
	/* type, nameAlg, attrs, policy(2+0), sym, scheme+hash, curve, kdf */
	q = off + 2 + 2 + 4 + 2 + 2 + 4 + 2 + 2;
	if (pub_len > len - off || q + 2 + 32 + 2 + 32 > off + pub_len ||
	    tpm2_be16(r + q) != 32 || tpm2_be16(r + q + 34) != 32) {
		return -1;
	}
	memcpy(x, r + q + 2, 32);
	memcpy(y, r + q + 36, 32);
	return 0;
}

int tpm2_parse_quote(const uint8_t *resp, size_t len, const uint8_t **attest,
		     size_t *attest_len, uint8_t r[32], uint8_t s[32])
{
	const uint8_t *p = resp;
	size_t off = 10 + 4, n;

	if (tpm2_rc(p, len) != 0 || len < off + 2) {
		return -1;
	}
	n = tpm2_be16(p + off);
	off += 2;
	if (n > len - off) {
		return -1;
	}
	*attest = p + off;
	*attest_len = n;
	off += n;
	/* TPMT_SIGNATURE: sigAlg, hash, r (TPM2B), s (TPM2B) */
	if (len < off + 4 + 2 + 32 + 2 + 32 || tpm2_be16(p + off) != 0x0018 ||
	    tpm2_be16(p + off + 4) != 32 || tpm2_be16(p + off + 38) != 32) {
		return -1;
	}
	memcpy(r, p + off + 6, 32);
	memcpy(s, p + off + 40, 32);
	return 0;
}

int tpm2_parse_handle_count(const uint8_t *resp, size_t len, uint32_t *count)
{
	/* header, moreData, capability, TPML_HANDLE.count, handles */
	if (len < 19 || tpm2_rc(resp, len) != 0 ||
	    tpm2_be32(resp + 11) != 0x00000001) {
		return -1;
	}
	*count = tpm2_be32(resp + 15);
	return *count <= (len - 19) / 4 ? 0 : -1;
}
