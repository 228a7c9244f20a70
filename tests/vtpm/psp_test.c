/* SPDX-License-Identifier: MIT */
/*
 * Tests of the simulated PSP's guest-request firmware, the SVSM's
 * guest-request channel, the services manifest and the report verifier
 * (library and the svsm-verify command).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "../../svsm/sim/psp/psp.h"
#include "../../tools/svsm-verify/verify.h"
#include "svsm/greq.h"
#include "svsm/manifest.h"

struct fixture {
	struct psp_config cfg;
	struct psp *psp;
	struct greq_channel ch;
	struct snp_guest_msg req, resp;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL ||
	    RAND_bytes((uint8_t *)f->cfg.vmpck, sizeof(f->cfg.vmpck)) != 1) {
		return -1;
	}
	memset(f->cfg.measurement, 0xA5, sizeof(f->cfg.measurement));
	f->cfg.policy = 0x30000;
	f->psp = psp_create(&f->cfg);
	if (f->psp == NULL) {
		return -1;
	}
	greq_init(&f->ch, f->cfg.vmpck[0], 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	psp_destroy(f->psp);
	free(f);
	return 0;
}

static struct snp_report_req report_req(unsigned vmpl, uint8_t fill)
{
	struct snp_report_req r;

	memset(&r, 0, sizeof(r));
	memset(r.user_data, fill, sizeof(r.user_data));
	r.vmpl = vmpl;
	return r;
}

/* One full round trip; returns the firmware status. */
static uint32_t round_trip(struct fixture *f, unsigned vmpl,
			   struct snp_report_rsp *rsp)
{
	struct snp_report_req r = report_req(vmpl, 0x42);
	size_t len = 0;
	uint32_t st;

	assert_int_equal(
		greq_seal(&f->ch, SNP_MSG_REPORT_REQ, &r, sizeof(r), &f->req),
		0);
	st = psp_guest_request(f->psp, (uint8_t *)&f->req, (uint8_t *)&f->resp);
	if (st == PSP_STATUS_SUCCESS) {
		assert_int_equal(greq_open(&f->ch, SNP_MSG_REPORT_REQ, &f->resp,
					   rsp, sizeof(*rsp), &len),
				 0);
		assert_int_equal(len, sizeof(*rsp));
	}
	return st;
}

static void certs_of(struct fixture *f, struct verify_certs *c)
{
	c->ark = psp_ark_der(f->psp, &c->ark_len);
	c->ask = psp_ask_der(f->psp, &c->ask_len);
	c->vcek = psp_vcek_der(f->psp, &c->vcek_len);
}

/** Confirm that a report request yields a signed report with our fields. */
static void report_round_trip(void **state)
{
	struct fixture *f = *state;
	struct snp_report_rsp rsp = { 0 };
	struct verify_certs c;
	char err[256];

	assert_int_equal(round_trip(f, 0, &rsp), PSP_STATUS_SUCCESS);
	assert_int_equal(rsp.status, 0);
	assert_int_equal(rsp.report_size, SNP_REPORT_SIZE);
	assert_int_equal(rsp.report.vmpl, 0);
	assert_int_equal(rsp.report.policy, 0x30000);
	assert_memory_equal(rsp.report.measurement, f->cfg.measurement, 48);
	assert_int_equal(rsp.report.report_data[0], 0x42);
	certs_of(f, &c);
	assert_int_equal(verify_chain(&c, err, sizeof(err)), 0);
	assert_int_equal(verify_report_signature((uint8_t *)&rsp.report,
						 SNP_REPORT_SIZE, c.vcek,
						 c.vcek_len, err, sizeof(err)),
			 0);
	/* The channel advanced by two: a second request works too. */
	assert_int_equal(round_trip(f, 2, &rsp), PSP_STATUS_SUCCESS);
	assert_int_equal(rsp.report.vmpl, 2);
}

/* Two signed reports (different user data); both verify. */
static void two_reports(struct fixture *f, struct snp_report_rsp rsp[2])
{
	struct verify_certs c;
	char err[256];
	unsigned i;

	certs_of(f, &c);
	for (i = 0; i < 2; i++) {
		struct snp_report_req r = report_req(0, (uint8_t)(0x10 + i));
		size_t len = 0;

		assert_int_equal(greq_seal(&f->ch, SNP_MSG_REPORT_REQ, &r,
					   sizeof(r), &f->req),
				 0);
		assert_int_equal(psp_guest_request(f->psp, (uint8_t *)&f->req,
						   (uint8_t *)&f->resp),
				 PSP_STATUS_SUCCESS);
		assert_int_equal(greq_open(&f->ch, SNP_MSG_REPORT_REQ, &f->resp,
					   &rsp[i], sizeof(rsp[i]), &len),
				 0);
		assert_int_equal(
			verify_report_signature((uint8_t *)&rsp[i].report,
						SNP_REPORT_SIZE, c.vcek,
						c.vcek_len, err, sizeof(err)),
			0);
	}
	assert_memory_not_equal(rsp[0].report.report_data,
				rsp[1].report.report_data,
				sizeof(rsp[0].report.report_data));
}

