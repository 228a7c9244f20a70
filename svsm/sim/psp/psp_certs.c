/* SPDX-License-Identifier: MIT */
/*
 * The PSP's key hierarchy: ARK (root, self-signed) -> ASK -> VCEK, as X.509
 * certificates, all ECDSA P-384 here (see psp.h for why).
 */
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "psp_internal.h"

static EVP_PKEY *p384_key(void)
{
	return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
}

static int add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (ext == NULL) {
		return 0;
	}
	ok = X509_add_ext(cert, ext, -1);
	X509_EXTENSION_free(ext);
	return ok;
}

/* A certificate for `key` named `cn`, signed by `issuer_key`. */
static X509 *make_cert(EVP_PKEY *key, const char *cn, X509 *issuer,
		       EVP_PKEY *issuer_key, long serial, int is_ca)
{
	X509 *cert = X509_new();
	X509_NAME *name;
	int ok;

	if (cert == NULL) {
		return NULL;
	}
	name = X509_get_subject_name(cert);
	ok = X509_set_version(cert, 2) &&
	     ASN1_INTEGER_set(X509_get_serialNumber(cert), serial) &&
	     X509_gmtime_adj(X509_getm_notBefore(cert), 0) != NULL &&
	     X509_gmtime_adj(X509_getm_notAfter(cert), 25L * 365 * 86400) !=
		     NULL &&
	     X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
					(const unsigned char *)"SVSM simulator",
					-1, -1, 0) &&
	     X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
					(const unsigned char *)cn, -1, -1, 0) &&
	     X509_set_issuer_name(cert, issuer ? X509_get_subject_name(issuer) :
						 name) &&
	     X509_set_pubkey(cert, key) &&
	     add_ext(cert, issuer ? issuer : cert, NID_basic_constraints,
		     is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE") &&
	     add_ext(cert, issuer ? issuer : cert, NID_key_usage,
		     is_ca ? "critical,keyCertSign,cRLSign" :
			     "critical,digitalSignature") &&
	     X509_sign(cert, issuer_key, EVP_sha384()) > 0;
	if (!ok) {
		X509_free(cert);
		return NULL;
	}
	return cert;
}

static int to_der(X509 *cert, uint8_t **der, size_t *len)
{
	unsigned char *out = NULL;
	int n = i2d_X509(cert, &out);

	if (n <= 0) {
		return 0;
	}
	*der = out;
	*len = (size_t)n;
	return 1;
}

/*
 * The chip's keys and certificates, made once per process: every machine
 * a process creates runs on the same simulated chip, as every VM of a host
 * runs on its one chip. Three P-384 key pairs and certificates were two
 * thirds of the cost of creating a machine, which the fuzzers do for every
 * input. Not thread-safe: one machine exists per process at a time (sim.h).
 */
static struct {
	EVP_PKEY *vcek_key;
	uint8_t *ark_der, *ask_der, *vcek_der;
	size_t ark_len, ask_len, vcek_len;
} chip;

static int chip_make(void)
{
	EVP_PKEY *ark_key = p384_key(), *ask_key = p384_key();
	EVP_PKEY *vcek_key = p384_key();
	X509 *ark = NULL, *ask = NULL, *vcek = NULL;
	int ok = 0;

	if (ark_key == NULL || ask_key == NULL || vcek_key == NULL) {
		goto out;
	}
	ark = make_cert(ark_key, "ARK-Sim", NULL, ark_key, 1, 1);
	ask = ark ? make_cert(ask_key, "ASK-Sim", ark, ark_key, 2, 1) : NULL;
	vcek = ask ? make_cert(vcek_key, "SEV-VCEK-Sim", ask, ask_key, 3, 0) :
		     NULL;
	ok = vcek != NULL && to_der(ark, &chip.ark_der, &chip.ark_len) &&
	     to_der(ask, &chip.ask_der, &chip.ask_len) &&
	     to_der(vcek, &chip.vcek_der, &chip.vcek_len);
	if (ok) {
		chip.vcek_key = vcek_key;
		vcek_key = NULL;
	} else {
		OPENSSL_free(chip.ark_der);
		OPENSSL_free(chip.ask_der);
		OPENSSL_free(chip.vcek_der);
		memset(&chip, 0, sizeof(chip));
	}
out:
	X509_free(ark);
	X509_free(ask);
	X509_free(vcek);
	EVP_PKEY_free(ark_key);
	EVP_PKEY_free(ask_key);
	EVP_PKEY_free(vcek_key);
	return ok ? 0 : -1;
}

int psp_make_chain(struct psp *psp)
{
	if (chip.vcek_key == NULL && chip_make() != 0) {
		return -1;
	}
	psp->ark_der = OPENSSL_memdup(chip.ark_der, chip.ark_len);
	psp->ask_der = OPENSSL_memdup(chip.ask_der, chip.ask_len);
	psp->vcek_der = OPENSSL_memdup(chip.vcek_der, chip.vcek_len);
	if (psp->ark_der == NULL || psp->ask_der == NULL ||
	    psp->vcek_der == NULL || EVP_PKEY_up_ref(chip.vcek_key) != 1) {
		return -1; /* psp_destroy() frees what was copied */
	}
	psp->vcek_key = chip.vcek_key;
	psp->ark_len = chip.ark_len;
	psp->ask_len = chip.ask_len;
	psp->vcek_len = chip.vcek_len;
	return 0;
}
