/* SPDX-License-Identifier: MIT */
/*
 * SNP_GUEST_REQUEST as the PSP firmware handles it: authenticate and decrypt
 * the request under the VMPCK it names (AES-256-GCM, IV = sequence number,
 * AAD = header bytes 0x30..0x5F), enforce the sequence number, answer, and
 * encrypt the response with the next sequence number. A request that fails
 * any check gets an error status and changes no firmware state.
 *
 * The AES-GCM code repeats svsm/attest/greq.c's on purpose: the firmware
 * model is the other end of that channel, and sharing the code would let
 * one mistake pass on both sides.
 */
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/obj_mac.h>
#include <openssl/sha.h>
#include <openssl/rand.h>

#include "abi/snp_guest_msg.h"
#include "psp_internal.h"

/* Version 3: the CPUID fields tell verifiers the generation (Milan-B0). */
#define REPORT_VERSION 3U
#define SIM_CPUID_FAMILY 0x19U
#define SIM_CPUID_MODEL 0x01U
#define SIM_CPUID_STEPPING 0x01U
/* Firmware 1.55 build 0 (bytes: build, minor, major). */
static const uint8_t sim_fw[4] = { 0, 55, 1, 0 };
#define SIG_ALGO_ECDSA_P384_SHA384 1U
/* TCB_VERSION: boot loader 3, TEE 0, SNP 8, microcode 115. */
#define SIM_TCB (3ULL | (0ULL << 8) | (8ULL << 48) | (115ULL << 56))

static void iv_from_seqno(uint8_t iv[SNP_MSG_IV_SIZE], uint64_t seqno)
{
	memset(iv, 0, SNP_MSG_IV_SIZE);
	memcpy(iv, &seqno, sizeof(seqno)); /* little-endian, bytes 0-7 */
}

/* AES-256-GCM in one direction; returns 1 on success (and tag match). */
static int gcm(bool encrypt, const uint8_t *key, uint64_t seqno,
	       const uint8_t *aad, const uint8_t *in, size_t len, uint8_t *out,
	       uint8_t *tag)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	uint8_t iv[SNP_MSG_IV_SIZE];
	int n, ok;

	if (ctx == NULL) {
		return 0;
	}
	iv_from_seqno(iv, seqno);
	ok = EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, iv,
			       encrypt) &&
	     EVP_CipherUpdate(ctx, NULL, &n, aad, SNP_MSG_AAD_SIZE) &&
	     EVP_CipherUpdate(ctx, out, &n, in, (int)len);
	if (ok && !encrypt) {
		ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG,
					 SNP_MSG_AUTHTAG_SIZE, tag);
	}
	ok = ok && EVP_CipherFinal_ex(ctx, out + n, &n);
	if (ok && encrypt) {
		ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG,
					 SNP_MSG_AUTHTAG_SIZE, tag);
	}
	EVP_CIPHER_CTX_free(ctx);
	return ok;
}

/*
 * The fuzzers' signing (psp_reuse_signing_nonce()): a valid ECDSA P-384
 * signature from one nonce k fixed per VCEK, so that a signature costs a
 * few modular products instead of a scalar multiplication (57% of the
 * services fuzzer's time). Any verifier accepts it; anyone seeing two such
 * signatures can recover the key, which is the test chip's own.
 */
static struct {
	bool on;
	EVP_PKEY *key;		  /* the VCEK the values below belong to */
	BIGNUM *d, *n, *r, *kinv; /* private key, order, r = (kG).x, 1/k */
} fixed_k;

/** See psp.h. */
void psp_reuse_signing_nonce(bool on)
{
	fixed_k.on = on;
}

