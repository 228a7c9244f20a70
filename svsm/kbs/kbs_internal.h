/* SPDX-License-Identifier: MIT */
/*
 * Private to svsm/kbs: a small, strict, bounded JSON reader and writer for
 * exactly the KBS's types, base64, the JWE decryption and the evidence.
 * Nothing here allocates; readers point into the caller's buffer.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "svsm/kbs.h"

/** True if byte `c` occurs in `p`..`p + n` (the kernel's libc has no memchr). */
static inline bool kbs_has_byte(const char *p, size_t n, char c)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] == c) {
			return true;
		}
	}
	return false;
}

/* ---- JSON writer (svsm/kbs/json_write.c) ---- */

#define JW_DEPTH 8

/** Output into a fixed buffer; `err` is sticky (overflow, nesting). */
struct jw {
	char *buf;
	size_t cap, len;
	bool err;
	unsigned depth;
	bool first[JW_DEPTH]; /* no member or element yet at this level */
};

void jw_init(struct jw *w, char *buf, size_t cap);
void jw_obj(struct jw *w);
void jw_end_obj(struct jw *w);
void jw_arr(struct jw *w);
void jw_end_arr(struct jw *w);
/** A member name (then exactly one value). */
void jw_key(struct jw *w, const char *key);
/** A string value of `n` bytes, escaped as RFC 8785 requires. */
void jw_strn(struct jw *w, const char *s, size_t n);
void jw_str(struct jw *w, const char *s);
void jw_u64(struct jw *w, uint64_t v);
void jw_null(struct jw *w);
/** `n` bytes as an array of numbers 0..255 (serde's form of [u8; n]). */
void jw_bytes(struct jw *w, const uint8_t *p, size_t n);
/** `n` bytes as an unpadded base64url string. */
void jw_b64url(struct jw *w, const uint8_t *p, size_t n);
/** 0 and the length, or -1 if anything failed; NUL-terminates. */
int jw_finish(struct jw *w, size_t *len);

/* ---- JSON reader (svsm/kbs/json_read.c) ---- */

#define JSON_MAX_DEPTH 16

enum jtype {
	J_NULL,
	J_FALSE,
	J_TRUE,
	J_NUM,
	J_STR,
	J_ARR,
	J_OBJ
};

/** A value: `p`..`p + n` spans its text in the document. */
struct jval {
	enum jtype t;
	const char *p;
	size_t n;
};

/**
 * Check that `s` (`n` bytes) is exactly one RFC 8259 value, strictly (UTF-8,
 * no NUL, depth at most JSON_MAX_DEPTH) and point `root` at it. 0 or -1.
 */
int json_parse(const char *s, size_t n, struct jval *root);
/** Member `key` of object `obj`: 0; -1 if absent, repeated or not an object. */
int json_get(const struct jval *obj, const char *key, struct jval *out);
/** Member `key` that must be a string, decoded into `out` (see json_str). */
int json_get_str(const struct jval *obj, const char *key, char *out, size_t cap,
		 size_t *len);
/**
 * Decode string `v` into `out` (`cap` bytes with the NUL). Escapes of code
 * points above U+007F and of U+0000 are refused (the KBS's strings are
 * ASCII). 0 or -1.
 */
int json_str(const struct jval *v, char *out, size_t cap, size_t *len);

/* ---- base64 (svsm/kbs/b64.c) ---- */

/** Unpadded base64url of `n` bytes; the length, or 0 if `cap` is short. */
size_t b64url_encode(const uint8_t *in, size_t n, char *out, size_t cap);
/** Strict unpadded base64url: no padding, no other bytes, canonical tail. */
int b64url_decode(const char *in, size_t n, uint8_t *out, size_t cap,
		  size_t *len);
/** True if `s` is canonical padded standard base64 (the KBS's nonce). */
bool b64_std_ok(const char *s, size_t n);

/* ---- keys and the JWE (svsm/kbs/jwe.c) ---- */

#define KBS_P521_COORD 66U

/** A fresh P-521 key; NULL on failure. */
EVP_PKEY *kbs_ec_generate(void);
/** The fixed-length big-endian coordinates of `key`'s public point. */
int kbs_ec_xy(EVP_PKEY *key, uint8_t x[KBS_P521_COORD],
	      uint8_t y[KBS_P521_COORD]);
/**
 * Decrypt the KBS's resource response (RFC 7516 flattened JSON, alg
 * ECDH-ES+A256KW, enc A256GCM, AAD = the protected member) with `key`.
 * 0 with the plaintext in `out`, or -1 (nothing written).
 */
int kbs_jwe_decrypt(EVP_PKEY *key, const char *json, size_t n, uint8_t *out,
		    size_t cap, size_t *len);
/**
 * The Concat KDF of RFC 7518 section 4.6.2 with SHA-256, for keys of at
 * most 256 bits (one round): `bits / 8` bytes to `out`. The KBS uses alg
 * "ECDH-ES+A256KW", apu = apv = "" and 256 bits.
 */
int kbs_concat_kdf(const uint8_t *z, size_t zlen, const char *alg,
		   const char *apu, const char *apv, unsigned bits,
		   uint8_t *out);

/* ---- runtime_data and evidence (svsm/kbs/evidence.c) ---- */

/**
 * The canonical runtime_data (RFC 8785: sorted keys, no whitespace) that
 * the KBS rebuilds and hashes: {"additional-evidence":"","nonce":..,
 * "tee-pubkey":{"alg":..,"crv":"P-521","kty":"EC","x":..,"y":..}}.
 */
int kbs_runtime_data(const char *nonce, const uint8_t x[KBS_P521_COORD],
		     const uint8_t y[KBS_P521_COORD], char *out, size_t cap,
		     size_t *len);
/** REPORT_DATA: the hash of `data`, zero-padded to 64 bytes. */
int kbs_report_data(enum kbs_hash hash, const char *data, size_t len,
		    uint8_t out[64]);
/** The attest body: runtime-data and the SNP evidence in Trustee's form. */
int kbs_attest_body(const char *nonce, const uint8_t x[KBS_P521_COORD],
		    const uint8_t y[KBS_P521_COORD],
		    const struct snp_attestation_report *r,
		    const uint8_t *certs, size_t certs_len, char *out,
		    size_t cap, size_t *len);
