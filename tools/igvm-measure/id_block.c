// SPDX-License-Identifier: MIT
/*
 * The SNP ID block: see id_block.h. The ID key signs the 96-byte SNP
 * ID_BLOCK with ECDSA P-384 over SHA-384; the PSP compares its ld with the
 * launch digest at LAUNCH_FINISH (SNP firmware ABI, ID_BLOCK and
 * ID_AUTH_INFO; QEMU copies the IGVM fields into them).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>

#include "id_block.h"
#include "igvm_writer.h"

#define SIG_COMPONENT 72 /* bytes of r, s, qx, qy in the block */

static void id_block_body(struct snp_id_block *body,
			  const struct igvm_vhs_snp_id_block *b,
			  uint64_t policy)
{
	memset(body, 0, sizeof(*body));
	memcpy(body->ld, b->ld, sizeof(body->ld));
	memcpy(body->family_id, b->family_id, sizeof(body->family_id));
	memcpy(body->image_id, b->image_id, sizeof(body->image_id));
	body->version = b->version;
	body->guest_svn = b->guest_svn;
	body->policy = policy;
}

static int fail(char *err, size_t errlen, const char *msg, const char *arg)
{
	snprintf(err, errlen, "%s%s%s", msg, arg ? ": " : "", arg ? arg : "");
	return -1;
}

static int put_bn(const BIGNUM *bn, uint8_t out[SIG_COMPONENT])
{
	return BN_bn2lebinpad(bn, out, SIG_COMPONENT) == SIG_COMPONENT ? 0 : -1;
}

int id_block_sign(const uint8_t ld[SNP_DIGEST_SIZE], uint64_t policy,
		  uint32_t mask, const char *key_pem,
		  struct igvm_vhs_snp_id_block *out, char *err, size_t errlen)
{
	struct snp_id_block body;
	EVP_PKEY *key = NULL;
	EVP_MD_CTX *md = NULL;
	ECDSA_SIG *sig = NULL;
	BIGNUM *qx = NULL, *qy = NULL;
	uint8_t der[256];
	const uint8_t *p = der;
	size_t der_len = sizeof(der);
	char group[64];
	FILE *fp;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	out->compatibility_mask = mask;
	memcpy(out->ld, ld, SNP_DIGEST_SIZE);
	out->version = 1;
	out->id_key_algorithm = IGVM_SNP_ID_KEY_ALGO_ECDSA_P384_SHA384;
	out->id_public_key.curve = IGVM_SNP_CURVE_P384;
	id_block_body(&body, out, policy);

	fp = fopen(key_pem, "r");
	if (!fp)
		return fail(err, errlen, "cannot read the ID key", key_pem);
	key = PEM_read_PrivateKey(fp, NULL, NULL, NULL);
	fclose(fp);
	if (!key) {
		fail(err, errlen, "not a PEM private key", key_pem);
		goto out;
	}
	if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC ||
	    !EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME,
					    group, sizeof(group), NULL) ||
	    strcmp(group, SN_secp384r1) != 0) {
		fail(err, errlen, "the ID key is not an ECDSA P-384 key",
		     key_pem);
		goto out;
	}
	md = EVP_MD_CTX_new();
	if (!md || EVP_DigestSignInit(md, NULL, EVP_sha384(), NULL, key) != 1 ||
	    EVP_DigestSign(md, der, &der_len, (const uint8_t *)&body,
			   sizeof(body)) != 1 ||
	    !(sig = d2i_ECDSA_SIG(NULL, &p, (long)der_len)) ||
	    put_bn(ECDSA_SIG_get0_r(sig), out->id_key_signature.r) ||
	    put_bn(ECDSA_SIG_get0_s(sig), out->id_key_signature.s)) {
		fail(err, errlen, "signing the ID block failed", NULL);
		goto out;
	}
	if (!EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, &qx) ||
	    !EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, &qy) ||
	    put_bn(qx, out->id_public_key.qx) ||
	    put_bn(qy, out->id_public_key.qy)) {
		fail(err, errlen, "reading the ID public key failed", NULL);
		goto out;
	}
	rc = 0;
out:
	BN_free(qx);
	BN_free(qy);
	ECDSA_SIG_free(sig);
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(key);
	return rc;
}

