/* SPDX-License-Identifier: MIT */
/*
 * Attestation protocol (58019 protocol 1): ATTEST_SERVICES and
 * ATTEST_SINGLE_SERVICE. The SVSM asks the PSP for a VMPL0 report whose
 * REPORT_DATA is SHA-512(nonce || manifest) and copies the raw report, the
 * manifest and (on request) the certificate table to the guest.
 *
 * Buffers that are too small get SVSM_ERR_INVALID_PARAMETER with the sizes
 * needed in RCX (manifest), RDX (certificates) and R8 (report), which is
 * how Linux learns them.
 */
#include <string.h>

#include <openssl/evp.h>

#include "svsm/attest.h"
#include "svsm/greq.h"
#include "svsm/guest.h"
#include "svsm/lock.h"
#include "svsm/log.h"
#include "svsm/manifest.h"
#include "svsm/mm.h"
#include "svsm/physmap.h"
#include "svsm/snp.h"
#include "svsm/vcpu.h"
#include "svsm/vtpm.h"
#include "abi/svsm_attest.h"
#include "abi/svsm_call.h"

#define HOST_RETRIES 3

static struct {
	struct spinlock lock; /* one request at a time: one sequence */
	struct greq_channel ch;
	struct snp_guest_msg *req, *resp; /* shared pages */
	uint8_t *certs;			  /* ATTEST_CERT_PAGES, shared */
	struct snp_guest_msg msg;	  /* private copy */
	bool ready;
} attest = { .lock = SPINLOCK_INIT };

static bool share(void *page)
{
	return snp_ghcb_prepare(page);
}

bool attest_init(const uint8_t vmpck0[32])
{
	unsigned i;

	attest.req = page_alloc(0);
	attest.resp = page_alloc(0);
	attest.certs = page_alloc(2); /* ATTEST_CERT_PAGES */
	if (attest.req == NULL || attest.resp == NULL || attest.certs == NULL ||
	    !share(attest.req) || !share(attest.resp)) {
		goto fail;
	}
	for (i = 0; i < ATTEST_CERT_PAGES; i++) {
		if (!share(attest.certs + i * PAGE_SIZE)) {
			goto fail;
		}
	}
	greq_init(&attest.ch, vmpck0, 0);
	attest.ready = true;
	return true;
fail:
	/*
	 * A page that was made shared is not returned to the allocator: it
	 * would come back unvalidated. Keep them; attestation stays off.
	 */
	attest.ready = false;
	return false;
}

void attest_fini(void)
{
	greq_disable(&attest.ch);
	attest.ready = false;
	attest.req = attest.resp = NULL;
	attest.certs = NULL;
}

/* The manifest of every service, or of the one named by `guid`. */
static size_t build_manifest(const uint8_t *guid, uint8_t *out, size_t cap,
			     bool *known)
{
	struct manifest_service svc = { SVSM_VTPM_SERVICE_GUID, NULL, 0 };
	unsigned count = 0;

	if (vtpm_running()) {
		svc.data = vtpm_ek_public(VTPM_EK_RSA2048, &svc.len);
		if (svc.data == NULL) {
			return 0;
		}
		count = 1;
	}
	if (guid != NULL) {
		*known = count == 1 && memcmp(guid, svc.guid, 16) == 0;
		if (!*known) {
			return 0;
		}
		if (svc.len > cap) {
			return svc.len;
		}
		memcpy(out, svc.data, svc.len);
		return svc.len;
	}
	*known = true;
	return manifest_build(&svc, count, out, cap);
}

static bool sha512_two(const uint8_t *a, size_t alen, const uint8_t *b,
		       size_t blen, uint8_t out[64])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	bool ok;

	ok = md != NULL && EVP_DigestInit_ex(md, EVP_sha512(), NULL) &&
	     EVP_DigestUpdate(md, a, alen) && EVP_DigestUpdate(md, b, blen) &&
	     EVP_DigestFinal_ex(md, out, NULL);
	EVP_MD_CTX_free(md);
	return ok;
}

/*
 * One report from the PSP with `report_data`; the certificate table goes to
 * attest.certs when `want_certs`. Returns SVSM_SUCCESS, or an error with
 * the channel disabled if the exchange went wrong after the host saw it.
 */
