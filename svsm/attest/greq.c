/* SPDX-License-Identifier: MIT */
/* SNP guest-request message channel (see svsm/greq.h for the rules). */
#include <string.h>

#include <openssl/evp.h>

#include "svsm/greq.h"

static int aes_gcm(bool encrypt, const uint8_t *key, uint64_t seqno,
		   const uint8_t *aad, const uint8_t *in, size_t len,
		   uint8_t *out, uint8_t *tag)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	uint8_t iv[SNP_MSG_IV_SIZE] = { 0 };
	int n = 0, ok;

	if (ctx == NULL) {
		return 0;
	}
	memcpy(iv, &seqno, sizeof(seqno));
	ok = EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, iv,
			       encrypt) &&
	     EVP_CipherUpdate(ctx, NULL, &n, aad, SNP_MSG_AAD_SIZE) &&
	     EVP_CipherUpdate(ctx, out, &n, in, (int)len);
	if (ok && !encrypt) {
		ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG,
					 SNP_MSG_AUTHTAG_SIZE, tag);
	}
	ok = ok && EVP_CipherFinal_ex(ctx, out + n, &n);
	if (ok && encrypt) {
		ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG,
					 SNP_MSG_AUTHTAG_SIZE, tag);
	}
	EVP_CIPHER_CTX_free(ctx);
	return ok;
}

/** Set up a channel on VMPCK `index` (see svsm/greq.h). */
void greq_init(struct greq_channel *ch, const uint8_t key[SNP_VMPCK_SIZE],
	       uint8_t index)
{
	static const uint8_t zero[SNP_VMPCK_SIZE];

	memcpy(ch->key, key, SNP_VMPCK_SIZE);
	ch->vmpck = index;
	ch->seqno = 0;
	/* A wiped VMPCK can never authenticate: treat it as disabled. */
	ch->disabled = memcmp(key, zero, SNP_VMPCK_SIZE) == 0;
}

/** Wipe the key and refuse every later message. */
void greq_disable(struct greq_channel *ch)
{
	volatile uint8_t *k = ch->key;
	size_t i;

	for (i = 0; i < sizeof(ch->key); i++) {
		k[i] = 0;
	}
	ch->disabled = true;
}

/** Seal a request with the next sequence number (see svsm/greq.h). */
int greq_seal(struct greq_channel *ch, uint8_t type, const void *payload,
	      size_t len, struct snp_guest_msg *out)
{
	uint64_t seqno;

	if (ch->disabled || len > SNP_MSG_PAYLOAD_SIZE ||
	    ch->seqno >= UINT64_MAX - 2) {
		return -1;
	}
	seqno = ch->seqno + 1;
	memset(out, 0, sizeof(*out));
	out->hdr.algo = SNP_MSG_AEAD_AES_256_GCM;
	out->hdr.hdr_version = SNP_MSG_HDR_VERSION;
	out->hdr.hdr_sz = SNP_MSG_HDR_SIZE;
	out->hdr.msg_type = type;
	out->hdr.msg_version = SNP_MSG_VERSION;
	out->hdr.msg_sz = (uint16_t)len;
	out->hdr.msg_vmpck = ch->vmpck;
	out->hdr.msg_seqno = seqno;
	if (!aes_gcm(true, ch->key, seqno,
		     (const uint8_t *)&out->hdr + SNP_MSG_AAD_OFFSET, payload,
		     len, out->payload, out->hdr.authtag)) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	return 0;
}

/** Check and decrypt the response to the last request. */
int greq_open(struct greq_channel *ch, uint8_t req_type,
	      const struct snp_guest_msg *in, void *payload, size_t cap,
	      size_t *len)
{
	const struct snp_guest_msg_hdr *h = &in->hdr;
	uint8_t tag[SNP_MSG_AUTHTAG_SIZE];

	if (ch->disabled) {
		return -1;
	}
	memcpy(tag, h->authtag, sizeof(tag));
	if (h->algo != SNP_MSG_AEAD_AES_256_GCM ||
	    h->hdr_version != SNP_MSG_HDR_VERSION ||
	    h->hdr_sz != SNP_MSG_HDR_SIZE ||
	    h->msg_type != (uint8_t)(req_type + 1) ||
	    h->msg_version != SNP_MSG_VERSION || h->msg_vmpck != ch->vmpck ||
	    h->msg_seqno != ch->seqno + 2 || h->msg_sz > cap ||
	    h->msg_sz > SNP_MSG_PAYLOAD_SIZE ||
	    !aes_gcm(false, ch->key, h->msg_seqno,
		     (const uint8_t *)h + SNP_MSG_AAD_OFFSET, in->payload,
		     h->msg_sz, payload, tag)) {
		greq_disable(ch);
		return -1;
	}
	*len = h->msg_sz;
	ch->seqno += 2;
	return 0;
}
