/* SPDX-License-Identifier: MIT */
/* Report and certificate-chain verification with OpenSSL. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "abi/snp_guest_msg.h"
#include "verify.h"

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

int verify_split_cert_table(const uint8_t *t, size_t len,
			    struct verify_certs *out, char *err, size_t errlen)
{
	static const uint8_t ark[16] = { 0xa4, 0x06, 0xb4, 0xc0, 0x03, 0xa8,
					 0x52, 0x49, 0x97, 0x43, 0x3f, 0xb6,
					 0x01, 0x4c, 0xd0, 0xae };
	static const uint8_t ask[16] = { 0x79, 0xb3, 0xb7, 0x4a, 0xac, 0xbb,
					 0xe4, 0x4f, 0xa0, 0x2f, 0x05, 0xae,
					 0xf3, 0x27, 0xc7, 0x82 };
	static const uint8_t vcek[16] = { 0x8d, 0x75, 0xda, 0x63, 0x64, 0xe6,
					  0x64, 0x45, 0xad, 0xc5, 0xf4, 0xb9,
					  0x3b, 0xe8, 0xac, 0xcd };
	static const uint8_t zero[24];
	size_t pos;

	memset(out, 0, sizeof(*out));
	for (pos = 0; pos + 24 <= len; pos += 24) {
		const uint8_t *e = t + pos;
		uint32_t off, n;

		if (memcmp(e, zero, 24) == 0) {
			break;
		}
		memcpy(&off, e + 16, 4);
		memcpy(&n, e + 20, 4);
		if (off > len || n > len - off) {
			return fail(
				err, errlen,
				"certificate table entry %zu points outside "
				"the table",
				pos / 24);
		}
		if (memcmp(e, ark, 16) == 0) {
			out->ark = t + off;
			out->ark_len = n;
		} else if (memcmp(e, ask, 16) == 0) {
			out->ask = t + off;
			out->ask_len = n;
		} else if (memcmp(e, vcek, 16) == 0) {
			out->vcek = t + off;
			out->vcek_len = n;
		}
	}
	if (out->ark == NULL || out->ask == NULL || out->vcek == NULL) {
		return fail(err, errlen,
			    "certificate table lacks the ARK, ASK or VCEK");
	}
	return 0;
}

static X509 *parse(const uint8_t *der, size_t len)
{
	const unsigned char *p = der;

	return der ? d2i_X509(NULL, &p, (long)len) : NULL;
}

/* `cert` signed by `issuer` and naming it as issuer. */
static int signed_by(X509 *cert, X509 *issuer)
{
	EVP_PKEY *key = X509_get0_pubkey(issuer);

	return key != NULL &&
	       X509_NAME_cmp(X509_get_issuer_name(cert),
			     X509_get_subject_name(issuer)) == 0 &&
	       X509_verify(cert, key) == 1;
}

int verify_chain(const struct verify_certs *c, char *err, size_t errlen)
{
	X509 *ark = parse(c->ark, c->ark_len), *ask = parse(c->ask, c->ask_len),
	     *vcek = parse(c->vcek, c->vcek_len);
	int rc = 0;

	if (ark == NULL || ask == NULL || vcek == NULL) {
		rc = fail(err, errlen, "a certificate is not valid DER X.509");
	} else if (!signed_by(ark, ark)) {
		rc = fail(err, errlen, "ARK is not a valid self-signed root");
	} else if (!signed_by(ask, ark)) {
		rc = fail(err, errlen, "ASK is not signed by the ARK");
	} else if (!signed_by(vcek, ask)) {
		rc = fail(err, errlen, "VCEK is not signed by the ASK");
	}
	X509_free(ark);
	X509_free(ask);
	X509_free(vcek);
	return rc;
}