static enum svsm_result fetch_report(const uint8_t report_data[64],
				     bool want_certs,
				     struct snp_report_rsp *rsp,
				     uint64_t *cert_pages_needed)
{
	struct snp_report_req r;
	uint64_t pages = ATTEST_CERT_PAGES;
	uint32_t fw = 0, vmm = 0;
	size_t len = 0;
	int tries;

	memset(&r, 0, sizeof(r));
	memcpy(r.user_data, report_data, sizeof(r.user_data));
	r.vmpl = 0;
	if (greq_seal(&attest.ch, SNP_MSG_REPORT_REQ, &r, sizeof(r),
		      &attest.msg) != 0) {
		return SVSM_ERR_INVALID_REQUEST;
	}
	memcpy(attest.req, &attest.msg, sizeof(attest.msg));
	for (tries = 0; tries < HOST_RETRIES; tries++) {
		uint64_t certs = want_certs ? physmap_pa(attest.certs) : 0;

		pages = ATTEST_CERT_PAGES;
		if (!snp_guest_request(physmap_pa(attest.req),
				       physmap_pa(attest.resp), certs, &pages,
				       &fw, &vmm)) {
			greq_disable(&attest.ch);
			return SVSM_ERR_INVALID_REQUEST;
		}
		if (vmm == 1 && want_certs) {
			/*
			 * Our certificate buffer is too small: the same message
			 * goes again without certificates, so the firmware's
			 * sequence stays in step; the caller reports the size.
			 */
			*cert_pages_needed = pages;
			want_certs = false;
			continue;
		}
		if (vmm != 2) {
			break; /* 2 = BUSY: send the same message again */
		}
	}
	if (vmm != 0 || fw != 0) {
		greq_disable(&attest.ch);
		return SVSM_ERR_INVALID_REQUEST;
	}
	memcpy(&attest.msg, attest.resp, sizeof(attest.msg));
	if (greq_open(&attest.ch, SNP_MSG_REPORT_REQ, &attest.msg, rsp,
		      sizeof(*rsp), &len) != 0 ||
	    len != sizeof(*rsp) || rsp->status != 0 ||
	    rsp->report_size != SNP_REPORT_SIZE) {
		greq_disable(&attest.ch);
		return SVSM_ERR_INVALID_REQUEST;
	}
	return *cert_pages_needed ? SVSM_ERR_INVALID_PARAMETER : SVSM_SUCCESS;
}

/* Size of the certificate table in attest.certs (zero GUID terminates). */
static size_t cert_table_size(void)
{
	static const uint8_t zero[24];
	size_t pos, end = 0, limit = ATTEST_CERT_PAGES * PAGE_SIZE;

	for (pos = 0; pos + 24 <= limit; pos += 24) {
		const uint8_t *e = attest.certs + pos;
		uint32_t off, n;

		if (memcmp(e, zero, 24) == 0) {
			return pos == 0 ? 0 : (end > pos + 24 ? end : pos + 24);
		}
		memcpy(&off, e + 16, 4);
		memcpy(&n, e + 20, 4);
		if (off > limit || n > limit - off) {
			return 0;
		}
		if (off + n > end) {
			end = off + n;
		}
	}
	return 0;
}

static bool loc_bad(const struct svsm_attest_loc *l, bool need_aligned)
{
	return l->rsvd != 0 || (need_aligned && (l->gpa & (PAGE_SIZE - 1)));
}

/* Copy out to a guest buffer that must not be SVSM-owned memory. */
static bool put(uint64_t gpa, const void *src, size_t len)
{
	bool ok;

	spin_lock(&core_lock);
	ok = !svsm_owns_range(gpa, len, NO_CA) && guest_copy_to(gpa, src, len);
	spin_unlock(&core_lock);
	return ok;
}

static enum svsm_result attest_call(const struct svsm_caller *caller,
				    uint64_t op_gpa, bool single,
				    struct svsm_call_out *out)
{
	struct svsm_attest_single_req op;
	const struct svsm_attest_services_req *b = &op.base;
	size_t op_len = single ? sizeof(op) : sizeof(op.base);
	uint8_t *nonce = NULL, digest[64];
	uint8_t *manifest = NULL;
	struct snp_report_rsp *rsp = NULL;
	size_t mlen, clen = 0;
	uint64_t cert_pages = 0;
	bool known = false, ok;
	enum svsm_result rc;