/**
 * Confirm that the fuzzers' signing (one nonce) gives valid signatures
 * that share r, and that by default each report has its own nonce.
 */
static void reused_nonce_signs_validly(void **state)
{
	struct fixture *f = *state;
	struct snp_report_rsp rsp[2];

	two_reports(f, rsp);
	assert_memory_not_equal(rsp[0].report.signature_r,
				rsp[1].report.signature_r,
				sizeof(rsp[0].report.signature_r));
	psp_reuse_signing_nonce(true);
	two_reports(f, rsp);
	psp_reuse_signing_nonce(false);
	assert_memory_equal(rsp[0].report.signature_r,
			    rsp[1].report.signature_r,
			    sizeof(rsp[0].report.signature_r));
	assert_memory_not_equal(rsp[0].report.signature_s,
				rsp[1].report.signature_s,
				sizeof(rsp[0].report.signature_s));
	two_reports(f, rsp);
	assert_memory_not_equal(rsp[0].report.signature_r,
				rsp[1].report.signature_r,
				sizeof(rsp[0].report.signature_r));
}

/* The extnValue bytes of extension `oid` in `cert`, or NULL. */
static const ASN1_OCTET_STRING *ext_value(X509 *cert, const char *oid)
{
	ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
	int i = obj ? X509_get_ext_by_OBJ(cert, obj, -1) : -1;

	ASN1_OBJECT_free(obj);
	return i < 0 ? NULL : X509_EXTENSION_get_data(X509_get_ext(cert, i));
}

/* An SPL extension: a DER INTEGER equal to `v`. */
static void assert_spl(X509 *cert, const char *oid, uint8_t v)
{
	const ASN1_OCTET_STRING *e = ext_value(cert, oid);
	const uint8_t *d;

	assert_non_null(e);
	d = ASN1_STRING_get0_data(e);
	assert_int_equal(d[0], 0x02);
	assert_true(d[1] == 1 || d[1] == 2);
	assert_int_equal(d[ASN1_STRING_length(e) - 1], v);
}

static X509 *cert_of(const uint8_t *der, size_t len)
{
	X509 *x = d2i_X509(NULL, &der, (long)len);

	assert_non_null(x);
	return x;
}

/**
 * Confirm AMD's format: RSA-4096 ARK and ASK signing RSASSA-PSS, a P-384
 * VCEK whose hwID is the report's CHIP_ID and whose SPLs are its
 * REPORTED_TCB, and a version 3 report naming a Milan chip.
 */
static void amd_chain_format(void **state)
{
	struct fixture *f = *state;
	struct snp_report_rsp rsp = { 0 };
	const uint8_t *tcb = (const uint8_t *)&rsp.report.reported_tcb;
	const ASN1_OCTET_STRING *hwid;
	struct verify_certs c;
	X509 *ark, *ask, *vcek;

	assert_int_equal(round_trip(f, 0, &rsp), PSP_STATUS_SUCCESS);
	assert_int_equal(rsp.report.version, 3);
	assert_int_equal(rsp.report.cpuid_fam_id, 0x19);
	assert_true(rsp.report.cpuid_mod_id <= 0x0F);
	assert_int_equal(rsp.report.launch_tcb, rsp.report.reported_tcb);
	certs_of(f, &c);
	ark = cert_of(c.ark, c.ark_len);
	ask = cert_of(c.ask, c.ask_len);
	vcek = cert_of(c.vcek, c.vcek_len);
	assert_int_equal(EVP_PKEY_get_bits(X509_get0_pubkey(ark)), 4096);
	assert_int_equal(EVP_PKEY_get_bits(X509_get0_pubkey(ask)), 4096);
	assert_int_equal(X509_get_signature_nid(ark), NID_rsassaPss);
	assert_int_equal(X509_get_signature_nid(ask), NID_rsassaPss);
	assert_int_equal(X509_get_signature_nid(vcek), NID_rsassaPss);
	assert_int_equal(EVP_PKEY_get_bits(X509_get0_pubkey(vcek)), 384);
	hwid = ext_value(vcek, "1.3.6.1.4.1.3704.1.4");
	assert_non_null(hwid);
	assert_int_equal(ASN1_STRING_length(hwid), 64);
	assert_memory_equal(ASN1_STRING_get0_data(hwid), rsp.report.chip_id,
			    64);
	assert_spl(vcek, "1.3.6.1.4.1.3704.1.3.1", tcb[0]);
	assert_spl(vcek, "1.3.6.1.4.1.3704.1.3.2", tcb[1]);
	assert_spl(vcek, "1.3.6.1.4.1.3704.1.3.3", tcb[6]);
	assert_spl(vcek, "1.3.6.1.4.1.3704.1.3.8", tcb[7]);
	X509_free(ark);
	X509_free(ask);
	X509_free(vcek);
}

