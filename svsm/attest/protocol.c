/* SPDX-License-Identifier: MIT */
/*
 * Attestation protocol (58019 protocol 1): ATTEST_SERVICES and
 * ATTEST_SINGLE_SERVICE. The SVSM asks the PSP for a VMPL0 report whose
 * REPORT_DATA is SHA-512(nonce || manifest) and copies the raw report, the
 * manifest and (on request) the certificate table to the guest.
 *
 * The nonce is exactly SVSM_ATTEST_NONCE_SIZE (64) bytes, so that nonce and
 * manifest cannot be re-split (see attest_decode()).
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
#include "abi/snp_secrets.h"
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

#define ATTEST_CERT_ORDER 2
_Static_assert((1U << ATTEST_CERT_ORDER) == ATTEST_CERT_PAGES,
	       "certificate buffer order");

/** Take VMPCK0 and prepare the shared pages (see svsm/attest.h). */
bool attest_init(const uint8_t vmpck0[32])
{
	unsigned i;

	attest.req = page_alloc(0);
	attest.resp = page_alloc(0);
	attest.certs = page_alloc(ATTEST_CERT_ORDER);
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

/** Take VMPCK0 and wipe it in the secrets page (see svsm/attest.h). */
bool attest_init_from_secrets(struct snp_secrets_page *secrets)
{
	volatile uint8_t *k;
	bool ok;
	size_t i;

	if (secrets == NULL) {
		return false;
	}
	ok = attest_init(secrets->vmpck[0]);
	k = (volatile uint8_t *)secrets->vmpck[0];
	for (i = 0; i < sizeof(secrets->vmpck[0]); i++) {
		k[i] = 0;
	}
	return ok;
}

/** Forget the channel (see svsm/attest.h). */
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
 * Send the sealed request in `attest.req` and wait for the answer. BUSY
 * means "send the same message again". With certificates, INVALID_LEN
 * means the host's table is larger than our buffer: the same message goes
 * again without certificates, so that the firmware's sequence number and
 * ours stay in step, and `*too_big` tells the caller.
 */
static bool exchange(bool want_certs, bool *too_big)
{
	uint32_t fw = 0, vmm = 0;
	int tries;

	*too_big = false;
	for (tries = 0; tries < HOST_RETRIES; tries++) {
		uint64_t pages = ATTEST_CERT_PAGES;
		uint64_t certs = want_certs ? physmap_pa(attest.certs) : 0;

		if (!snp_guest_request(physmap_pa(attest.req),
				       physmap_pa(attest.resp), certs, &pages,
				       &fw, &vmm)) {
			return false;
		}
		if (vmm == 1 && want_certs) {
			*too_big = true;
			want_certs = false;
			tries--; /* the retry without certificates is owed */
			continue;
		}
		if (vmm != 2) {
			break;
		}
	}
	return vmm == 0 && fw == 0;
}

/*
 * One report from the PSP with `report_data`; with `want_certs` the
 * certificate table is copied (once) into `certs`. SVSM_SUCCESS, or
 * SVSM_ERR_INVALID_REQUEST; after any failure that the host saw, the
 * channel is disabled for good (an IV is never reused).
 */
static enum svsm_result fetch_report(const uint8_t report_data[64],
				     bool want_certs,
				     struct snp_report_rsp *rsp, uint8_t *certs)
{
	struct snp_report_req r;
	bool too_big = false;
	size_t len = 0;

	memset(&r, 0, sizeof(r));
	memcpy(r.user_data, report_data, sizeof(r.user_data));
	r.vmpl = 0;
	if (greq_seal(&attest.ch, SNP_MSG_REPORT_REQ, &r, sizeof(r),
		      &attest.msg) != 0) {
		return SVSM_ERR_INVALID_REQUEST;
	}
	memcpy(attest.req, &attest.msg, sizeof(attest.msg));
	if (!exchange(want_certs, &too_big)) {
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
	if (too_big) {
		pr_notice("attest: the host's certificates exceed %u pages\n",
			  ATTEST_CERT_PAGES);
		return SVSM_ERR_INVALID_REQUEST;
	}
	if (want_certs) {
		memcpy(certs, attest.certs, ATTEST_CERT_PAGES * PAGE_SIZE);
	}
	return SVSM_SUCCESS;
}

/* Size of the certificate table (a private copy; zero GUID terminates). */
static size_t cert_table_size(const uint8_t *t)
{
	static const uint8_t zero[24];
	size_t pos, end = 0, limit = ATTEST_CERT_PAGES * PAGE_SIZE;

	for (pos = 0; pos + 24 <= limit; pos += 24) {
		const uint8_t *e = t + pos;
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

/* Copy from guest memory the SVSM does not own (`ca`: allowed CA). */
static bool get(void *dst, uint64_t gpa, size_t len, uint64_t ca)
{
	bool ok;

	spin_lock(&core_lock);
	ok = !svsm_owns_range(gpa, len, ca) && guest_copy_from(dst, gpa, len);
	spin_unlock(&core_lock);
	return ok;
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

/*
 * The part of the guest buffer `l` the call may write (at most `max`
 * bytes) is guest memory, not the SVSM's, and writable now. Checked before
 * the PSP is asked, so an unusable buffer fails the call with nothing
 * written anywhere (deliver's copies still check again).
 */
static bool out_usable(const struct svsm_attest_loc *l, uint64_t max)
{
	uint64_t len = l->size < max ? l->size : max;
	bool ok;

	spin_lock(&core_lock);
	ok = !svsm_owns_range(l->gpa, len, NO_CA) &&
	     guest_probe_write(l->gpa, len);
	spin_unlock(&core_lock);
	return ok;
}

/** Everything one attestation call works on, in SVSM memory. */
struct attest_work {
	struct svsm_attest_single_req op; /* the guest's operation, copied */
	bool single;
	uint8_t nonce[SVSM_ATTEST_NONCE_SIZE];
	uint8_t *manifest; /* one page */
	size_t manifest_len;
	struct snp_report_rsp *rsp;
	uint8_t *certs; /* ATTEST_CERT_PAGES, or NULL without certificates */
	size_t certs_len;
};

/* Decode: copy the operation and the nonce once and check them. */
static enum svsm_result attest_decode(const struct svsm_caller *caller,
				      uint64_t op_gpa, struct attest_work *w)
{
	const struct svsm_attest_services_req *b = &w->op.base;
	size_t op_len = w->single ? sizeof(w->op) : sizeof(w->op.base);
	uint64_t ca = caller->vmsa ? caller->vmsa->ca_gpa : NO_CA;

	/* Linux puts the operation in its CA buffer (CA + 8). */
	if ((op_gpa & 7) || gpa_crosses_page(op_gpa, op_len)) {
		return SVSM_ERR_INVALID_PARAMETER;
	}
	if (!get(&w->op, op_gpa, op_len, ca)) {
		return SVSM_ERR_INVALID_ADDRESS;
	}
	/*
	 * The nonce is exactly 64 bytes (COCONUT requires it; Linux always
	 * sends 64). REPORT_DATA = SHA-512(nonce || manifest) binds the
	 * manifest only if nobody can move the split: with nonces of any
	 * size, a guest could send a relying party's challenge followed by
	 * the start of a forged manifest as its "nonce", and present that
	 * start plus the real manifest as the manifest.
	 */
	if (loc_bad(&b->report, true) || loc_bad(&b->manifest, true) ||
	    loc_bad(&b->certs, b->certs.size != 0) || b->nonce.rsvd != 0 ||
	    b->nonce.size != SVSM_ATTEST_NONCE_SIZE ||
	    (w->single && (w->op.manifest_version != 0 || w->op.rsvd != 0))) {
		return SVSM_ERR_INVALID_PARAMETER;
	}
	if (!get(w->nonce, b->nonce.gpa, sizeof(w->nonce), NO_CA)) {
		return SVSM_ERR_INVALID_ADDRESS;
	}
	if (!out_usable(&b->report, SNP_REPORT_SIZE) ||
	    !out_usable(&b->manifest, PAGE_SIZE) ||
	    !out_usable(&b->certs, ATTEST_CERT_PAGES * PAGE_SIZE)) {
		return SVSM_ERR_INVALID_ADDRESS;
	}
	return SVSM_SUCCESS;
}

/* Produce: manifest, REPORT_DATA, the report and the certificates. */
static enum svsm_result attest_produce(struct attest_work *w)
{
	const struct svsm_attest_services_req *b = &w->op.base;
	uint8_t digest[64];
	bool known = false;

	w->manifest = kmalloc(PAGE_SIZE);
	w->rsp = kmalloc(sizeof(*w->rsp));
	if (b->certs.size != 0) {
		w->certs = kmalloc(ATTEST_CERT_PAGES * PAGE_SIZE);
	}
	if (w->manifest == NULL || w->rsp == NULL ||
	    (b->certs.size != 0 && w->certs == NULL)) {
		return SVSM_ERR_INVALID_REQUEST;
	}
	w->manifest_len = build_manifest(w->single ? w->op.guid : NULL,
					 w->manifest, PAGE_SIZE, &known);
	if (w->single && !known) {
		return SVSM_ERR_UNSUPPORTED_PROTOCOL;
	}
	if ((w->manifest_len == 0 && !w->single) ||
	    w->manifest_len > PAGE_SIZE ||
	    !sha512_two(w->nonce, sizeof(w->nonce), w->manifest,
			w->manifest_len, digest)) {
		return SVSM_ERR_INVALID_REQUEST;
	}
	if (!attest.ready || attest.ch.disabled) {
		return SVSM_ERR_INVALID_REQUEST;
	}
	if (fetch_report(digest, w->certs != NULL, w->rsp, w->certs) !=
	    SVSM_SUCCESS) {
		return SVSM_ERR_INVALID_REQUEST;
	}
	w->certs_len = w->certs ? cert_table_size(w->certs) : 0;
	return SVSM_SUCCESS;
}

/*
 * Deliver: sizes in RCX (manifest), RDX (certificates), R8 (report);
 * INVALID_PARAMETER when a guest buffer is too small, else the copies.
 */
static enum svsm_result attest_deliver(const struct attest_work *w,
				       struct svsm_call_out *out)
{
	const struct svsm_attest_services_req *b = &w->op.base;

	out->rcx = w->manifest_len;
	out->rdx = w->certs_len;
	out->r8 = SNP_REPORT_SIZE;
	out->set = SVSM_OUT_RCX | SVSM_OUT_RDX | SVSM_OUT_R8;
	if (b->report.size < SNP_REPORT_SIZE ||
	    b->manifest.size < w->manifest_len ||
	    (b->certs.size != 0 && b->certs.size < w->certs_len)) {
		return SVSM_ERR_INVALID_PARAMETER;
	}
	if (!put(b->report.gpa, &w->rsp->report, SNP_REPORT_SIZE) ||
	    !put(b->manifest.gpa, w->manifest, w->manifest_len) ||
	    (w->certs_len != 0 && !put(b->certs.gpa, w->certs, w->certs_len))) {
		out->set = 0;
		return SVSM_ERR_INVALID_ADDRESS;
	}
	return SVSM_SUCCESS;
}

/* ATTEST_SERVICES / ATTEST_SINGLE_SERVICE (58019 tables 11 and 13). */
static enum svsm_result attest_call(const struct svsm_caller *caller,
				    uint64_t op_gpa, bool single,
				    struct svsm_call_out *out)
{
	struct attest_work w;
	enum svsm_result rc;

	memset(&w, 0, sizeof(w));
	w.single = single;
	rc = attest_decode(caller, op_gpa, &w);
	if (rc == SVSM_SUCCESS) {
		spin_lock(
			&attest.lock); /* one sequence of messages at a time */
		rc = attest_produce(&w);
		spin_unlock(&attest.lock);
	}
	if (rc == SVSM_SUCCESS) {
		rc = attest_deliver(&w, out);
	}
	kfree(w.manifest);
	kfree_sensitive(w.rsp);
	kfree(w.certs);
	return rc;
}

/** Protocol 1's call switch. */
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

/** A VMPL0 report and the certificate table for the SVSM itself. */
int attest_svsm_report(const uint8_t report_data[64],
		       struct snp_attestation_report *report, uint8_t *certs,
		       size_t cap, size_t *certs_len)
{
	struct snp_report_rsp *rsp;
	enum svsm_result rc = SVSM_ERR_INVALID_REQUEST;

	if (cap < ATTEST_CERT_PAGES * PAGE_SIZE) {
		return -1;
	}
	rsp = kmalloc(sizeof(*rsp));
	if (rsp == NULL) {
		return -1;
	}
	spin_lock(&attest.lock);
	if (attest.ready && !attest.ch.disabled) {
		rc = fetch_report(report_data, true, rsp, certs);
	}
	spin_unlock(&attest.lock);
	if (rc == SVSM_SUCCESS) {
		memcpy(report, &rsp->report, sizeof(*report));
		*certs_len = cert_table_size(certs);
	}
	kfree_sensitive(rsp);
	return rc == SVSM_SUCCESS ? 0 : -1;
}
