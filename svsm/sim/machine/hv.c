/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor: the GHCB page protocol (GHCB specification v2) as a
 * multi-VMPL SNP host serves it, and the entry of every VMGEXIT (the MSR
 * protocol is in hv_msr.c).
 *
 * The GHCB page is copied once into hypervisor memory, checked and served
 * from that copy, then written back whole: the hypervisor clears the valid
 * bitmap and marks SW_EXITINFO1/2 and its outputs valid. Every VMGEXIT
 * either completes at once (SNP_HV_DONE) or asks the caller to switch
 * contexts (RUN_VMPL, a new AP's VMPL0 context); the response is always
 * written before the switch. The front end runs the contexts
 * (machine_internal.h).
 */
#include <string.h>

#include "machine_internal.h"

#include "abi/ghcb.h"
#include "abi/sev_status.h"
#include "abi/vmsa.h"

#define GHCB_OFF(field) ((unsigned)__builtin_offsetof(struct ghcb, field))
/* IOIO exit information (SW_EXITINFO1, as in the SVM IOIO intercept). */
#define IOIO_IN (1ULL << 0)
#define IOIO_STR (1ULL << 2)
#define IOIO_REP (1ULL << 3)
#define IOIO_SIZE_MASK (7ULL << 4) /* 8, 16 or 32 bits: bit 4, 5 or 6 */
/* #GP(0) as an event to inject: vector 13, exception, error code valid. */
#define EVENT_GP ((13ULL) | (3ULL << 8) | (1ULL << 11) | (1ULL << 31))

/** A VMGEXIT being served from the hypervisor's copy of the GHCB. */
struct ghcb_exit {
	struct ghcb g;
	uint8_t in_valid[16]; /* the guest's valid bitmap */
	uint64_t gpa;
};

static bool in_valid(const struct ghcb_exit *x, unsigned off)
{
	return (x->in_valid[GHCB_VALID_BYTE(off)] >> GHCB_VALID_BIT(off)) & 1;
}

static void set_out(struct ghcb_exit *x, unsigned off, uint64_t val)
{
	memcpy((uint8_t *)&x->g + off, &val, sizeof(val));
	x->g.valid_bitmap[GHCB_VALID_BYTE(off)] |=
		(uint8_t)(1U << GHCB_VALID_BIT(off));
}

static void ghcb_result(struct ghcb_exit *x, uint64_t info1, uint64_t info2)
{
	set_out(x, GHCB_OFF(sw_exit_info_1), info1);
	set_out(x, GHCB_OFF(sw_exit_info_2), info2);
}

static void ghcb_error(struct ghcb_exit *x, uint64_t err)
{
	ghcb_result(x, GHCB_RESULT_ERROR, err);
}

static void exit_msr(struct snp_machine *m, struct ghcb_exit *x)
{
	uint64_t info1 = x->g.sw_exit_info_1;

	if (info1 > 1) {
		ghcb_error(x, GHCB_ERR_INVALID_INPUT);
		return;
	}
	if (!in_valid(x, GHCB_OFF(rcx)) ||
	    (info1 == 1 &&
	     (!in_valid(x, GHCB_OFF(rax)) || !in_valid(x, GHCB_OFF(rdx))))) {
		ghcb_error(x, GHCB_ERR_MISSING_INPUT);
		return;
	}
	if (info1 == 0 && (uint32_t)x->g.rcx == MSR_SEV_STATUS) {
		set_out(x, GHCB_OFF(rax), m->cfg.sev_status & 0xFFFFFFFFULL);
		set_out(x, GHCB_OFF(rdx), m->cfg.sev_status >> 32);
		ghcb_result(x, GHCB_RESULT_OK, 0);
		return;
	}
	/* Writes to SEV_STATUS and every other MSR: #GP for the caller. */
	ghcb_result(x, GHCB_RESULT_EXCEPTION, EVENT_GP);
}

/* CPUID exit: RAX = function (RCX = subfunction); the four registers. */
static void exit_cpuid(struct ghcb_exit *x)
{
	uint32_t fn = (uint32_t)x->g.rax;

	if (!in_valid(x, GHCB_OFF(rax)) || !in_valid(x, GHCB_OFF(rcx))) {
		ghcb_error(x, GHCB_ERR_MISSING_INPUT);
		return;
	}
	set_out(x, GHCB_OFF(rax), snp_hv_cpuid(fn, 0));
	set_out(x, GHCB_OFF(rbx), snp_hv_cpuid(fn, 1));
	set_out(x, GHCB_OFF(rcx), snp_hv_cpuid(fn, 2));
	set_out(x, GHCB_OFF(rdx), snp_hv_cpuid(fn, 3));
	ghcb_result(x, GHCB_RESULT_OK, 0);
}

/* IOIO exit: the front end's ports (string and REP forms are refused). */
static void exit_ioio(struct snp_machine *m, struct ghcb_exit *x)
{
	uint64_t info1 = x->g.sw_exit_info_1;
	uint64_t rax = x->g.rax;
	bool in = (info1 & IOIO_IN) != 0;

	if ((info1 & (IOIO_STR | IOIO_REP)) != 0 ||
	    (info1 & IOIO_SIZE_MASK) == 0) {
		ghcb_error(x, GHCB_ERR_INVALID_INPUT);
		return;
	}
	if (!in && !in_valid(x, GHCB_OFF(rax))) {
		ghcb_error(x, GHCB_ERR_MISSING_INPUT);
		return;
	}
	if (!snp_fe_ioio(m, info1, &rax)) {
		ghcb_error(x, GHCB_ERR_INVALID_INPUT);
		return;
	}
	if (in) {
		set_out(x, GHCB_OFF(rax), rax);
	}
	ghcb_result(x, GHCB_RESULT_OK, 0);
}

/* Serve the PSC entries from `hdr.cur_entry` to `hdr.end_entry`. */
static uint64_t psc_run(struct snp_machine *m, struct psc_hdr *hdr,
			uint64_t *entries)
{
	unsigned i;

	for (i = hdr->cur_entry; i <= hdr->end_entry; i++) {
		uint64_t e = entries[i];
		unsigned op = (unsigned)((e & PSC_ENTRY_OP_MASK) >>
					 PSC_ENTRY_OP_SHIFT);
		bool is_2m = (e & PSC_ENTRY_2M) != 0;
		uint64_t gpa =
			((e & PSC_ENTRY_GFN_MASK) >> PSC_ENTRY_GFN_SHIFT) *
			SNP_PAGE_SIZE;
		uint64_t cur = e & PSC_ENTRY_CUR_PAGE_MASK;
		uint64_t n = is_2m ? SNP_2M_PAGES : 1;
		int rc = 0;

		hdr->cur_entry = (uint16_t)i;
		if (cur > n) {
			return SNP_PSC_ERROR_INVALID_ENTRY;
		}
		if (cur == n) {
			continue;
		}
		if (cur == 0 || op == PSC_OP_PSMASH || op == PSC_OP_UNSMASH) {
			rc = snp_rmp_psc(m, gpa, op, is_2m);
			cur = rc == 0 ? n : cur;
		} else {
			/* A partly done 2 MiB entry: the rest page by page. */
			if ((gpa & SNP_2M_MASK) != 0) {
				return SNP_PSC_ERROR_INVALID_ENTRY;
			}
			while (cur < n &&
			       (rc = snp_rmp_psc(m, gpa + cur * SNP_PAGE_SIZE,
						 op, false)) == 0) {
				cur++;
			}
		}
		/* Progress of this entry, also when it stopped half way. */
		entries[i] = (e & ~PSC_ENTRY_CUR_PAGE_MASK) | cur;
		if (rc != 0) {
			return SNP_PSC_ERROR_INVALID_ENTRY;
		}
	}
	hdr->cur_entry = (uint16_t)(hdr->end_entry + 1);
	return 0;
}

static void exit_psc(struct snp_machine *m, struct ghcb_exit *x)
{
	uint64_t buf = x->gpa + GHCB_OFF(shared_buffer);
	struct psc_desc desc;
	uint64_t scratch, off, rc;

	if (!in_valid(x, GHCB_OFF(sw_scratch))) {
		ghcb_error(x, GHCB_ERR_MISSING_INPUT);
		return;
	}
	scratch = x->g.sw_scratch;
	/* The buffer must lie in the GHCB's shared buffer. */
	if (scratch < buf || scratch - buf > GHCB_SHARED_BUF_SIZE ||
	    GHCB_SHARED_BUF_SIZE - (scratch - buf) < sizeof(struct psc_hdr)) {
		ghcb_error(x, GHCB_ERR_INVALID_SCRATCH_AREA);
		return;
	}
	off = scratch - buf;
	memset(&desc, 0, sizeof(desc));
	memcpy(&desc, x->g.shared_buffer + off, GHCB_SHARED_BUF_SIZE - off);
	if (desc.hdr.end_entry >= PSC_MAX_ENTRIES) {
		ghcb_result(x, GHCB_RESULT_OK, SNP_PSC_ERROR_INVALID_HDR);
		return;
	}
	if (sizeof(struct psc_hdr) + (desc.hdr.end_entry + 1U) * 8U >
	    GHCB_SHARED_BUF_SIZE - off) {
		ghcb_error(x, GHCB_ERR_INVALID_SCRATCH_AREA);
		return;
	}
	rc = 0;
	if (desc.hdr.cur_entry <= desc.hdr.end_entry) {
		rc = psc_run(m, &desc.hdr, desc.entries);
	}
	memcpy(x->g.shared_buffer + off, &desc, GHCB_SHARED_BUF_SIZE - off);
	ghcb_result(x, GHCB_RESULT_OK, rc);
}

/* A shared page (or `pages` pages) the host may read and write. */
static bool shared_pages_ok(struct snp_machine *m, uint64_t gpa, uint64_t pages)
{
	uint64_t i;

	if ((gpa & SNP_PAGE_MASK) != 0 || pages > m->pages ||
	    !snp_range_ok(m, gpa, pages * SNP_PAGE_SIZE)) {
		return false;
	}
	for (i = 0; i < pages; i++) {
		if (snp_rmp_at(m, gpa + i * SNP_PAGE_SIZE)->assigned) {
			return false;
		}
	}
	return true;
}

static void exit_guest_request(struct snp_machine *m, struct snp_vcpu *v,
			       unsigned vmpl, struct ghcb_exit *x)
{
	struct snp_guest_request req = {
		.apic_id = v->apic_id,
		.vmpl = vmpl,
		.extended = x->g.sw_exit_code == SVM_VMGEXIT_EXT_GUEST_REQUEST,
		.req_gpa = x->g.sw_exit_info_1,
		.resp_gpa = x->g.sw_exit_info_2,
	};
	uint64_t info2;

	if (req.extended) {
		if (!in_valid(x, GHCB_OFF(rax)) ||
		    !in_valid(x, GHCB_OFF(rbx))) {
			ghcb_error(x, GHCB_ERR_MISSING_INPUT);
			return;
		}
		req.certs_gpa = x->g.rax;
		req.certs_pages = x->g.rbx;
	}
	if (m->greq_fn == NULL || !shared_pages_ok(m, req.req_gpa, 1) ||
	    !shared_pages_ok(m, req.resp_gpa, 1) ||
	    (req.extended && req.certs_pages != 0 &&
	     !shared_pages_ok(m, req.certs_gpa, req.certs_pages))) {
		ghcb_error(x, GHCB_ERR_INVALID_INPUT);
		return;
	}
	info2 = m->greq_fn(m, m->greq_ctx, &req);
	if (req.extended) {
		set_out(x, GHCB_OFF(rbx), req.certs_pages);
	}
	ghcb_result(x, GHCB_RESULT_OK, info2);
}

/* Checks of a VMSA named by AP creation; true if the host can run it. */
static bool ap_vmsa_ok(struct snp_machine *m, uint64_t gpa, unsigned vmpl,
		       uint64_t features)
{
	const struct rmp_entry *e;
	uint64_t vm_features = SEV_FEATURES_FROM_STATUS(m->cfg.sev_status);

	if ((gpa & SNP_PAGE_MASK) != 0 ||
	    !snp_range_ok(m, gpa, SNP_PAGE_SIZE)) {
		return false;
	}
	e = snp_rmp_at(m, gpa);
	if (!e->assigned || !e->vmsa || e->page_2m) {
		return false;
	}
	if ((features & SEV_FEAT_SNP_ACTIVE) == 0 ||
	    (features & ~vm_features) != 0) {
		return false;
	}
	return m->mem[gpa + VMSA_OFF_VMPL] == vmpl &&
	       snp_vmsa_read64(m, gpa, VMSA_OFF_SEV_FEATURES) == features;
}

static void exit_ap_creation(struct snp_machine *m, struct snp_vcpu *v,
			     unsigned vmpl, struct ghcb_exit *x,
			     struct snp_hv_result *res)
{
	uint64_t info1 = x->g.sw_exit_info_1;
	uint64_t apic = info1 >> 32;
	unsigned target = (unsigned)(info1 >> 16) & 0xF;
	unsigned req = (unsigned)info1 & 0xF;
	uint64_t gpa = x->g.sw_exit_info_2;
	struct snp_vcpu *ap;

	if (apic >= m->cfg.vcpus || target >= SNP_VMPL_COUNT || target < vmpl ||
	    req > SVM_VMGEXIT_AP_DESTROY) {
		ghcb_error(x, GHCB_ERR_INVALID_INPUT);
		return;
	}
	ap = &m->vcpus[apic];
	if (target == 0 && snp_fe_vmpl0_running(m, ap)) {
		ghcb_error(x, GHCB_ERR_INVALID_INPUT); /* it is running */
		return;
	}
	if (req == SVM_VMGEXIT_AP_DESTROY) {
		ap->vmsa_valid[target] = false;
		ap->vmsa_gpa[target] = 0;
		/* Every VMPL: the front end may be running that VMSA now. */
		snp_fe_ap_destroy(m, ap, target);
		ghcb_result(x, GHCB_RESULT_OK, 0);
		return;
	}
	if (!in_valid(x, GHCB_OFF(rax))) {
		ghcb_error(x, GHCB_ERR_MISSING_INPUT);
		return;
	}
	if (!ap_vmsa_ok(m, gpa, target, x->g.rax)) {
		ghcb_error(x, GHCB_ERR_INVALID_INPUT);
		return;
	}
	if (target == 0 && req == SVM_VMGEXIT_AP_CREATE) {
		if (!snp_fe_ap_start(m, ap, gpa)) {
			ghcb_error(x, GHCB_ERR_INVALID_INPUT);
			return;
		}
		res->next = SNP_HV_START_AP;
		res->ap = ap;
	}
	ap->vmsa_valid[target] = true;
	ap->vmsa_gpa[target] = gpa;
	ghcb_result(x, GHCB_RESULT_OK, 0);
}

static void exit_dispatch(struct snp_machine *m, struct snp_vcpu *v,
			  unsigned vmpl, bool can_switch, struct ghcb_exit *x,
			  struct snp_hv_result *res)
{
	uint64_t info1 = x->g.sw_exit_info_1;

	switch (x->g.sw_exit_code) {
	case SVM_VMGEXIT_CPUID:
		exit_cpuid(x);
		break;
	case SVM_VMGEXIT_IOIO:
		exit_ioio(m, x);
		break;
	case SVM_VMGEXIT_MSR:
		exit_msr(m, x);
		break;
	case SVM_VMGEXIT_PSC:
		exit_psc(m, x);
		break;
	case SVM_VMGEXIT_GUEST_REQUEST:
	case SVM_VMGEXIT_EXT_GUEST_REQUEST:
		exit_guest_request(m, v, vmpl, x);
		break;
	case SVM_VMGEXIT_AP_CREATION:
		exit_ap_creation(m, v, vmpl, x, res);
		break;
	case SVM_VMGEXIT_SNP_RUN_VMPL:
		if (snp_hv_run_vmpl(m, v, vmpl, info1, can_switch, res)) {
			ghcb_result(x, GHCB_RESULT_OK, 0);
		} else {
			ghcb_error(x, GHCB_ERR_INVALID_INPUT);
		}
		break;
	case SVM_VMGEXIT_HV_FEATURES:
		ghcb_result(x, GHCB_RESULT_OK, SNP_MACHINE_HV_FEATURES);
		break;
	case SVM_VMGEXIT_TERM_REQUEST:
		snp_machine_kill(m, (unsigned)info1 & 0xF,
				 (unsigned)(info1 >> 4) & 0xFF);
		res->next = SNP_HV_TERMINATED;
		break;
	default:
		ghcb_error(x, GHCB_ERR_INVALID_INPUT);
		break;
	}
}

/** Set up a one-shot misbehaviour of the hypervisor (a test knob). */
void snp_machine_hv_fault(struct snp_machine *m, uint64_t exit_code,
			  enum snp_hv_fault fault)
{
	m->hv_fault_exit_code = exit_code;
	m->hv_fault = fault;
}

/* Answer the call as the knob says instead of serving it; false: serve. */
static bool hv_fault_taken(struct snp_machine *m, struct ghcb_exit *x)
{
	enum snp_hv_fault fault = m->hv_fault;

	if (fault == SNP_HV_FAULT_NONE ||
	    x->g.sw_exit_code != m->hv_fault_exit_code) {
		return false;
	}
	m->hv_fault = SNP_HV_FAULT_NONE;
	if (fault == SNP_HV_FAULT_ERROR) {
		ghcb_error(x, GHCB_ERR_INVALID_INPUT);
	} else {
		ghcb_result(x, GHCB_RESULT_OK, 0);
	}
	return true;
}

static void hv_ghcb(struct snp_machine *m, struct snp_vcpu *v, unsigned vmpl,
		    bool can_switch, struct snp_hv_result *res)
{
	struct ghcb_exit x;

	x.gpa = v->ghcb_msr[vmpl];
	if (!snp_range_ok(m, x.gpa, SNP_PAGE_SIZE) ||
	    snp_rmp_at(m, x.gpa)->assigned) {
		/* The host cannot even read a response page: the VM dies. */
		snp_machine_kill(m, SNP_MACHINE_TERM_SET_HV,
				 SNP_MACHINE_TERM_HV_BAD_GHCB);
		res->next = SNP_HV_TERMINATED;
		return;
	}
	memcpy(&x.g, m->mem + x.gpa, sizeof(x.g));
	memcpy(x.in_valid, x.g.valid_bitmap, sizeof(x.in_valid));
	memset(x.g.valid_bitmap, 0, sizeof(x.g.valid_bitmap));
	if (!v->ghcb_registered[vmpl] || v->ghcb_gpa[vmpl] != x.gpa) {
		ghcb_error(&x, GHCB_ERR_NOT_REGISTERED);
	} else if (x.g.ghcb_usage != GHCB_USAGE_STANDARD) {
		ghcb_error(&x, GHCB_ERR_INVALID_USAGE);
	} else if (x.g.protocol_version != GHCB_PROTOCOL_MAX) {
		ghcb_error(&x, GHCB_ERR_INVALID_INPUT);
	} else if (!in_valid(&x, GHCB_OFF(sw_exit_code)) ||
		   !in_valid(&x, GHCB_OFF(sw_exit_info_1)) ||
		   !in_valid(&x, GHCB_OFF(sw_exit_info_2))) {
		ghcb_error(&x, GHCB_ERR_MISSING_INPUT);
	} else if (!hv_fault_taken(m, &x)) {
		exit_dispatch(m, v, vmpl, can_switch, &x, res);
	}
	if (res->next == SNP_HV_TERMINATED) {
		res->ok = false;
		return;
	}
	res->ok = x.g.sw_exit_info_1 == GHCB_RESULT_OK;
	memcpy(m->mem + x.gpa, &x.g, sizeof(x.g));
}

/**
 * A VMGEXIT by `vmpl` of `v` with its current GHCB MSR value. `can_switch`
 * is false when the caller cannot leave its context (VMPL0 code running in
 * the main context). The response is written before `res` is returned.
 */
void snp_hv_vmgexit(struct snp_machine *m, struct snp_vcpu *v, unsigned vmpl,
		    bool can_switch, struct snp_hv_result *res)
{
	memset(res, 0, sizeof(*res));
	res->next = SNP_HV_DONE;
	res->ok = true;
	if (GHCB_MSR_INFO(v->ghcb_msr[vmpl]) != 0) {
		snp_hv_msr_protocol(m, v, vmpl, can_switch, res);
	} else {
		hv_ghcb(m, v, vmpl, can_switch, res);
	}
}