/** Confirm that every signed byte is covered by the signature. */
static void report_tamper_detected(void **state)
{
	struct fixture *f = *state;
	struct snp_report_rsp rsp = { 0 };
	struct verify_certs c;
	char err[256];
	size_t i;

	assert_int_equal(round_trip(f, 0, &rsp), PSP_STATUS_SUCCESS);
	certs_of(f, &c);
	for (i = 0; i < SNP_REPORT_SIGNED_SIZE + 144; i += 7) {
		uint8_t *p = (uint8_t *)&rsp.report + i;

		*p ^= 0x01;
		assert_int_not_equal(
			verify_report_signature((uint8_t *)&rsp.report,
						SNP_REPORT_SIZE, c.vcek,
						c.vcek_len, err, sizeof(err)),
			0);
		*p ^= 0x01;
	}
}

/** Confirm that a replayed request (reused sequence number) is refused. */
static void replay_refused(void **state)
{
	struct fixture *f = *state;
	struct snp_report_rsp rsp = { 0 };
	struct snp_guest_msg old;

	assert_int_equal(round_trip(f, 0, &rsp), PSP_STATUS_SUCCESS);
	memcpy(&old, &f->req, sizeof(old));
	assert_int_equal(
		psp_guest_request(f->psp, (uint8_t *)&old, (uint8_t *)&f->resp),
		PSP_STATUS_INVALID_PARAM);
	/* The firmware state did not move: the next real request works. */
	assert_int_equal(round_trip(f, 0, &rsp), PSP_STATUS_SUCCESS);
}

/** Confirm that a tampered tag, payload or header byte is refused. */
static void tamper_refused(void **state)
{
	struct fixture *f = *state;
	struct snp_report_req r = report_req(0, 1);
	static const size_t offsets[] = { 0, 15, 0x34, 0x3D, 0x60, 0x60 + 95 };
	size_t i;

	assert_int_equal(
		greq_seal(&f->ch, SNP_MSG_REPORT_REQ, &r, sizeof(r), &f->req),
		0);
	for (i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
		uint8_t *p = (uint8_t *)&f->req + offsets[i];

		*p ^= 0x80;
		assert_int_not_equal(psp_guest_request(f->psp,
						       (uint8_t *)&f->req,
						       (uint8_t *)&f->resp),
				     PSP_STATUS_SUCCESS);
		*p ^= 0x80;
	}
	assert_int_equal(psp_guest_request(f->psp, (uint8_t *)&f->req,
					   (uint8_t *)&f->resp),
			 PSP_STATUS_SUCCESS);
}

/** Confirm that a message under the wrong VMPCK is refused. */
static void wrong_vmpck_refused(void **state)
{
	struct fixture *f = *state;
	struct snp_report_req r = report_req(2, 1);
	struct greq_channel bad;

	greq_init(&bad, f->cfg.vmpck[1], 2); /* key 1 claiming index 2 */
	assert_int_equal(
		greq_seal(&bad, SNP_MSG_REPORT_REQ, &r, sizeof(r), &f->req), 0);
	assert_int_equal(psp_guest_request(f->psp, (uint8_t *)&f->req,
					   (uint8_t *)&f->resp),
			 PSP_STATUS_INVALID_PARAM);
}

