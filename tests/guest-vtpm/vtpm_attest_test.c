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

/* VTPM_CMD with a TPM_SEND_COMMAND framed at `gpa`; returns RAX. */
static uint32_t vtpm_cmd_framed(struct guest *g, uint64_t gpa,
				uint32_t platform_cmd, uint8_t locality,
				uint32_t size, const uint8_t *cmd,
				size_t cmd_len)
{
	uint8_t *buf = gptr(g, gpa, 9 + cmd_len);
	struct svsm_sim_regs r = {
		.rax = SVSM_CALL(SVSM_PROTOCOL_VTPM, SVSM_VTPM_CMD), .rcx = gpa
	};

	vtpm_frame(buf, platform_cmd, locality, size, cmd, cmd_len);
	return raw_call(g, 0, &r);
}

/* VTPM_CMD with a TPM_SEND_COMMAND framed at TPM_BUF; returns RAX. */
static uint32_t vtpm_cmd_raw(struct guest *g, uint32_t platform_cmd,
			     uint8_t locality, uint32_t size,
			     const uint8_t *cmd, size_t cmd_len)
{
	return vtpm_cmd_framed(g, TPM_BUF(g), platform_cmd, locality, size, cmd,
			       cmd_len);
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

/* How many transient objects the TPM holds (GetCapability). */
static uint32_t transient_objects(struct guest *g)
{
	uint8_t cmd[TPM2_MAX];
	size_t len = tpm2_get_capability_handles(cmd, 0x80000000U), rlen;
	const uint8_t *resp = tpm(g, cmd, len, &rlen);
	uint32_t n = 0;

	assert_int_equal(tpm2_parse_handle_count(resp, rlen, &n), 0);
	return n;
}

/*
 * Confirm that VTPM_CMD checks the whole buffer a response may take
 * (4096 bytes from RCX) before the TPM runs the command (issue 11, item
 * 2): a CreatePrimary whose request is readable but whose response would
 * reach an unvalidated page, or SVSM memory, is INVALID_ADDRESS and
 * creates nothing. Before the fix, each such call left a transient object
 * the guest never heard of, and after three the TPM's object slots were
 * full, so a good CreatePrimary failed (TPM_RC_OBJECT_MEMORY).
 */
static void vtpm_cmd_response_range_first(void **state)
{
	struct guest *g = *state;
	/* Page 27 is the last validated one; page 28 is not. */
	uint64_t edge = g->low + 28 * PAGE - 128;
	uint64_t below_svsm = g->svsm_base - 128;
	uint8_t cmd[TPM2_MAX], x[32], y[32];
	size_t len, rlen;
	const uint8_t *resp;
	uint32_t handle, before, i;

	assert_int_equal(access_of(g, g->low + 28 * PAGE, false),
			 SVSM_SIM_FAULT_NOT_VALIDATED);
	/* Below the SVSM, guest memory has 2 MiB RMP entries. */
	assert_int_equal(g->svsm_base & (SIZE_2M - 1), 0);
	assert_int_equal(
		pvalidate_one(g, g->svsm_base - SIZE_2M, true, true, false),
		SVSM_SUCCESS);
	len = tpm2_startup_clear(cmd);
	assert_int_equal(tpm_rc(g, cmd, len), 0);
	before = transient_objects(g);
	len = tpm2_create_primary_ecc_sign(cmd, 0x40000001);
	assert_true(9 + len <= 128); /* the request itself is readable */
	for (i = 0; i < 6; i++) {
		uint64_t gpa = (i & 1) ? below_svsm : edge;

		assert_int_equal(vtpm_cmd_framed(g, gpa,
						 SVSM_VTPM_PLAT_SEND_COMMAND, 0,
						 (uint32_t)len, cmd, len),
				 SVSM_ERR_INVALID_ADDRESS);
	}
	assert_int_equal(transient_objects(g), before);
	/* The object slots are all there: a good CreatePrimary works. */
	resp = tpm(g, cmd, len, &rlen);
	assert_int_equal(
		tpm2_parse_create_primary_ecc(resp, rlen, &handle, x, y), 0);
	assert_int_equal(transient_objects(g), before + 1);
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

/* The size of the manifest ATTEST_SERVICES returns (an ordinary call). */
static size_t real_manifest_len(struct guest *g)
{
	struct svsm_sim_regs r;

	attest_op(g, false, PAGE, 0);
	assert_int_equal(attest_call(g, false, &r), SVSM_SUCCESS);
	assert_true(r.rcx > 0 && r.rcx < PAGE);
	return (size_t)r.rcx;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/*
 * The forged prefix of a services manifest: a header whose total length
 * covers the prefix and the real manifest the SVSM will append, a vTPM
 * entry naming `fake_ek` (inside the prefix) and an entry for an unknown
 * service whose data is the real manifest. Returns the prefix length.
 */
static size_t forge_prefix(uint8_t *out, const uint8_t *fake_ek, size_t ek_len,
			   size_t real_len)
{
	static const uint8_t hdr[16] = SVSM_MANIFEST_GUID;
	static const uint8_t vtpm[16] = SVSM_VTPM_SERVICE_GUID;
	size_t prefix = 24 + 2 * 24 + ek_len;

	memcpy(out, hdr, 16);
	put_le32(out + 16, (uint32_t)(prefix + real_len));
	put_le32(out + 20, 2);
	memcpy(out + 24, vtpm, 16);
	put_le32(out + 40, 72);
	put_le32(out + 44, (uint32_t)ek_len);
	memset(out + 48, 0x5A, 16); /* a service nobody knows */
	put_le32(out + 64, (uint32_t)prefix);
	put_le32(out + 68, (uint32_t)real_len);
	memcpy(out + 72, fake_ek, ek_len);
	return prefix;
}

/*
 * Confirm that the nonce/manifest split cannot be moved (issue 11, item
 * 1). The attack: the guest sends the relying party's 64-byte challenge
 * followed by a forged manifest prefix (a vTPM entry naming an EK of its
 * choosing, the real manifest filed under an unknown service) as its
 * "nonce"; the SVSM appends the real manifest and signs SHA-512 of the
 * lot; the guest presents challenge and prefix || real manifest. An SVSM
 * that takes nonces of any size signs that, and the forgery passes the
 * relying party's checks. The nonce must be exactly 64 bytes.
 */
static void attest_forged_manifest_refused(void **state)
{
	struct guest *g = *state;
	static const uint8_t vtpm[16] = SVSM_VTPM_SERVICE_GUID;
	uint8_t challenge[64], fake_ek[64], forged[2 * PAGE];
	size_t real_len = real_manifest_len(g), prefix, ek_len;
	struct svsm_attest_services_req *op;
	uint8_t *nonce = gptr(g, NONCE_BUF(g), 2 * PAGE);
	const uint8_t *ek;
	struct svsm_sim_regs r;
	char err[256];
	uint32_t rc;

	memset(challenge, 0xC3, sizeof(challenge));
	memset(fake_ek, 0xEE, sizeof(fake_ek));
	fake_ek[0] = 0x00; /* TPM_ALG_RSA, as a real EK starts */
	fake_ek[1] = 0x01;
	prefix = forge_prefix(forged, fake_ek, sizeof(fake_ek), real_len);
	attest_op(g, false, PAGE, 0);
	memcpy(nonce, challenge, 64);
	memcpy(nonce + 64, forged, prefix);
	op = gptr(g, ca_buf(g), sizeof(*op));
	op->nonce.size = (uint16_t)(64 + prefix);
	rc = attest_call(g, false, &r);
	if (rc == SVSM_SUCCESS) {
		/* What the relying party would be shown: the forgery. */
		memcpy(forged + prefix, gptr(g, MANIFEST_BUF(g), r.rcx), r.rcx);
		assert_int_equal(r.rcx, real_len);
		if (verify_report_data(gptr(g, REPORT_BUF(g), PAGE), challenge,
				       64, forged, prefix + real_len, err,
				       sizeof(err)) == 0 &&
		    manifest_find(forged, prefix + real_len, vtpm, &ek,
				  &ek_len) == 0 &&
		    ek_len == sizeof(fake_ek) &&
		    memcmp(ek, fake_ek, ek_len) == 0) {
			fail_msg("the SVSM signed a forged manifest that "
				 "verifies with the challenge and names a "
				 "vTPM EK of the guest's choosing");
		}
	}
	assert_int_equal(rc, SVSM_ERR_INVALID_PARAMETER);
	/* The same goes for SINGLE_SERVICE (its manifest is the bare EK). */
	attest_op(g, true, PAGE, 0);
	memcpy(nonce, challenge, 64);
	memcpy(nonce + 64, fake_ek, sizeof(fake_ek));
	op->nonce.size = 64 + sizeof(fake_ek);
	assert_int_equal(attest_call(g, true, &r), SVSM_ERR_INVALID_PARAMETER);
}

/** Confirm that a nonce of any size but 64 bytes is refused. */
static void attest_nonce_size_exactly_64(void **state)
{
	struct guest *g = *state;
	static const uint16_t bad[] = { 1, 32, 63, 65, 128, 4096, 0xFFFF };
	struct svsm_attest_services_req *op;
	struct svsm_sim_regs r;
	uint8_t *report = gptr(g, REPORT_BUF(g), PAGE);
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		bool single = (i & 1) != 0;

		memset(report, 0xEE, PAGE);
		attest_op(g, single, PAGE, 0);
		op = gptr(g, ca_buf(g), sizeof(*op));
		op->nonce.size = bad[i];
		assert_int_equal(attest_call(g, single, &r),
				 SVSM_ERR_INVALID_PARAMETER);
		assert_int_equal(report[0], 0xEE); /* nothing written */
	}
	attest_op(g, false, PAGE, 0);
	assert_int_equal(attest_call(g, false, &r), SVSM_SUCCESS);
	attest_op(g, true, PAGE, 0);
	assert_int_equal(attest_call(g, true, &r), SVSM_SUCCESS);
}

/*
 * Confirm that the attestation calls check every output buffer before
 * they ask the PSP (the sibling of issue 11, item 2): a manifest or
 * certificate buffer that reaches an unvalidated page or SVSM memory is
 * INVALID_ADDRESS with the report buffer untouched. Before, the report
 * was written and only the manifest's copy failed.
 */
static void attest_outputs_checked_first(void **state)
{
	struct guest *g = *state;
	struct svsm_attest_services_req *op;
	uint8_t *report = gptr(g, REPORT_BUF(g), PAGE);
	struct svsm_sim_regs r;
	unsigned i;

	for (i = 0; i < 4; i++) {
		memset(report, 0xEE, PAGE);
		attest_op(g, (i & 1) != 0, PAGE, i < 2 ? 0 : 4 * PAGE);
		op = gptr(g, ca_buf(g), sizeof(*op));
		if (i < 2) {
			/* The manifest buffer is not validated. */
			op->manifest.gpa = g->low + 28 * PAGE;
		} else {
			/* The certificate buffer runs into SVSM memory. */
			op->certs.gpa = g->svsm_base - 2 * PAGE;
		}
		assert_int_equal(attest_call(g, (i & 1) != 0, &r),
				 SVSM_ERR_INVALID_ADDRESS);
		assert_int_equal(report[0], 0xEE);
	}
	attest_op(g, false, PAGE, 4 * PAGE);
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
		cmocka_unit_test_setup_teardown(vtpm_cmd_response_range_first,
						setup_vtpm, guest_teardown),
		cmocka_unit_test_setup_teardown(attest_services_verifies,
						setup_vtpm, guest_teardown),
		cmocka_unit_test_setup_teardown(attest_buffers_too_small,
						setup_vtpm, guest_teardown),
		cmocka_unit_test_setup_teardown(attest_single_service,
						setup_vtpm, guest_teardown),
		cmocka_unit_test_setup_teardown(attest_bad_operations,
						setup_vtpm, guest_teardown),
		cmocka_unit_test_setup_teardown(attest_outputs_checked_first,
						setup_vtpm, guest_teardown),
		cmocka_unit_test_setup_teardown(attest_forged_manifest_refused,
						setup_vtpm, guest_teardown),
		cmocka_unit_test_setup_teardown(attest_nonce_size_exactly_64,
						setup_vtpm, guest_teardown),
		cmocka_unit_test(vtpm_absent),
	};

	return cmocka_run_group_tests_name("guest-vtpm", tests, NULL, NULL);
}
