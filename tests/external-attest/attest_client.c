/* SPDX-License-Identifier: MIT */
/*
 * An outside program, built only with `pkg-config --cflags --libs svsm-sim`:
 * it boots the simulated machine with a vTPM, queries the vTPM, runs TPM 2.0
 * commands through SVSM_VTPM_CMD, obtains an attestation report with
 * SVSM_ATTEST_SERVICES and verifies it with nothing but OpenSSL: the report
 * signature against the VCEK from svsm_sim_vcek_der(), the VCEK's chain to
 * the ARK from svsm_sim_ark_der() (the ASK comes from the certificate table
 * the SVSM returned), and REPORT_DATA = SHA-512(nonce || manifest).
 *
 * Like a conformance suite, it spells the protocol's numbers itself (spec
 * 58019) instead of including the project's ABI headers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <svsm/sim.h>

#define PAGE 4096ULL
#define CALL(p, c) (((uint64_t)(p) << 32) | (c))
#define PVALIDATE CALL(0, 1)
#define QUERY_PROTOCOL CALL(0, 6)
#define ATTEST_SERVICES CALL(1, 0)
#define VTPM_QUERY CALL(2, 0)
#define VTPM_CMD CALL(2, 1)
#define REPORT_SIZE 0x4A0

static int failures;

#define CHECK(cond, what)                                                      \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "FAIL: %s (%s:%d)\n", what, __FILE__,  \
				__LINE__);                                     \
			failures++;                                            \
		}                                                              \
	} while (0)

static uint64_t call(struct svsm_sim *sim, uint64_t rax, uint64_t rcx,
		     struct svsm_sim_regs *out)
{
	struct svsm_sim_regs r = {
		.rax = rax, .rcx = rcx, .rdx = UINT64_MAX, .r8 = UINT64_MAX
	};

	if (svsm_sim_call(sim, 0, &r) != 0) {
		fprintf(stderr, "FAIL: svsm_sim_call refused\n");
		exit(1);
	}
	if (out != NULL) {
		*out = r;
	}
	return (uint32_t)r.rax;
}

/* PVALIDATE one 4 KiB page with a list in the CA buffer, as Linux does. */
static void validate(struct svsm_sim *sim, uint64_t ca, uint64_t gpa)
{
	uint8_t *list = svsm_sim_guest_ptr(sim, ca + 8, 16);
	uint64_t entry = gpa | (1ULL << 2); /* 4K, validate */

	memset(list, 0, 16);
	list[0] = 1; /* one entry, next = 0 */
	memcpy(list + 8, &entry, 8);
	CHECK(call(sim, PVALIDATE, ca + 8, NULL) == 0, "PVALIDATE");
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* TPM command through VTPM_CMD at `buf_gpa`; returns the TPM RC. */
static uint32_t tpm(struct svsm_sim *sim, uint64_t buf_gpa, const uint8_t *cmd,
		    uint32_t len, uint8_t *resp, uint32_t *rlen)
{
	uint8_t *buf = svsm_sim_guest_ptr(sim, buf_gpa, PAGE);
	uint32_t platform_cmd = 8; /* TPM_SEND_COMMAND */

	memcpy(buf, &platform_cmd, 4);
	buf[4] = 0; /* locality */
	memcpy(buf + 5, &len, 4);
	memcpy(buf + 9, cmd, len);
	if (call(sim, VTPM_CMD, buf_gpa, NULL) != 0) {
		return 0xFFFFFFFF;
	}
	memcpy(rlen, buf, 4);
	memcpy(resp, buf + 4, *rlen);
	return be32(resp + 6);
}

static X509 *der(const uint8_t *p, size_t n)
{
	return d2i_X509(NULL, &p, (long)n);
}

/* ASK from the GHCB certificate table (GUID 4ab7b379-...). */
static X509 *ask_from_table(const uint8_t *t, size_t len)
{
	static const uint8_t guid[16] = { 0x79, 0xb3, 0xb7, 0x4a, 0xac, 0xbb,
					  0xe4, 0x4f, 0xa0, 0x2f, 0x05, 0xae,
					  0xf3, 0x27, 0xc7, 0x82 };
	size_t pos;

	for (pos = 0; pos + 24 <= len; pos += 24) {
		uint32_t off, n;

		memcpy(&off, t + pos + 16, 4);
		memcpy(&n, t + pos + 20, 4);
		if (memcmp(t + pos, guid, 16) == 0 && off <= len &&
		    n <= len - off) {
			return der(t + off, n);
		}
	}
	return NULL;
}

static int report_signed_by(const uint8_t *report, X509 *vcek)
{
	ECDSA_SIG *sig = ECDSA_SIG_new();
	unsigned char *d = NULL;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int n, ok;

	ECDSA_SIG_set0(sig, BN_lebin2bn(report + 0x2A0, 72, NULL),
		       BN_lebin2bn(report + 0x2E8, 72, NULL));
	n = i2d_ECDSA_SIG(sig, &d);
	ok = n > 0 &&
	     EVP_DigestVerifyInit(md, NULL, EVP_sha384(), NULL,
				  X509_get0_pubkey(vcek)) == 1 &&
	     EVP_DigestVerify(md, d, (size_t)n, report, 0x2A0) == 1;
	OPENSSL_free(d);
	ECDSA_SIG_free(sig);
	EVP_MD_CTX_free(md);
	return ok;
}

int main(void)
{
	struct svsm_sim *sim = svsm_sim_create(NULL); /* 256 MiB, vTPM on */
	const uint8_t *secrets, *p;
	uint8_t resp[PAGE], digest[64], *nonce, *report, op[64];
	uint64_t ca, tpm_buf = 0x200000, rep = 0x201000, man = 0x202000,
		     non = 0x203000, certs = 0x204000;
	struct svsm_sim_regs r;
	uint32_t rlen;
	size_t n;
	X509 *vcek, *ark, *ask;
	unsigned i;

	if (sim == NULL) {
		fprintf(stderr, "FAIL: svsm_sim_create\n");
		return 1;
	}
	secrets = svsm_sim_guest_ptr(sim, svsm_sim_secrets_gpa(sim), PAGE);
	memcpy(&ca, secrets + 0x150, 8);
	for (i = 0; i < 8; i++) {
		validate(sim, ca, tpm_buf + i * PAGE);
	}

	/* The vTPM is there and takes TPM_SEND_COMMAND. */
	CHECK(call(sim, QUERY_PROTOCOL, CALL(2, 1), &r) == 0 &&
		      r.rcx == CALL(1, 1),
	      "QUERY_PROTOCOL(vTPM)");
	CHECK(call(sim, VTPM_QUERY, 0, &r) == 0 && (r.rcx & (1u << 8)),
	      "VTPM_QUERY");
	{
		static const uint8_t startup[] = { 0x80, 0x01, 0, 0,	0, 0x0C,
						   0,	 0,    1, 0x44, 0, 0 };
		static const uint8_t rnd[] = { 0x80, 0x01, 0, 0,    0, 0x0C,
					       0,    0,	   1, 0x7B, 0, 16 };

		CHECK(tpm(sim, tpm_buf, startup, sizeof(startup), resp,
			  &rlen) == 0,
		      "TPM2_Startup");
		CHECK(tpm(sim, tpm_buf, rnd, sizeof(rnd), resp, &rlen) == 0 &&
			      rlen == 10 + 2 + 16,
		      "TPM2_GetRandom");
	}

	/* Attestation, the operation at CA + 8 as Linux builds it. */
	nonce = svsm_sim_guest_ptr(sim, non, 64);
	for (i = 0; i < 64; i++) {
		nonce[i] = (uint8_t)(i * 7);
	}
	memset(op, 0, sizeof(op));
	memcpy(op + 0x00, &rep, 8);
	*(uint32_t *)(op + 0x08) = PAGE;
	memcpy(op + 0x10, &non, 8);
	*(uint32_t *)(op + 0x18) = 64;
	memcpy(op + 0x20, &man, 8);
	*(uint32_t *)(op + 0x28) = PAGE;
	memcpy(op + 0x30, &certs, 8);
	*(uint32_t *)(op + 0x38) = 4 * PAGE;
	memcpy(svsm_sim_guest_ptr(sim, ca + 8, sizeof(op)), op, sizeof(op));
	CHECK(call(sim, ATTEST_SERVICES, ca + 8, &r) == 0, "ATTEST_SERVICES");
	CHECK(r.r8 == REPORT_SIZE, "report size in R8");
	report = svsm_sim_guest_ptr(sim, rep, REPORT_SIZE);

	/* REPORT_DATA = SHA-512(nonce || manifest) */
	{
		EVP_MD_CTX *md = EVP_MD_CTX_new();

		EVP_DigestInit_ex(md, EVP_sha512(), NULL);
		EVP_DigestUpdate(md, nonce, 64);
		EVP_DigestUpdate(md, svsm_sim_guest_ptr(sim, man, r.rcx),
				 r.rcx);
		EVP_DigestFinal_ex(md, digest, NULL);
		EVP_MD_CTX_free(md);
		CHECK(memcmp(report + 0x50, digest, 64) == 0, "REPORT_DATA");
	}

	/* VCEK signs the report; ARK -> ASK -> VCEK. */
	p = svsm_sim_vcek_der(sim, &n);
	vcek = der(p, n);
	p = svsm_sim_ark_der(sim, &n);
	ark = der(p, n);
	ask = ask_from_table(svsm_sim_guest_ptr(sim, certs, r.rdx), r.rdx);
	CHECK(vcek && ark && ask, "certificates parse");
	if (vcek && ark && ask) {
		CHECK(X509_verify(ark, X509_get0_pubkey(ark)) == 1,
		      "ARK self-signed");
		CHECK(X509_verify(ask, X509_get0_pubkey(ark)) == 1,
		      "ASK signed by ARK");
		CHECK(X509_verify(vcek, X509_get0_pubkey(ask)) == 1,
		      "VCEK signed by ASK");
		CHECK(report_signed_by(report, vcek), "report signature");
		report[0x90] ^= 1; /* one byte of the measurement */
		CHECK(!report_signed_by(report, vcek), "tamper detected");
	}
	X509_free(vcek);
	X509_free(ark);
	X509_free(ask);
	svsm_sim_destroy(sim);
	if (failures) {
		fprintf(stderr, "external attest client: %d check(s) failed\n",
			failures);
		return 1;
	}
	printf("external attest client: all checks passed\n");
	return 0;
}
