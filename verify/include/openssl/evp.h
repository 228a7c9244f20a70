/* SPDX-License-Identifier: MIT */
/*
 * `make verify`: the few OpenSSL digest calls the attestation protocol
 * makes, with the contracts assumed of them (OpenSSL is not analysed).
 */
#pragma once

#include <stddef.h>

typedef struct evp_md_ctx_st EVP_MD_CTX;
typedef struct evp_md_st EVP_MD;
typedef struct engine_st ENGINE;

extern int fc_openssl_state;

/*@ assigns \result \from fc_openssl_state; */
EVP_MD_CTX *EVP_MD_CTX_new(void);
/*@ assigns fc_openssl_state \from fc_openssl_state; */
void EVP_MD_CTX_free(EVP_MD_CTX *ctx);
/*@ assigns \result \from fc_openssl_state; */
const EVP_MD *EVP_sha512(void);
/*@ assigns fc_openssl_state, \result \from fc_openssl_state; */
int EVP_DigestInit_ex(EVP_MD_CTX *ctx, const EVP_MD *type, ENGINE *impl);
/*@ requires \valid_read((const char *)d + (0 .. cnt - 1));
    assigns fc_openssl_state, \result
	\from fc_openssl_state, ((const char *)d)[0 .. cnt - 1];
 */
int EVP_DigestUpdate(EVP_MD_CTX *ctx, const void *d, size_t cnt);
/*@ requires \valid(md + (0 .. 63));
    requires s == \null;
    assigns fc_openssl_state, md[0 .. 63], \result \from fc_openssl_state;
    ensures \initialized(md + (0 .. 63));
 */
int EVP_DigestFinal_ex(EVP_MD_CTX *ctx, unsigned char *md, unsigned int *s);
