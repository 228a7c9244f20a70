/* SPDX-License-Identifier: MIT */
/*
 * Guest-side tests of the vTPM (protocol 2) and attestation (protocol 1)
 * protocols: a VMPL2 guest on libsvsm-sim frames TPM 2.0 commands as
 * Linux's tpm_svsm driver does and requests attestation reports as
 * Linux's sev-guest driver does, then verifies everything with OpenSSL:
 * the quote against the key the TPM returned, the report against the
 * VCEK -> ASK -> ARK chain, REPORT_DATA against nonce and manifest.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "../guest/guest.h"
#include "tpm2_cmds.h"
#include "vtpm_cases.h"
#include "../../tools/svsm-verify/verify.h"
#include "svsm/manifest.h"
#include "abi/snp_guest_msg.h"
#include "abi/svsm_attest.h"
#include "abi/svsm_vtpm.h"

/* Guest pages used here (validated by the tests as Linux would). */
#define TPM_BUF(g) ((g)->low + 16 * PAGE)
#define REPORT_BUF(g) ((g)->low + 20 * PAGE)
#define MANIFEST_BUF(g) ((g)->low + 21 * PAGE)
#define NONCE_BUF(g) ((g)->low + 22 * PAGE)
#define CERTS_BUF(g) ((g)->low + 24 * PAGE) /* 4 pages */

static int setup_vtpm(void **state)
{
	struct svsm_sim_config cfg = { .guest_mem_bytes = 256 * MIB,
				       .vcpus = 1,
				       .vtpm = true };
	struct guest *g = calloc(1, sizeof(*g));
	const uint8_t *s;
	unsigned i;

	if (g == NULL || (g->sim = svsm_sim_create(&cfg)) == NULL) {
		free(g);
		return -1;
	}
	g->vcpus = 1;
	g->mem = cfg.guest_mem_bytes;
	s = svsm_sim_guest_ptr(g->sim, svsm_sim_secrets_gpa(g->sim), PAGE);
	memcpy(&g->svsm_base, s + 0x140, 8);
	memcpy(&g->svsm_size, s + 0x148, 8);
	memcpy(&g->ca, s + 0x150, 8);
	g->low = 2 * MIB;
	*state = g;
	for (i = 16; i < 28; i++) {
		if (pvalidate_one(g, g->low + i * PAGE, false, true, false)) {
			return -1;
		}
	}
	return 0;
}

/* VTPM_CMD with a TPM_SEND_COMMAND framed at TPM_BUF; returns RAX. */
static uint32_t vtpm_cmd_raw(struct guest *g, uint32_t platform_cmd,
			     uint8_t locality, uint32_t size,
			     const uint8_t *cmd, size_t cmd_len)
{
	uint8_t *buf = gptr(g, TPM_BUF(g), SVSM_VTPM_BUFFER_SIZE);
	struct svsm_sim_regs r = { .rax = SVSM_CALL(SVSM_PROTOCOL_VTPM,
						    SVSM_VTPM_CMD),
				   .rcx = TPM_BUF(g) };

	vtpm_frame(buf, platform_cmd, locality, size, cmd, cmd_len);
	return raw_call(g, 0, &r);
}

/* VTPM_CMD naming `gpa` as it stands; returns RAX. */
static uint32_t vtpm_cmd_at(struct guest *g, uint64_t gpa)
{
	struct svsm_sim_regs r = {
		.rax = SVSM_CALL(SVSM_PROTOCOL_VTPM, SVSM_VTPM_CMD), .rcx = gpa
	};

	return raw_call(g, 0, &r);
}

