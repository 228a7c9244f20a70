/* SPDX-License-Identifier: MIT */
/*
 * The PSP's key hierarchy in AMD's key distribution format: the ARK (root,
 * self-signed) and the ASK are RSA-4096 keys whose certificates are signed
 * RSASSA-PSS with SHA-384 (MGF1 SHA-384, salt 48); the VCEK is a P-384 key
 * whose certificate, signed by the ASK, carries AMD's extensions (AMD 57230,
 * OIDs under 1.3.6.1.4.1.3704.1): structVersion, productName, the
 * bootloader, TEE, SNP and microcode SPLs (INTEGERs equal to the report's
 * REPORTED_TCB) and hwID (the 64 raw bytes of the report's CHIP_ID). The
 * ARK and ASK keys are fixed (psp_roots.c); the VCEK is made per chip.
 */
#include <string.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "psp_internal.h"

#define OID_AMD "1.3.6.1.4.1.3704.1."

static EVP_PKEY *pem_key(const char *pem)
{
	BIO *b = BIO_new_mem_buf(pem, -1);
	EVP_PKEY *k = b ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;

	BIO_free(b);
	return k;
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

/* An extension `oid` whose extnValue holds the `n` bytes at `der`. */
static int add_raw_ext(X509 *cert, const char *oid, const uint8_t *der,
		       size_t n)
{
	ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
	ASN1_OCTET_STRING *val = ASN1_OCTET_STRING_new();
	X509_EXTENSION *ext = NULL;
	int ok;

	ok = obj != NULL && val != NULL &&
	     ASN1_OCTET_STRING_set(val, der, (int)n) &&
	     (ext = X509_EXTENSION_create_by_OBJ(NULL, obj, 0, val)) != NULL &&
	     X509_add_ext(cert, ext, -1);
	X509_EXTENSION_free(ext);
	ASN1_OCTET_STRING_free(val);
	ASN1_OBJECT_free(obj);
	return ok;
}

/* An extension holding a DER INTEGER 0..255 (AMD's SPL encoding). */
static int add_int_ext(X509 *cert, const char *oid, uint8_t v)
{
	uint8_t der[4] = { 0x02, 1, v, 0 };

	if (v >= 0x80) { /* a leading zero keeps it positive */
		der[1] = 2;
		der[2] = 0;
		der[3] = v;
	}
	return add_raw_ext(cert, oid, der, 2 + (size_t)der[1]);
}

/* Sign with RSASSA-PSS SHA-384 (AMD's ARK and ASK) or ECDSA SHA-384. */
static int sign(X509 *cert, EVP_PKEY *key)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	int ok;

	ok = md != NULL &&
	     EVP_DigestSignInit(md, &pctx, EVP_sha384(), NULL, key) == 1;
	if (ok && EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA) {
		ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) >
			     0 &&
		     EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 48) > 0 &&
		     EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha384()) > 0;
	}
	ok = ok && X509_sign_ctx(cert, md) > 0;
	EVP_MD_CTX_free(md);
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
			     "critical,digitalSignature");
	if (!ok) {
		X509_free(cert);
		return NULL;
	}
	return cert;
}

/* AMD's VCEK extensions for this chip and its TCB. */
static int vcek_exts(X509 *cert, const struct psp *psp)
{
	static const char product[] = {
		0x16, 8, 'M', 'i', 'l', 'a', 'n', '-', 'B', '0'
	}; /* IA5String */
	const uint8_t *tcb = (const uint8_t *)&psp->tcb;

	return add_int_ext(cert, OID_AMD "1", 1) &&
	       add_raw_ext(cert, OID_AMD "2", (const uint8_t *)product,
			   sizeof(product)) &&
	       add_int_ext(cert, OID_AMD "3.1", tcb[0]) &&
	       add_int_ext(cert, OID_AMD "3.2", tcb[1]) &&
	       add_int_ext(cert, OID_AMD "3.3", tcb[6]) &&
	       add_int_ext(cert, OID_AMD "3.4", 0) &&
	       add_int_ext(cert, OID_AMD "3.5", 0) &&
	       add_int_ext(cert, OID_AMD "3.6", 0) &&
	       add_int_ext(cert, OID_AMD "3.7", 0) &&
	       add_int_ext(cert, OID_AMD "3.8", tcb[7]) &&
	       add_raw_ext(cert, OID_AMD "4", psp->chip_id,
			   sizeof(psp->chip_id));
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
 * The chip's keys and certificates, made once per process: every machine a
 * process creates runs on the same simulated chip (one CHIP_ID, one VCEK),
 * as every VM of a host runs on its one chip. Making the VCEK and signing
 * three certificates was most of the cost of creating a machine, which the
 * fuzzers do for every input. Not thread-safe: one machine exists per
 * process at a time (sim.h).
 */
static struct {
	EVP_PKEY *vcek_key;
	uint8_t chip_id[64];
	uint64_t tcb;
	uint8_t *ark_der, *ask_der, *vcek_der;
	size_t ark_len, ask_len, vcek_len;
} chip;

/* Make the chip's chain for the CHIP_ID and TCB `psp` names. 0 or -1. */
static int chip_make(const struct psp *psp)
{
	EVP_PKEY *ark_key = pem_key(psp_sim_ark_pem);
	EVP_PKEY *ask_key = pem_key(psp_sim_ask_pem);
	EVP_PKEY *vcek_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	X509 *ark = NULL, *ask = NULL, *vcek = NULL;
	int ok = 0;

	if (ark_key == NULL || ask_key == NULL || vcek_key == NULL) {
		goto out;
	}
	ark = make_cert(ark_key, "ARK-Milan", NULL, ark_key, 1, 1);
	if (ark == NULL || !sign(ark, ark_key)) {
		goto out;
	}
	ask = make_cert(ask_key, "SEV-Milan", ark, ark_key, 2, 1);
	if (ask == NULL || !sign(ask, ark_key)) {
		goto out;
	}
	vcek = make_cert(vcek_key, "SEV-VCEK", ask, ask_key, 3, 0);
	if (vcek == NULL || !vcek_exts(vcek, psp) || !sign(vcek, ask_key)) {
		goto out;
	}
	ok = to_der(ark, &chip.ark_der, &chip.ark_len) &&
	     to_der(ask, &chip.ask_der, &chip.ask_len) &&
	     to_der(vcek, &chip.vcek_der, &chip.vcek_len);
	if (ok) {
		memcpy(chip.chip_id, psp->chip_id, sizeof(chip.chip_id));
		chip.tcb = psp->tcb;
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

/**
 * Give `psp` the chip's ARK -> ASK -> VCEK chain, made on the first call
 * from the CHIP_ID and TCB `psp` holds; later PSPs take the chip's CHIP_ID
 * and TCB with it, so reports and the VCEK's extensions always agree.
 * 0 or -1.
 */
int psp_make_chain(struct psp *psp)
{
	if (chip.vcek_key == NULL && chip_make(psp) != 0) {
		return -1;
	}
	memcpy(psp->chip_id, chip.chip_id, sizeof(psp->chip_id));
	psp->tcb = chip.tcb;
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