/* r and 1/k for `key` (a P-384 key), once per key; 0 or -1. */
static int fixed_k_setup(EVP_PKEY *key, BN_CTX *ctx)
{
	EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_secp384r1);
	EC_POINT *kg = g != NULL ? EC_POINT_new(g) : NULL;
	BIGNUM *k = BN_CTX_get(ctx), *x = BN_CTX_get(ctx);
	int ok;

	BN_clear_free(fixed_k.d);
	BN_free(fixed_k.n);
	BN_free(fixed_k.r);
	BN_clear_free(fixed_k.kinv);
	fixed_k.d = NULL;
	EVP_PKEY_free(fixed_k.key);
	fixed_k.n = fixed_k.r = fixed_k.kinv = NULL;
	fixed_k.key = NULL;
	ok = kg != NULL && x != NULL &&
	     EVP_PKEY_get_bn_param(key, "priv", &fixed_k.d) &&
	     (fixed_k.n = BN_dup(EC_GROUP_get0_order(g))) != NULL &&
	     (fixed_k.r = BN_new()) != NULL &&
	     BN_priv_rand_range(k, fixed_k.n) && !BN_is_zero(k) &&
	     EC_POINT_mul(g, kg, k, NULL, NULL, ctx) &&
	     EC_POINT_get_affine_coordinates(g, kg, x, NULL, ctx) &&
	     BN_nnmod(fixed_k.r, x, fixed_k.n, ctx) && !BN_is_zero(fixed_k.r) &&
	     (fixed_k.kinv = BN_mod_inverse(NULL, k, fixed_k.n, ctx)) != NULL;
	EC_POINT_free(kg);
	EC_GROUP_free(g);
	if (!ok) {
		return -1;
	}
	/* Held, so that no other key can come at the same address. */
	EVP_PKEY_up_ref(key);
	fixed_k.key = key;
	return 0;
}

/* s = (z + r d) / k mod n over SHA-384(report): ECDSA with the fixed k. */
static int sign_fixed_k(struct psp *psp, uint8_t *report)
{
	struct snp_attestation_report *rep = (void *)report;
	uint8_t z[48];
	BN_CTX *ctx = BN_CTX_new();
	BIGNUM *e, *s;
	int ok;

	if (ctx == NULL) {
		return -1;
	}
	BN_CTX_start(ctx);
	ok = (fixed_k.key == psp->vcek_key ||
	      fixed_k_setup(psp->vcek_key, ctx) == 0) &&
	     SHA384(report, SNP_REPORT_SIGNED_SIZE, z) != NULL &&
	     (e = BN_CTX_get(ctx)) != NULL && (s = BN_CTX_get(ctx)) != NULL &&
	     BN_bin2bn(z, sizeof(z), e) != NULL &&
	     BN_mod_mul(s, fixed_k.r, fixed_k.d, fixed_k.n, ctx) &&
	     BN_mod_add(s, s, e, fixed_k.n, ctx) &&
	     BN_mod_mul(s, s, fixed_k.kinv, fixed_k.n, ctx) && !BN_is_zero(s) &&
	     BN_bn2lebinpad(fixed_k.r, rep->signature_r,
			    sizeof(rep->signature_r)) > 0 &&
	     BN_bn2lebinpad(s, rep->signature_s, sizeof(rep->signature_s)) > 0;
	BN_CTX_end(ctx);
	BN_CTX_free(ctx);
	return ok ? 0 : -1;
}

int psp_sign_report(struct psp *psp, uint8_t *report)
{
	EVP_MD_CTX *md;
	unsigned char der[160];
	const unsigned char *p = der;
	size_t der_len = sizeof(der);
	ECDSA_SIG *sig = NULL;
	const BIGNUM *r, *s;
	struct snp_attestation_report *rep = (void *)report;
	int ok;

	if (fixed_k.on) {
		return sign_fixed_k(psp, report);
	}
	md = EVP_MD_CTX_new();
	ok = md != NULL &&
	     EVP_DigestSignInit(md, NULL, EVP_sha384(), NULL, psp->vcek_key) &&
	     EVP_DigestSign(md, der, &der_len, report, SNP_REPORT_SIGNED_SIZE);
	EVP_MD_CTX_free(md);
	if (!ok) {
		return -1;
	}
	sig = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
	if (sig == NULL) {
		return -1;
	}
	ECDSA_SIG_get0(sig, &r, &s);
	ok = BN_bn2lebinpad(r, rep->signature_r, sizeof(rep->signature_r)) >
		     0 &&
	     BN_bn2lebinpad(s, rep->signature_s, sizeof(rep->signature_s)) > 0;
	ECDSA_SIG_free(sig);
	return ok ? 0 : -1;
}