/* Send a TPM command; returns the response (in guest memory). */
static const uint8_t *tpm(struct guest *g, const uint8_t *cmd, size_t len,
			  size_t *rlen)
{
	uint8_t *buf = gptr(g, TPM_BUF(g), SVSM_VTPM_BUFFER_SIZE);
	uint32_t n;

	assert_int_equal(vtpm_cmd_raw(g, SVSM_VTPM_PLAT_SEND_COMMAND, 0,
				      (uint32_t)len, cmd, len),
			 SVSM_SUCCESS);
	memcpy(&n, buf, 4);
	assert_true(n >= 10 && n <= SVSM_VTPM_BUFFER_SIZE - 4);
	assert_int_equal(tpm2_be32(buf + 4 + 2), n);
	*rlen = n;
	return buf + 4;
}

static uint32_t tpm_rc(struct guest *g, const uint8_t *cmd, size_t len)
{
	size_t rlen;
	const uint8_t *r = tpm(g, cmd, len, &rlen);

	return tpm2_rc(r, rlen);
}

/** Confirm that QUERY_PROTOCOL reports protocols 1 and 2, version 1. */
static void vtpm_query_protocol(void **state)
{
	struct guest *g = *state;
	struct svsm_sim_regs r = {
		.rax = SVSM_CALL(SVSM_PROTOCOL_CORE, SVSM_CORE_QUERY_PROTOCOL),
		.rcx = SVSM_QUERY_PROTOCOL_ARG(SVSM_PROTOCOL_VTPM, 1)
	};

	assert_int_equal(raw_call(g, 0, &r), SVSM_SUCCESS);
	assert_int_equal(r.rcx, SVSM_QUERY_PROTOCOL_RESULT(1, 1));
	r.rax = SVSM_CALL(SVSM_PROTOCOL_CORE, SVSM_CORE_QUERY_PROTOCOL);
	r.rcx = SVSM_QUERY_PROTOCOL_ARG(SVSM_PROTOCOL_ATTEST, 1);
	assert_int_equal(raw_call(g, 0, &r), SVSM_SUCCESS);
	assert_int_equal(r.rcx, SVSM_QUERY_PROTOCOL_RESULT(1, 1));
}

/** Confirm that VTPM_QUERY offers TPM_SEND_COMMAND (bit 8), no features. */
static void vtpm_query(void **state)
{
	struct guest *g = *state;
	struct svsm_sim_regs r = { .rax = SVSM_CALL(SVSM_PROTOCOL_VTPM,
						    SVSM_VTPM_QUERY),
				   .rcx = 0xdead,
				   .rdx = 0xbeef };

	assert_int_equal(raw_call(g, 0, &r), SVSM_SUCCESS);
	assert_int_equal(r.rcx, 1ULL << 8);
	assert_int_equal(r.rdx, 0);
	r.rax = SVSM_CALL(SVSM_PROTOCOL_VTPM, 7);
	assert_int_equal(raw_call(g, 0, &r), SVSM_ERR_UNSUPPORTED_CALL);
}

static EVP_PKEY *p256_key(const uint8_t x[32], const uint8_t y[32])
{
	uint8_t pt[65] = { 0x04 };
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	EVP_PKEY *key = NULL;

	memcpy(pt + 1, x, 32);
	memcpy(pt + 33, y, 32);
	OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
					"P-256", 0);
	OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pt,
					 sizeof(pt));
	params = OSSL_PARAM_BLD_to_param(bld);
	if (EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) != 1) {
		key = NULL;
	}
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_CTX_free(ctx);
	return key;
}

static int ecdsa_verify(EVP_PKEY *key, const uint8_t *msg, size_t len,
			const uint8_t r[32], const uint8_t s[32])
{
	ECDSA_SIG *sig = ECDSA_SIG_new();
	unsigned char *der = NULL;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int n, ok;

	ECDSA_SIG_set0(sig, BN_bin2bn(r, 32, NULL), BN_bin2bn(s, 32, NULL));
	n = i2d_ECDSA_SIG(sig, &der);
	ok = n > 0 &&
	     EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
	     EVP_DigestVerify(md, der, (size_t)n, msg, len) == 1;
	OPENSSL_free(der);
	ECDSA_SIG_free(sig);
	EVP_MD_CTX_free(md);
	return ok;
}

