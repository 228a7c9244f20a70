/* SPDX-License-Identifier: MIT */
/*
 * The KBS's resource response: an RFC 7516 flattened JWE with alg
 * ECDH-ES+A256KW and enc A256GCM (RFC 7518 sections 4.6 and 5.3). The
 * KBS's ephemeral key (`epk` in the protected header) and our P-521 key
 * give Z; the Concat KDF turns Z into the key-wrapping key; AES key unwrap
 * (RFC 3394) yields the content key; AES-256-GCM with the protected
 * member's ASCII as AAD yields the resource. Every intermediate key is
 * wiped; nothing is written to `out` unless the tag verifies.
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/params.h>

#include "kbs_internal.h"

#define ALG "ECDH-ES+A256KW"
#define CEK_WRAPPED 40U
#define GCM_IV 12U
#define GCM_TAG 16U
#define HDR_MAX 512U

/** A fresh P-521 key (see kbs_internal.h). */
EVP_PKEY *kbs_ec_generate(void)
{
	return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-521");
}

/** The public point's coordinates (see kbs_internal.h). */
int kbs_ec_xy(EVP_PKEY *key, uint8_t x[KBS_P521_COORD],
	      uint8_t y[KBS_P521_COORD])
{
	uint8_t pt[1 + 2 * KBS_P521_COORD];
	size_t n = 0;

	if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, pt,
					    sizeof(pt), &n) != 1 ||
	    n != sizeof(pt) || pt[0] != 0x04) {
		return -1;
	}
	memcpy(x, pt + 1, KBS_P521_COORD);
	memcpy(y, pt + 1 + KBS_P521_COORD, KBS_P521_COORD);
	return 0;
}

/* The peer's P-521 public key from its coordinates (checked on the curve). */
static EVP_PKEY *peer_key(const uint8_t *x, const uint8_t *y)
{
	uint8_t pt[1 + 2 * KBS_P521_COORD];
	char group[] = "P-521";
	OSSL_PARAM params[3];
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	EVP_PKEY *key = NULL;

	pt[0] = 0x04;
	memcpy(pt + 1, x, KBS_P521_COORD);
	memcpy(pt + 1 + KBS_P521_COORD, y, KBS_P521_COORD);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
						     group, 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
						      pt, sizeof(pt));
	params[2] = OSSL_PARAM_construct_end();
	if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) != 1) {
		key = NULL;
	}
	EVP_PKEY_CTX_free(ctx);
	return key;
}

static int ecdh(EVP_PKEY *key, EVP_PKEY *peer, uint8_t z[KBS_P521_COORD])
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
	size_t n = KBS_P521_COORD;
	int ok;

	ok = ctx != NULL && EVP_PKEY_derive_init(ctx) == 1 &&
	     EVP_PKEY_derive_set_peer_ex(ctx, peer, 1) == 1 &&
	     EVP_PKEY_derive(ctx, z, &n) == 1 && n == KBS_P521_COORD;
	EVP_PKEY_CTX_free(ctx);
	return ok ? 0 : -1;
}

static void be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static int put_field(EVP_MD_CTX *md, const char *s)
{
	uint8_t len[4];
	size_t n = strlen(s);

	be32(len, (uint32_t)n);
	return EVP_DigestUpdate(md, len, 4) == 1 &&
	       EVP_DigestUpdate(md, s, n) == 1;
}

/** Concat KDF, one SHA-256 round (see kbs_internal.h). */
int kbs_concat_kdf(const uint8_t *z, size_t zlen, const char *alg,
		   const char *apu, const char *apv, unsigned bits,
		   uint8_t *out)
{
	EVP_MD_CTX *md;
	uint8_t counter[4], keylen[4], full[32];
	int ok;

	if (bits == 0 || bits > 256 || bits % 8 != 0) {
		return -1;
	}
	md = EVP_MD_CTX_new();
	be32(counter, 1);
	be32(keylen, bits);
	ok = md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 &&
	     EVP_DigestUpdate(md, counter, 4) == 1 &&
	     EVP_DigestUpdate(md, z, zlen) == 1 && put_field(md, alg) &&
	     put_field(md, apu) && put_field(md, apv) &&
	     EVP_DigestUpdate(md, keylen, 4) == 1 &&
	     EVP_DigestFinal_ex(md, full, NULL) == 1;
	EVP_MD_CTX_free(md);
	if (ok) {
		memcpy(out, full, bits / 8);
	}
	kbs_wipe(full, sizeof(full));
	return ok ? 0 : -1;
}

static int unwrap(const uint8_t kek[32], const uint8_t *wrapped,
		  uint8_t cek[32])
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	uint8_t out[CEK_WRAPPED];
	int n = 0, m = 0, ok;

	if (ctx == NULL) {
		return -1;
	}
	EVP_CIPHER_CTX_set_flags(ctx, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
	ok = EVP_DecryptInit_ex(ctx, EVP_aes_256_wrap(), NULL, kek, NULL) ==
		     1 &&
	     EVP_DecryptUpdate(ctx, out, &n, wrapped, CEK_WRAPPED) == 1 &&
	     EVP_DecryptFinal_ex(ctx, out + n, &m) == 1 && n + m == 32;
	EVP_CIPHER_CTX_free(ctx);
	if (ok) {
		memcpy(cek, out, 32);
	}
	kbs_wipe(out, sizeof(out));
	return ok ? 0 : -1;
}