/* Build MSG_REPORT_RSP for `req` made with VMPCK `vmpck`. */
static int report_response(struct psp *psp, unsigned vmpck,
			   const struct snp_report_req *req,
			   struct snp_report_rsp *rsp)
{
	struct snp_attestation_report *rep = &rsp->report;
	static const uint8_t zero[24];
	unsigned key_sel = req->flags & SNP_REPORT_KEY_SEL_MASK;

	memset(rsp, 0, sizeof(*rsp));
	/* A requester cannot ask for a more privileged VMPL than its key's. */
	if (req->vmpl < vmpck || req->vmpl > 3 ||
	    (req->flags & ~SNP_REPORT_KEY_SEL_MASK) != 0 ||
	    memcmp(req->rsvd, zero, sizeof(req->rsvd)) != 0 || key_sel == 3) {
		rsp->status = SNP_REPORT_STATUS_INVALID_PARAM;
		return 0;
	}
	if (key_sel == SNP_REPORT_KEY_SEL_VLEK) {
		rsp->status = SNP_REPORT_STATUS_INVALID_KEY; /* no VLEK */
		return 0;
	}
	rsp->report_size = SNP_REPORT_SIZE;
	rep->version = REPORT_VERSION;
	rep->policy = psp->cfg.policy;
	rep->vmpl = req->vmpl;
	rep->signature_algo = SIG_ALGO_ECDSA_P384_SHA384;
	rep->platform_version = psp->tcb;
	rep->reported_tcb = psp->tcb;
	rep->committed_tcb = psp->tcb;
	rep->launch_tcb = psp->tcb;
	rep->cpuid_fam_id = SIM_CPUID_FAMILY;
	rep->cpuid_mod_id = SIM_CPUID_MODEL;
	rep->cpuid_step = SIM_CPUID_STEPPING;
	memcpy(rep->current_fw, sim_fw, sizeof(sim_fw));
	memcpy(rep->committed_fw, sim_fw, sizeof(sim_fw));
	memcpy(rep->report_data, req->user_data, sizeof(rep->report_data));
	memcpy(rep->measurement, psp->cfg.measurement,
	       sizeof(rep->measurement));
	memcpy(rep->report_id, psp->report_id, sizeof(rep->report_id));
	memcpy(rep->chip_id, psp->chip_id, sizeof(rep->chip_id));
	return psp_sign_report(psp, (uint8_t *)rep);
}

uint32_t psp_guest_request(struct psp *psp, const uint8_t *req_page,
			   uint8_t *resp_page)
{
	const struct snp_guest_msg *req = (const void *)req_page;
	struct snp_guest_msg *resp = (void *)resp_page;
	struct snp_guest_msg_hdr hdr;
	uint8_t plain[SNP_MSG_PAYLOAD_SIZE];
	struct snp_report_rsp rsp;
	uint64_t seqno;
	unsigned vmpck;

	/* Copy the header once: the host could change the shared page. */
	memcpy(&hdr, &req->hdr, sizeof(hdr));
	vmpck = hdr.msg_vmpck;
	if (hdr.algo != SNP_MSG_AEAD_AES_256_GCM ||
	    hdr.hdr_version != SNP_MSG_HDR_VERSION ||
	    hdr.hdr_sz != SNP_MSG_HDR_SIZE ||
	    hdr.msg_version != SNP_MSG_VERSION || vmpck >= SNP_VMPCK_COUNT ||
	    hdr.msg_sz > SNP_MSG_PAYLOAD_SIZE) {
		return PSP_STATUS_INVALID_PARAM;
	}
	seqno = hdr.msg_seqno;
	/* The response takes seqno + 1: neither may wrap. */
	if (psp->last_seqno[vmpck] >= UINT64_MAX - 2) {
		return PSP_STATUS_AEAD_OFLOW;
	}
	if (seqno != psp->last_seqno[vmpck] + 1) {
		return PSP_STATUS_INVALID_PARAM;
	}
	if (!gcm(false, psp->cfg.vmpck[vmpck], seqno,
		 (const uint8_t *)&hdr + SNP_MSG_AAD_OFFSET, req->payload,
		 hdr.msg_sz, plain, hdr.authtag)) {
		return PSP_STATUS_INVALID_PARAM;
	}
	if (hdr.msg_type != SNP_MSG_REPORT_REQ ||
	    hdr.msg_sz != sizeof(struct snp_report_req)) {
		return PSP_STATUS_INVALID_PARAM;
	}
	if (report_response(psp, vmpck, (const void *)plain, &rsp) != 0) {
		return PSP_STATUS_INVALID_PARAM;
	}

	memset(resp, 0, sizeof(*resp));
	resp->hdr.algo = SNP_MSG_AEAD_AES_256_GCM;
	resp->hdr.hdr_version = SNP_MSG_HDR_VERSION;
	resp->hdr.hdr_sz = SNP_MSG_HDR_SIZE;
	resp->hdr.msg_type = SNP_MSG_REPORT_RSP;
	resp->hdr.msg_version = SNP_MSG_VERSION;
	resp->hdr.msg_sz = sizeof(rsp);
	resp->hdr.msg_vmpck = (uint8_t)vmpck;
	resp->hdr.msg_seqno = seqno + 1;
	if (!gcm(true, psp->cfg.vmpck[vmpck], seqno + 1,
		 (const uint8_t *)&resp->hdr + SNP_MSG_AAD_OFFSET,
		 (const uint8_t *)&rsp, sizeof(rsp), resp->payload,
		 resp->hdr.authtag)) {
		memset(resp, 0, sizeof(*resp));
		return PSP_STATUS_INVALID_PARAM;
	}
	psp->last_seqno[vmpck] = seqno + 1;
	return PSP_STATUS_SUCCESS;
}