/**
 * Confirm that real TPM 2.0 commands work through the protocol and that a
 * quote verifies with OpenSSL and covers our nonce and PCR values.
 */
static void vtpm_commands_and_quote(void **state)
{
	struct guest *g = *state;
	uint8_t cmd[TPM2_MAX], digest[32], nonce[32], x[32], y[32], qr[32],
		qs[32], pcrs[8 * 32], pcr_digest[32];
	const uint8_t *resp, *att;
	size_t len, rlen, alen;
	uint32_t key, i;
	EVP_PKEY *pub;

	len = tpm2_startup_clear(cmd);
	assert_int_equal(tpm_rc(g, cmd, len), 0);
	len = tpm2_get_random(cmd, 32);
	resp = tpm(g, cmd, len, &rlen);
	assert_int_equal(tpm2_rc(resp, rlen), 0);
	assert_int_equal(tpm2_be16(resp + 10), 32);
	memset(digest, 0x11, sizeof(digest));
	len = tpm2_pcr_extend_sha256(cmd, 7, digest);
	assert_int_equal(tpm_rc(g, cmd, len), 0);
	for (i = 0; i < 8; i++) {
		len = tpm2_pcr_read_sha256(cmd, i);
		resp = tpm(g, cmd, len, &rlen);
		assert_int_equal(tpm2_rc(resp, rlen), 0);
		memcpy(pcrs + 32 * i, resp + rlen - 32, 32);
	}
	len = tpm2_create_primary_ecc_sign(cmd, 0x40000001);
	resp = tpm(g, cmd, len, &rlen);
	assert_int_equal(tpm2_parse_create_primary_ecc(resp, rlen, &key, x, y),
			 0);
	memset(nonce, 0x5C, sizeof(nonce));
	len = tpm2_quote_ecc(cmd, key, nonce);
	for (i = 0; i < 3; i++) { /* the first use may answer RETRY */
		resp = tpm(g, cmd, len, &rlen);
		if (tpm2_rc(resp, rlen) != 0x922) {
			break;
		}
	}
	assert_int_equal(tpm2_parse_quote(resp, rlen, &att, &alen, qr, qs), 0);
	pub = p256_key(x, y);
	assert_non_null(pub);
	assert_true(ecdsa_verify(pub, att, alen, qr, qs));
	/* TPMS_ATTEST: magic, type ATTEST_QUOTE, then extraData = nonce. */
	assert_int_equal(tpm2_be32(att), 0xff544347);
	assert_int_equal(tpm2_be16(att + 4), 0x8018);
	{
		size_t off = 6 + 2 + tpm2_be16(att + 6); /* qualifiedSigner */

		assert_int_equal(tpm2_be16(att + off), 32);
		assert_memory_equal(att + off + 2, nonce, 32);
	}
	/* The quoted PCR digest is SHA-256 of PCRs 0-7 as read. */
	EVP_Digest(pcrs, sizeof(pcrs), pcr_digest, NULL, EVP_sha256(), NULL);
	assert_memory_equal(att + alen - 32, pcr_digest, 32);
	/* A tampered quote does not verify. */
	{
		uint8_t copy[TPM2_MAX];

		memcpy(copy, att, alen);
		copy[alen - 1] ^= 1;
		assert_false(ecdsa_verify(pub, copy, alen, qr, qs));
	}
	EVP_PKEY_free(pub);
}

static uint64_t vtpm_buf_gpa(struct guest *g, enum vtpm_buf_at at)
{
	switch (at) {
	case VTPM_AT_NULL:
		return 0;
	case VTPM_AT_SVSM:
		return g->svsm_base;
	case VTPM_AT_BEYOND_RAM:
		return g->mem + PAGE;
	case VTPM_AT_UNVALIDATED:
		return g->low + 100 * PAGE;
	case VTPM_AT_WRAP:
		return UINT64_MAX - 8;
	default:
		return g->ca;
	}
}