/** Confirm that VMPCK2 cannot ask for a VMPL0 report; VLEK is absent. */
static void vmpl_and_key_rules(void **state)
{
	struct fixture *f = *state;
	struct snp_report_req r = report_req(0, 1);
	struct snp_report_rsp rsp = { 0 };
	size_t len;

	greq_init(&f->ch, f->cfg.vmpck[2], 2);
	assert_int_equal(
		greq_seal(&f->ch, SNP_MSG_REPORT_REQ, &r, sizeof(r), &f->req),
		0);
	assert_int_equal(psp_guest_request(f->psp, (uint8_t *)&f->req,
					   (uint8_t *)&f->resp),
			 PSP_STATUS_SUCCESS);
	assert_int_equal(greq_open(&f->ch, SNP_MSG_REPORT_REQ, &f->resp, &rsp,
				   sizeof(rsp), &len),
			 0);
	assert_int_equal(rsp.status, SNP_REPORT_STATUS_INVALID_PARAM);
	r.vmpl = 2;
	r.flags = SNP_REPORT_KEY_SEL_VLEK;
	assert_int_equal(
		greq_seal(&f->ch, SNP_MSG_REPORT_REQ, &r, sizeof(r), &f->req),
		0);
	assert_int_equal(psp_guest_request(f->psp, (uint8_t *)&f->req,
					   (uint8_t *)&f->resp),
			 PSP_STATUS_SUCCESS);
	assert_int_equal(greq_open(&f->ch, SNP_MSG_REPORT_REQ, &f->resp, &rsp,
				   sizeof(rsp), &len),
			 0);
	assert_int_equal(rsp.status, SNP_REPORT_STATUS_INVALID_KEY);
}

/** Confirm that a bad response disables the channel and wipes its key. */
static void channel_disabled_on_bad_response(void **state)
{
	struct fixture *f = *state;
	struct snp_report_req r = report_req(0, 1);
	struct snp_report_rsp rsp = { 0 };
	static const uint8_t zero[32];
	size_t len;

	assert_int_equal(
		greq_seal(&f->ch, SNP_MSG_REPORT_REQ, &r, sizeof(r), &f->req),
		0);
	assert_int_equal(psp_guest_request(f->psp, (uint8_t *)&f->req,
					   (uint8_t *)&f->resp),
			 PSP_STATUS_SUCCESS);
	f->resp.payload[3] ^= 1; /* the host flips a ciphertext bit */
	assert_int_equal(greq_open(&f->ch, SNP_MSG_REPORT_REQ, &f->resp, &rsp,
				   sizeof(rsp), &len),
			 -1);
	assert_true(f->ch.disabled);
	assert_memory_equal(f->ch.key, zero, 32);
	assert_int_equal(
		greq_seal(&f->ch, SNP_MSG_REPORT_REQ, &r, sizeof(r), &f->req),
		-1);
}

/** Confirm the certificate table layout and the too-small answer. */
static void cert_table(void **state)
{
	struct fixture *f = *state;
	struct verify_certs c;
	uint8_t small[64], *buf;
	size_t need;
	char err[256];

	need = psp_cert_table(f->psp, small, sizeof(small));
	assert_true(need > sizeof(small));
	buf = malloc(need);
	assert_non_null(buf);
	assert_int_equal(psp_cert_table(f->psp, buf, need), need);
	assert_int_equal(
		verify_split_cert_table(buf, need, &c, err, sizeof(err)), 0);
	assert_int_equal(verify_chain(&c, err, sizeof(err)), 0);
	free(buf);
}

/** Confirm manifest layout, lookup, and rejection of bad offsets. */
static void manifest_round_trip(void **state)
{
	struct manifest_service svc[2] = {
		{ SVSM_VTPM_SERVICE_GUID, (const uint8_t *)"EKPUB", 5 },
		{ { 1, 2, 3 }, NULL, 0 },
	};
	static const uint8_t vtpm[16] = SVSM_VTPM_SERVICE_GUID;
	uint8_t out[256];
	const uint8_t *data;
	size_t n, len;

	(void)state;
	n = manifest_build(svc, 2, out, 10);
	assert_int_equal(n, 24 + 48 + 5);
	assert_int_equal(manifest_build(svc, 2, out, sizeof(out)), n);
	assert_int_equal(manifest_find(out, n, vtpm, &data, &len), 0);
	assert_int_equal(len, 5);
	assert_memory_equal(data, "EKPUB", 5);
	out[24 + 16] = 0xF0; /* offset now points far outside */
	assert_int_equal(manifest_find(out, n, vtpm, &data, &len), -1);
	assert_int_equal(manifest_find(out, 8, vtpm, &data, &len), -1);
}

static void write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	fclose(f);
}