int id_block_verify(const struct igvm_vhs_snp_id_block *b, uint64_t policy)
{
	struct snp_id_block body;
	uint8_t digest[SNP_DIGEST_SIZE];
	EC_KEY *ec = NULL;
	ECDSA_SIG *sig = NULL;
	BIGNUM *x, *y, *r, *s;
	int ok = 0;

	if (b->id_public_key.curve != IGVM_SNP_CURVE_P384 ||
	    b->id_key_algorithm != IGVM_SNP_ID_KEY_ALGO_ECDSA_P384_SHA384)
		return -1;
	id_block_body(&body, b, policy);
	if (!EVP_Digest(&body, sizeof(body), digest, NULL, EVP_sha384(), NULL))
		return -1;
	x = BN_lebin2bn(b->id_public_key.qx, SIG_COMPONENT, NULL);
	y = BN_lebin2bn(b->id_public_key.qy, SIG_COMPONENT, NULL);
	r = BN_lebin2bn(b->id_key_signature.r, SIG_COMPONENT, NULL);
	s = BN_lebin2bn(b->id_key_signature.s, SIG_COMPONENT, NULL);
	/* The EC_KEY calls are deprecated in OpenSSL 3 but still the shortest
	 * way from raw coordinates to a verification. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
	ec = EC_KEY_new_by_curve_name(NID_secp384r1);
	sig = ECDSA_SIG_new();
	if (x && y && r && s && ec && sig &&
	    EC_KEY_set_public_key_affine_coordinates(ec, x, y) == 1 &&
	    ECDSA_SIG_set0(sig, r, s) == 1) {
		r = s = NULL; /* owned by sig */
		ok = ECDSA_do_verify(digest, sizeof(digest), sig, ec) == 1;
	}
	EC_KEY_free(ec);
#pragma GCC diagnostic pop
	ECDSA_SIG_free(sig);
	BN_free(x);
	BN_free(y);
	BN_free(r);
	BN_free(s);
	return ok ? 0 : -1;
}

/* Adds @delta to the u32 file offset at @field of the TLV payload at @p. */
static void shift_offset(uint8_t *p, size_t field, uint32_t delta)
{
	uint32_t v;

	memcpy(&v, p + field, sizeof(v));
	if (v) {
		v += delta;
		memcpy(p + field, &v, sizeof(v));
	}
}

uint8_t *id_block_add(const struct igvm_file *f,
		      const struct igvm_vhs_snp_id_block *b, size_t *len,
		      char *err, size_t errlen)
{
	const size_t tlv = sizeof(struct igvm_var_header) + sizeof(*b);
	struct igvm_iter it;
	struct igvm_header h;
	struct igvm_var_header vh = { IGVM_VHT_SNP_ID_BLOCK, sizeof(*b) };
	struct igvm_fixed_header fh;
	uint32_t replace_at = 0, insert_at = 0;
	uint32_t delta;
	uint8_t *out;
	size_t pos;

	igvm_iter_start(&it, f);
	while (igvm_iter_next(&it, &h)) {
		if (h.type == IGVM_VHT_SNP_ID_BLOCK &&
		    h.u.id_block.compatibility_mask == b->compatibility_mask)
			replace_at = h.offset;
		if (!insert_at && h.type >= IGVM_VHT_SECTION_DIRECTIVE_FIRST)
			insert_at = h.offset;
		if (h.optional &&
		    strcmp(igvm_type_name(h.type), "unknown") == 0) {
			fail(err, errlen,
			     "the file has an unknown header: cannot move its "
			     "data",
			     NULL);
			return NULL;
		}
	}
	if (!insert_at)
		insert_at = f->headers_end;
	delta = replace_at ? 0 : (uint32_t)tlv; /* tlv is 8-aligned */
	if ((uint64_t)f->size + delta > 0xFFFFFFFFU) {
		fail(err, errlen, "the file would exceed 4 GiB", NULL);
		return NULL;
	}
	out = malloc(f->size + delta);
	if (!out) {
		fail(err, errlen, "out of memory", NULL);
		return NULL;
	}
	pos = replace_at ? replace_at : insert_at;
	memcpy(out, f->data, pos);
	memcpy(out + pos, &vh, sizeof(vh));
	memcpy(out + pos + sizeof(vh), b, sizeof(*b));
	memcpy(out + pos + tlv, f->data + pos + (replace_at ? tlv : 0),
	       f->size - pos - (replace_at ? tlv : 0));

	/* Move the file offsets of every header by delta. */
	igvm_iter_start(&it, f);
	while (delta && igvm_iter_next(&it, &h)) {
		uint8_t *p = out + h.offset + sizeof(vh) +
			     (h.offset >= insert_at ? delta : 0);
		if (h.type == IGVM_VHT_PAGE_DATA)
			shift_offset(p, 12, delta);
		else if (h.type == IGVM_VHT_PARAMETER_AREA)
			shift_offset(p, 12, delta);
		else if (h.type == IGVM_VHT_VP_CONTEXT)
			shift_offset(p, 12, delta);
	}
	memcpy(&fh, out, sizeof(fh));
	fh.variable_header_size += delta;
	fh.total_file_size += delta;
	memcpy(out, &fh, sizeof(fh));
	*len = f->size + delta;
	igvm_writer_fix_checksum(out, *len);
	return out;
}