/** Confirm each malformed VTPM_CMD gets the spec's error, nothing run. */
static void vtpm_cmd_errors(void **state)
{
	struct guest *g = *state;
	uint8_t cmd[TPM2_MAX];
	size_t len = tpm2_get_random(cmd, 8), i;

	for (i = 0; i < vtpm_frame_case_count; i++) {
		const struct vtpm_frame_case *c = &vtpm_frame_cases[i];

		print_message("%s\n", c->name);
		assert_int_equal(vtpm_cmd_raw(g, c->platform_cmd, c->locality,
					      vtpm_frame_case_size(c, len), cmd,
					      len),
				 c->expect);
	}
	for (i = 0; i < vtpm_addr_case_count; i++) {
		const struct vtpm_addr_case *c = &vtpm_addr_cases[i];

		print_message("%s\n", c->name);
		assert_int_equal(vtpm_cmd_at(g, vtpm_buf_gpa(g, c->at)),
				 c->expect);
	}
}

/* Fill the attestation operation at CA + 8, as Linux does. */
static uint64_t attest_op(struct guest *g, bool single, uint32_t report_size,
			  uint32_t certs_size)
{
	struct svsm_attest_single_req op;
	uint8_t *nonce = gptr(g, NONCE_BUF(g), 64);

	memset(&op, 0, sizeof(op));
	memset(nonce, 0xA7, 64);
	op.base.report.gpa = REPORT_BUF(g);
	op.base.report.size = report_size;
	op.base.nonce.gpa = NONCE_BUF(g);
	op.base.nonce.size = 64;
	op.base.manifest.gpa = MANIFEST_BUF(g);
	op.base.manifest.size = PAGE;
	op.base.certs.gpa = certs_size ? CERTS_BUF(g) : 0;
	op.base.certs.size = certs_size;
	if (single) {
		static const uint8_t vtpm[16] = SVSM_VTPM_SERVICE_GUID;

		memcpy(op.guid, vtpm, 16);
	}
	memcpy(gptr(g, ca_buf(g), sizeof(op)), &op,
	       single ? sizeof(op) : sizeof(op.base));
	return ca_buf(g);
}

static uint32_t attest_call(struct guest *g, bool single,
			    struct svsm_sim_regs *r)
{
	r->rax = SVSM_CALL(SVSM_PROTOCOL_ATTEST,
			   single ? SVSM_ATTEST_SINGLE_SERVICE :
				    SVSM_ATTEST_SERVICES);
	r->rcx = ca_buf(g);
	r->rdx = UINT64_MAX; /* Linux presets these to spot returned sizes */
	r->r8 = UINT64_MAX;
	return raw_call(g, 0, r);
}

/**
 * Confirm that ATTEST_SERVICES returns a report that verifies against the
 * returned chain and the harness's VCEK/ARK, with REPORT_DATA =
 * SHA-512(nonce || manifest) and the vTPM EK in the manifest.
 */