static int run_verify(const char *dir, const char *extra)
{
	char cmd[1024];
	const char *bin = getenv("SVSM_VERIFY");
	int st;

	snprintf(cmd, sizeof(cmd),
		 "%s --report %s/report --certs %s/certs %s >/dev/null", bin,
		 dir, dir, extra);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/** Confirm that svsm-verify accepts a good report and rejects tampering. */
static void svsm_verify_command(void **state)
{
	struct fixture *f = *state;
	struct manifest_service svc = { SVSM_VTPM_SERVICE_GUID,
					(const uint8_t *)"EK", 2 };
	uint8_t nonce[64], manifest[128], table[8192];
	struct snp_report_req r = report_req(0, 0);
	struct snp_report_rsp rsp = { 0 };
	char dir[] = "/tmp/svsm-verify-XXXXXX", path[256], extra[600];
	size_t mlen, tlen, len;
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	if (getenv("SVSM_VERIFY") == NULL) {
		skip();
	}
	assert_non_null(mkdtemp(dir));
	memset(nonce, 7, sizeof(nonce));
	mlen = manifest_build(&svc, 1, manifest, sizeof(manifest));
	assert_non_null(md);
	assert_true(EVP_DigestInit_ex(md, EVP_sha512(), NULL) &&
		    EVP_DigestUpdate(md, nonce, sizeof(nonce)) &&
		    EVP_DigestUpdate(md, manifest, mlen) &&
		    EVP_DigestFinal_ex(md, r.user_data, NULL));
	EVP_MD_CTX_free(md);
	assert_int_equal(
		greq_seal(&f->ch, SNP_MSG_REPORT_REQ, &r, sizeof(r), &f->req),
		0);
	assert_int_equal(psp_guest_request(f->psp, (uint8_t *)&f->req,
					   (uint8_t *)&f->resp),
			 0);
	assert_int_equal(greq_open(&f->ch, SNP_MSG_REPORT_REQ, &f->resp, &rsp,
				   sizeof(rsp), &len),
			 0);
	tlen = psp_cert_table(f->psp, table, sizeof(table));
	snprintf(path, sizeof(path), "%s/report", dir);
	write_file(path, &rsp.report, SNP_REPORT_SIZE);
	snprintf(path, sizeof(path), "%s/certs", dir);
	write_file(path, table, tlen);
	snprintf(path, sizeof(path), "%s/nonce", dir);
	write_file(path, nonce, sizeof(nonce));
	snprintf(path, sizeof(path), "%s/manifest", dir);
	write_file(path, manifest, mlen);
	snprintf(extra, sizeof(extra),
		 "--nonce %s/nonce --manifest %s/manifest", dir, dir);
	assert_int_equal(run_verify(dir, extra), 0);
	/*
	 * The same bytes split elsewhere (a 65-byte nonce that takes the
	 * manifest's first byte) hash the same and are refused: only a
	 * 64-byte nonce binds the manifest.
	 */
	{
		uint8_t longer[65];

		memcpy(longer, nonce, 64);
		longer[64] = manifest[0];
		snprintf(path, sizeof(path), "%s/nonce", dir);
		write_file(path, longer, sizeof(longer));
		snprintf(path, sizeof(path), "%s/manifest", dir);
		write_file(path, manifest + 1, mlen - 1);
		assert_int_equal(run_verify(dir, extra), 1);
		write_file(path, manifest, mlen);
	}
	/* A different nonce no longer matches REPORT_DATA. */
	nonce[0] ^= 1;
	snprintf(path, sizeof(path), "%s/nonce", dir);
	write_file(path, nonce, sizeof(nonce));
	assert_int_equal(run_verify(dir, extra), 1);
	/* One flipped byte in the report's signed area. */
	((uint8_t *)&rsp.report)[0x90] ^= 1;
	snprintf(path, sizeof(path), "%s/report", dir);
	write_file(path, &rsp.report, SNP_REPORT_SIZE);
	assert_int_equal(run_verify(dir, ""), 1);
	assert_int_equal(run_verify(dir, "--bogus"), 2);
	snprintf(extra, sizeof(extra), "rm -rf %s", dir);
	assert_int_equal(system(extra), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(report_round_trip, setup,
						teardown),
		cmocka_unit_test_setup_teardown(reused_nonce_signs_validly,
						setup, teardown),
		cmocka_unit_test_setup_teardown(report_tamper_detected, setup,
						teardown),
		cmocka_unit_test_setup_teardown(replay_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(tamper_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(wrong_vmpck_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(vmpl_and_key_rules, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			channel_disabled_on_bad_response, setup, teardown),
		cmocka_unit_test_setup_teardown(cert_table, setup, teardown),
		cmocka_unit_test_setup_teardown(amd_chain_format, setup,
						teardown),
		cmocka_unit_test(manifest_round_trip),
		cmocka_unit_test_setup_teardown(svsm_verify_command, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("psp", tests, NULL, NULL);
}