static int gcm_open(const uint8_t cek[32], const uint8_t iv[GCM_IV],
		    const char *aad, size_t aad_len, const uint8_t *ct,
		    size_t n, uint8_t tag[GCM_TAG], uint8_t *out)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int a = 0, b = 0, ok;

	ok = ctx != NULL &&
	     EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) ==
		     1 &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, GCM_IV, NULL) ==
		     1 &&
	     EVP_DecryptInit_ex(ctx, NULL, NULL, cek, iv) == 1 &&
	     EVP_DecryptUpdate(ctx, NULL, &a, (const uint8_t *)aad,
			       (int)aad_len) == 1 &&
	     EVP_DecryptUpdate(ctx, out, &a, ct, (int)n) == 1 &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, GCM_TAG, tag) ==
		     1 &&
	     EVP_DecryptFinal_ex(ctx, out + a, &b) == 1 && a >= 0 && b >= 0 &&
	     (size_t)a + (size_t)b == n;
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : -1;
}

/* A member that is base64url of exactly `want` bytes (0: up to `cap`). */
static int b64_member(const struct jval *obj, const char *key, uint8_t *out,
		      size_t cap, size_t want, size_t *len)
{
	struct jval v;
	size_t n = 0;

	if (json_get(obj, key, &v) != 0 || v.t != J_STR ||
	    kbs_has_byte(v.p + 1, v.n - 2, '\\') ||
	    b64url_decode(v.p + 1, v.n - 2, out, cap, &n) != 0 ||
	    (want != 0 && n != want)) {
		return -1;
	}
	*len = n;
	return 0;
}

/* The protected header: our algorithms and the KBS's P-521 key. */
static EVP_PKEY *header_epk(const struct jval *jwe, struct jval *prot)
{
	char hdr[HDR_MAX + 1], s[16];
	uint8_t x[KBS_P521_COORD], y[KBS_P521_COORD];
	struct jval h, epk;
	size_t n = 0;

	if (json_get(jwe, "protected", prot) != 0 || prot->t != J_STR ||
	    kbs_has_byte(prot->p + 1, prot->n - 2, '\\') ||
	    b64url_decode(prot->p + 1, prot->n - 2, (uint8_t *)hdr, HDR_MAX,
			  &n) != 0 ||
	    json_parse(hdr, n, &h) != 0 ||
	    json_get_str(&h, "alg", s, sizeof(s), &n) != 0 ||
	    strcmp(s, ALG) != 0 ||
	    json_get_str(&h, "enc", s, sizeof(s), &n) != 0 ||
	    strcmp(s, "A256GCM") != 0 || json_get(&h, "epk", &epk) != 0 ||
	    json_get_str(&epk, "kty", s, sizeof(s), &n) != 0 ||
	    strcmp(s, "EC") != 0 ||
	    json_get_str(&epk, "crv", s, sizeof(s), &n) != 0 ||
	    strcmp(s, "P-521") != 0 ||
	    b64_member(&epk, "x", x, sizeof(x), sizeof(x), &n) != 0 ||
	    b64_member(&epk, "y", y, sizeof(y), sizeof(y), &n) != 0) {
		return NULL;
	}
	return peer_key(x, y);
}

/** Decrypt the resource (see kbs_internal.h). */
int kbs_jwe_decrypt(EVP_PKEY *key, const char *json, size_t n, uint8_t *out,
		    size_t cap, size_t *len)
{
	uint8_t wrapped[CEK_WRAPPED], iv[GCM_IV], tag[GCM_TAG];
	uint8_t z[KBS_P521_COORD], kek[32], cek[32];
	struct jval jwe, prot, ct;
	EVP_PKEY *epk = NULL;
	size_t m = 0, ct_len = 0;
	int rc = -1;

	if (json_parse(json, n, &jwe) != 0 || jwe.t != J_OBJ ||
	    (epk = header_epk(&jwe, &prot)) == NULL ||
	    b64_member(&jwe, "encrypted_key", wrapped, sizeof(wrapped),
		       sizeof(wrapped), &m) != 0 ||
	    b64_member(&jwe, "iv", iv, sizeof(iv), sizeof(iv), &m) != 0 ||
	    b64_member(&jwe, "tag", tag, sizeof(tag), sizeof(tag), &m) != 0 ||
	    json_get(&jwe, "aad", &ct) == 0 || /* RFC 7516 aad: not ours */
	    json_get(&jwe, "ciphertext", &ct) != 0 || ct.t != J_STR ||
	    (ct.n - 2) / 4 * 3 > cap + 3) {
		goto out;
	}
	/* Decode the ciphertext in place at the end of `out`'s capacity. */
	if (b64url_decode(ct.p + 1, ct.n - 2, out, cap, &ct_len) != 0 ||
	    ct_len == 0) {
		goto out;
	}
	if (ecdh(key, epk, z) != 0 ||
	    kbs_concat_kdf(z, sizeof(z), ALG, "", "", 256, kek) != 0 ||
	    unwrap(kek, wrapped, cek) != 0 ||
	    gcm_open(cek, iv, prot.p + 1, prot.n - 2, out, ct_len, tag, out) !=
		    0) {
		kbs_wipe(out, cap);
		goto out;
	}
	*len = ct_len;
	rc = 0;
out:
	kbs_wipe(z, sizeof(z));
	kbs_wipe(kek, sizeof(kek));
	kbs_wipe(cek, sizeof(cek));
	EVP_PKEY_free(epk);
	return rc;
}