static void attest_services_verifies(void **state)
{
	struct guest *g = *state;
	struct svsm_sim_regs r;
	struct verify_certs c;
	const uint8_t *report, *ek, *der;
	static const uint8_t vtpm[16] = SVSM_VTPM_SERVICE_GUID;
	size_t ek_len, der_len;
	char err[256];

	attest_op(g, false, PAGE, 4 * PAGE);
	assert_int_equal(attest_call(g, false, &r), SVSM_SUCCESS);
	assert_int_equal(r.r8, SNP_REPORT_SIZE);
	assert_true(r.rcx > 24 && r.rcx <= PAGE);
	assert_true(r.rdx > 0 && r.rdx <= 4 * PAGE);
	report = gptr(g, REPORT_BUF(g), SNP_REPORT_SIZE);
	assert_int_equal(verify_split_cert_table(gptr(g, CERTS_BUF(g), r.rdx),
						 r.rdx, &c, err, sizeof(err)),
			 0);
	assert_int_equal(verify_chain(&c, err, sizeof(err)), 0);
	der = svsm_sim_vcek_der(g->sim, &der_len);
	assert_int_equal(der_len, c.vcek_len);
	assert_memory_equal(der, c.vcek, der_len);
	der = svsm_sim_ark_der(g->sim, &der_len);
	assert_int_equal(der_len, c.ark_len);
	assert_memory_equal(der, c.ark, der_len);
	assert_int_equal(verify_report_signature(report, SNP_REPORT_SIZE,
						 c.vcek, c.vcek_len, err,
						 sizeof(err)),
			 0);
	assert_int_equal(verify_report_data(report, gptr(g, NONCE_BUF(g), 64),
					    64, gptr(g, MANIFEST_BUF(g), r.rcx),
					    r.rcx, err, sizeof(err)),
			 0);
	assert_int_equal(((const struct snp_attestation_report *)report)->vmpl,
			 0);
	assert_int_equal(manifest_find(gptr(g, MANIFEST_BUF(g), r.rcx), r.rcx,
				       vtpm, &ek, &ek_len),
			 0);
	assert_int_equal(tpm2_be16(ek), 0x0001); /* RSA-2048 EK (L-1) */
	/* Without a certificate buffer: no certificates, RDX = 0. */
	attest_op(g, false, PAGE, 0);
	assert_int_equal(attest_call(g, false, &r), SVSM_SUCCESS);
	assert_int_equal(r.rdx, 0);
}

/** Confirm the too-small protocol: sizes in RCX/RDX/R8, nothing written. */
static void attest_buffers_too_small(void **state)
{
	struct guest *g = *state;
	struct svsm_sim_regs r;
	uint8_t *report = gptr(g, REPORT_BUF(g), PAGE);

	memset(report, 0xEE, PAGE);
	attest_op(g, false, 0x100, 4 * PAGE);
	assert_int_equal(attest_call(g, false, &r), SVSM_ERR_INVALID_PARAMETER);
	assert_int_equal(r.r8, SNP_REPORT_SIZE);
	assert_true(r.rcx > 0 && r.rcx != UINT64_MAX);
	assert_true(r.rdx > 0 && r.rdx != UINT64_MAX);
	assert_int_equal(report[0], 0xEE);
	attest_op(g, false, PAGE, 64); /* certificate buffer too small */
	assert_int_equal(attest_call(g, false, &r), SVSM_ERR_INVALID_PARAMETER);
	assert_true(r.rdx > 64);
}

/** Confirm SINGLE_SERVICE: the vTPM's manifest is its EK; rules enforced. */
static void attest_single_service(void **state)
{
	struct guest *g = *state;
	struct svsm_sim_regs r;
	struct svsm_attest_single_req *op;
	char err[256];

	attest_op(g, true, PAGE, 0);
	assert_int_equal(attest_call(g, true, &r), SVSM_SUCCESS);
	assert_int_equal(tpm2_be16(gptr(g, MANIFEST_BUF(g), 2)), 0x0001);
	assert_int_equal(verify_report_data(gptr(g, REPORT_BUF(g), PAGE),
					    gptr(g, NONCE_BUF(g), 64), 64,
					    gptr(g, MANIFEST_BUF(g), r.rcx),
					    r.rcx, err, sizeof(err)),
			 0);
	attest_op(g, true, PAGE, 0);
	op = gptr(g, ca_buf(g), sizeof(*op));
	op->guid[0] ^= 1;
	assert_int_equal(attest_call(g, true, &r),
			 SVSM_ERR_UNSUPPORTED_PROTOCOL);
	attest_op(g, true, PAGE, 0);
	op->manifest_version = 1;
	assert_int_equal(attest_call(g, true, &r), SVSM_ERR_INVALID_PARAMETER);
}