	(void)caller;
	memset(&op, 0, sizeof(op));
	/* Copy the operation once; Linux puts it in its CA (CA + 8). */
	if ((op_gpa & 7) || gpa_crosses_page(op_gpa, op_len)) {
		return SVSM_ERR_INVALID_PARAMETER;
	}
	spin_lock(&core_lock);
	ok = !svsm_owns_range(op_gpa, op_len,
			      caller->vmsa ? caller->vmsa->ca_gpa : NO_CA) &&
	     guest_copy_from(&op, op_gpa, op_len);
	spin_unlock(&core_lock);
	if (!ok) {
		return SVSM_ERR_INVALID_ADDRESS;
	}
	/* Decode: reserved fields, alignment, nonce size. */
	if (loc_bad(&b->report, true) || loc_bad(&b->manifest, true) ||
	    loc_bad(&b->certs, b->certs.size != 0) ||
	    (b->nonce.size & 0xFFFF0000U) != 0 || b->nonce.rsvd != 0 ||
	    b->nonce.size == 0 || b->nonce.size > PAGE_SIZE ||
	    (single && (op.manifest_version != 0 || op.rsvd != 0))) {
		return SVSM_ERR_INVALID_PARAMETER;
	}
	nonce = kmalloc(b->nonce.size);
	if (nonce == NULL) {
		return SVSM_ERR_INVALID_REQUEST;
	}
	spin_lock(&core_lock);
	ok = !svsm_owns_range(b->nonce.gpa, b->nonce.size, NO_CA) &&
	     guest_copy_from(nonce, b->nonce.gpa, b->nonce.size);
	spin_unlock(&core_lock);
	if (!ok) {
		kfree(nonce);
		return SVSM_ERR_INVALID_ADDRESS;
	}
	spin_lock(&attest.lock);
	if (!attest.ready || attest.ch.disabled) {
		rc = SVSM_ERR_INVALID_REQUEST;
		goto out;
	}
	manifest = kmalloc(PAGE_SIZE);
	rsp = kmalloc(sizeof(*rsp));
	if (manifest == NULL || rsp == NULL) {
		rc = SVSM_ERR_INVALID_REQUEST;
		goto out;
	}
	mlen = build_manifest(single ? op.guid : NULL, manifest, PAGE_SIZE,
			      &known);
	if (single && !known) {
		rc = SVSM_ERR_UNSUPPORTED_PROTOCOL;
		goto out;
	}
	if ((mlen == 0 && !single) || mlen > PAGE_SIZE) {
		rc = SVSM_ERR_INVALID_REQUEST;
		goto out;
	}
	if (!sha512_two(nonce, b->nonce.size, manifest, mlen, digest)) {
		rc = SVSM_ERR_INVALID_REQUEST;
		goto out;
	}
	rc = fetch_report(digest, b->certs.size != 0, rsp, &cert_pages);
	if (cert_pages != 0) {
		clen = cert_pages * PAGE_SIZE;
	} else if (rc == SVSM_SUCCESS && b->certs.size != 0) {
		clen = cert_table_size();
	}
	if (rc != SVSM_SUCCESS && cert_pages == 0) {
		goto out;
	}
	out->rcx = mlen;
	out->rdx = clen;
	out->r8 = SNP_REPORT_SIZE;
	out->set = SVSM_OUT_RCX | SVSM_OUT_RDX | SVSM_OUT_R8;
	if (cert_pages != 0 || b->report.size < SNP_REPORT_SIZE ||
	    b->manifest.size < mlen ||
	    (b->certs.size && b->certs.size < clen)) {
		rc = SVSM_ERR_INVALID_PARAMETER;
		goto out;
	}
	if (!put(b->report.gpa, &rsp->report, SNP_REPORT_SIZE) ||
	    !put(b->manifest.gpa, manifest, mlen) ||
	    (b->certs.size && clen && !put(b->certs.gpa, attest.certs, clen))) {
		out->set = 0;
		rc = SVSM_ERR_INVALID_ADDRESS;
		goto out;
	}
	rc = SVSM_SUCCESS;
out:
	spin_unlock(&attest.lock);
	kfree(nonce);
	kfree(manifest);
	kfree(rsp);
	return rc;
}

enum svsm_result attest_proto_dispatch(const struct svsm_caller *caller,
				       uint32_t call,
				       const struct svsm_call_in *in,
				       struct svsm_call_out *out)
{
	switch (call) {
	case SVSM_ATTEST_SERVICES:
		return attest_call(caller, in->rcx, false, out);
	case SVSM_ATTEST_SINGLE_SERVICE:
		return attest_call(caller, in->rcx, true, out);
	default:
		return SVSM_ERR_UNSUPPORTED_CALL;
	}
}