/* Table: {GUID, u32 offset, u32 length} entries, an all-zero entry, data. */
size_t psp_cert_table(struct psp *psp, uint8_t *buf, size_t len)
{
	static const uint8_t guids[3][16] = { PSP_GUID_ARK, PSP_GUID_ASK,
					      PSP_GUID_VCEK };
	const uint8_t *der[3] = { psp->ark_der, psp->ask_der, psp->vcek_der };
	size_t sizes[3] = { psp->ark_len, psp->ask_len, psp->vcek_len };
	size_t hdr = 4 * 24, need = hdr, off;
	unsigned i;

	for (i = 0; i < 3; i++) {
		need += sizes[i];
	}
	if (need > len) {
		return need;
	}
	memset(buf, 0, hdr);
	off = hdr;
	for (i = 0; i < 3; i++) {
		uint32_t o = (uint32_t)off, l = (uint32_t)sizes[i];

		memcpy(buf + 24 * i, guids[i], 16);
		memcpy(buf + 24 * i + 16, &o, 4);
		memcpy(buf + 24 * i + 20, &l, 4);
		memcpy(buf + off, der[i], sizes[i]);
		off += sizes[i];
	}
	return need;
}

struct psp *psp_create(const struct psp_config *cfg)
{
	struct psp *psp = OPENSSL_zalloc(sizeof(*psp));

	if (psp == NULL) {
		return NULL;
	}
	psp->cfg = *cfg;
	psp->tcb = SIM_TCB;
	if (RAND_bytes(psp->chip_id, sizeof(psp->chip_id)) != 1 ||
	    RAND_bytes(psp->report_id, sizeof(psp->report_id)) != 1 ||
	    psp_make_chain(psp) != 0) {
		psp_destroy(psp);
		return NULL;
	}
	return psp;
}

void psp_destroy(struct psp *psp)
{
	if (psp == NULL) {
		return;
	}
	EVP_PKEY_free(psp->vcek_key);
	OPENSSL_free(psp->ark_der);
	OPENSSL_free(psp->ask_der);
	OPENSSL_free(psp->vcek_der);
	OPENSSL_clear_free(psp, sizeof(*psp));
}

void psp_set_measurement(struct psp *psp, const uint8_t measurement[48])
{
	memcpy(psp->cfg.measurement, measurement, 48);
}

const uint8_t *psp_ark_der(const struct psp *psp, size_t *len)
{
	*len = psp->ark_len;
	return psp->ark_der;
}

const uint8_t *psp_ask_der(const struct psp *psp, size_t *len)
{
	*len = psp->ask_len;
	return psp->ask_der;
}

const uint8_t *psp_vcek_der(const struct psp *psp, size_t *len)
{
	*len = psp->vcek_len;
	return psp->vcek_der;
}