/** Confirm malformed operations: reserved bits, alignment, SVSM memory. */
static void attest_bad_operations(void **state)
{
	struct guest *g = *state;
	struct svsm_sim_regs r;
	struct svsm_attest_services_req *op;

	attest_op(g, false, PAGE, 0);
	op = gptr(g, ca_buf(g), sizeof(*op));
	op->report.rsvd = 1;
	assert_int_equal(attest_call(g, false, &r), SVSM_ERR_INVALID_PARAMETER);
	attest_op(g, false, PAGE, 0);
	op->report.gpa += 8;
	assert_int_equal(attest_call(g, false, &r), SVSM_ERR_INVALID_PARAMETER);
	attest_op(g, false, PAGE, 0);
	op->nonce.size = 0;
	assert_int_equal(attest_call(g, false, &r), SVSM_ERR_INVALID_PARAMETER);
	attest_op(g, false, PAGE, 0);
	op->report.gpa = g->svsm_base;
	assert_int_equal(attest_call(g, false, &r), SVSM_ERR_INVALID_ADDRESS);
	attest_op(g, false, PAGE, 0);
	op->nonce.gpa = g->mem;
	assert_int_equal(attest_call(g, false, &r), SVSM_ERR_INVALID_ADDRESS);
	r.rax = SVSM_CALL(SVSM_PROTOCOL_ATTEST, 2);
	assert_int_equal(raw_call(g, 0, &r), SVSM_ERR_UNSUPPORTED_CALL);
	/* After all that, a good request still works (no IV was lost). */
	attest_op(g, false, PAGE, 0);
	assert_int_equal(attest_call(g, false, &r), SVSM_SUCCESS);
}

/** Confirm that without a vTPM, protocol 2 is absent and QUERY says so. */
static void vtpm_absent(void **state)
{
	struct svsm_sim_config cfg = { .guest_mem_bytes = 64 * MIB,
				       .vcpus = 1,
				       .vtpm = false };
	struct svsm_sim *sim = svsm_sim_create(&cfg);
	struct svsm_sim_regs r = {
		.rax = SVSM_CALL(SVSM_PROTOCOL_CORE, SVSM_CORE_QUERY_PROTOCOL),
		.rcx = SVSM_QUERY_PROTOCOL_ARG(SVSM_PROTOCOL_VTPM, 1)
	};

	(void)state;
	assert_non_null(sim);
	assert_int_equal(svsm_sim_call(sim, 0, &r), 0);
	assert_int_equal(r.rax, SVSM_SUCCESS);
	assert_int_equal(r.rcx, 0);
	r.rax = SVSM_CALL(SVSM_PROTOCOL_VTPM, SVSM_VTPM_QUERY);
	assert_int_equal(svsm_sim_call(sim, 0, &r), 0);
	assert_int_equal(r.rax, SVSM_ERR_UNSUPPORTED_PROTOCOL);
	svsm_sim_destroy(sim);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(vtpm_query_protocol, setup_vtpm,
						guest_teardown),
		cmocka_unit_test_setup_teardown(vtpm_query, setup_vtpm,
						guest_teardown),
		cmocka_unit_test_setup_teardown(vtpm_commands_and_quote,
						setup_vtpm, guest_teardown),
		cmocka_unit_test_setup_teardown(vtpm_cmd_errors, setup_vtpm,
						guest_teardown),
		cmocka_unit_test_setup_teardown(attest_services_verifies,
						setup_vtpm, guest_teardown),
		cmocka_unit_test_setup_teardown(attest_buffers_too_small,
						setup_vtpm, guest_teardown),
		cmocka_unit_test_setup_teardown(attest_single_service,
						setup_vtpm, guest_teardown),
		cmocka_unit_test_setup_teardown(attest_bad_operations,
						setup_vtpm, guest_teardown),
		cmocka_unit_test(vtpm_absent),
	};

	return cmocka_run_group_tests_name("guest-vtpm", tests, NULL, NULL);
}