int verify_report_signature(const uint8_t *report, size_t len,
			    const uint8_t *vcek_der, size_t vcek_len, char *err,
			    size_t errlen)
{
	const struct snp_attestation_report *r = (const void *)report;
	X509 *vcek;
	ECDSA_SIG *sig;
	BIGNUM *br, *bs;
	unsigned char *der = NULL;
	EVP_MD_CTX *md;
	int n, ok;

	if (len != SNP_REPORT_SIZE) {
		return fail(err, errlen, "report is %zu bytes, expected %u",
			    len, SNP_REPORT_SIZE);
	}
	if (r->signature_algo != 1) {
		return fail(err, errlen, "unknown signature algorithm %u",
			    r->signature_algo);
	}
	vcek = parse(vcek_der, vcek_len);
	if (vcek == NULL) {
		return fail(err, errlen, "VCEK is not valid DER X.509");
	}
	br = BN_lebin2bn(r->signature_r, sizeof(r->signature_r), NULL);
	bs = BN_lebin2bn(r->signature_s, sizeof(r->signature_s), NULL);
	sig = ECDSA_SIG_new();
	if (sig == NULL || br == NULL || bs == NULL ||
	    !ECDSA_SIG_set0(sig, br, bs)) {
		BN_free(br);
		BN_free(bs);
		ECDSA_SIG_free(sig);
		X509_free(vcek);
		return fail(err, errlen, "out of memory");
	}
	n = i2d_ECDSA_SIG(sig, &der);
	md = EVP_MD_CTX_new();
	ok = n > 0 && md != NULL &&
	     EVP_DigestVerifyInit(md, NULL, EVP_sha384(), NULL,
				  X509_get0_pubkey(vcek)) == 1 &&
	     EVP_DigestVerify(md, der, (size_t)n, report,
			      SNP_REPORT_SIGNED_SIZE) == 1;
	EVP_MD_CTX_free(md);
	OPENSSL_free(der);
	ECDSA_SIG_free(sig);
	X509_free(vcek);
	if (!ok) {
		return fail(err, errlen,
			    "report signature does not verify with the VCEK "
			    "(report or certificate tampered with)");
	}
	return 0;
}

int verify_report_data(const uint8_t *report, const uint8_t *nonce,
		       size_t nonce_len, const uint8_t *manifest,
		       size_t manifest_len, char *err, size_t errlen)
{
	const struct snp_attestation_report *r = (const void *)report;
	uint8_t digest[SHA512_DIGEST_LENGTH];
	EVP_MD_CTX *md;
	int ok;

	/*
	 * The SVSM signs only 64-byte nonces: with any other size the split
	 * between nonce and manifest would be the guest's to choose.
	 */
	if (nonce_len != VERIFY_NONCE_SIZE) {
		return fail(err, errlen, "the nonce must be exactly 64 bytes");
	}
	md = EVP_MD_CTX_new();
	ok = md != NULL && EVP_DigestInit_ex(md, EVP_sha512(), NULL) &&
	     EVP_DigestUpdate(md, nonce, nonce_len) &&
	     EVP_DigestUpdate(md, manifest, manifest_len) &&
	     EVP_DigestFinal_ex(md, digest, NULL);
	EVP_MD_CTX_free(md);
	if (!ok) {
		return fail(err, errlen, "SHA-512 failed");
	}
	if (memcmp(digest, r->report_data, sizeof(digest)) != 0) {
		return fail(err, errlen,
			    "REPORT_DATA is not SHA-512(nonce || manifest)");
	}
	return 0;
}

static int hex_nibble(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

int verify_measurement(const uint8_t *report, const char *hex, char *err,
		       size_t errlen)
{
	const struct snp_attestation_report *r = (const void *)report;
	uint8_t want[sizeof(r->measurement)];
	char got[2 * sizeof(r->measurement) + 1];
	size_t i;

	if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) {
		hex += 2;
	}
	if (strlen(hex) != 2 * sizeof(want)) {
		return fail(err, errlen,
			    "--expect-measurement wants 96 hex digits");
	}
	for (i = 0; i < sizeof(want); i++) {
		int hi = hex_nibble(hex[2 * i]),
		    lo = hex_nibble(hex[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			return fail(err, errlen,
				    "--expect-measurement is not hex");
		}
		want[i] = (uint8_t)(hi << 4 | lo);
	}
	if (memcmp(want, r->measurement, sizeof(want)) != 0) {
		for (i = 0; i < sizeof(want); i++) {
			snprintf(got + 2 * i, 3, "%02x", r->measurement[i]);
		}
		snprintf(err, errlen,
			 "MEASUREMENT %s is not the expected launch digest %s",
			 got, hex);
		return -1;
	}
	return 0;
}
