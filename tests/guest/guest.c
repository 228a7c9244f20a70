/* SPDX-License-Identifier: MIT */
/* Helpers of the guest-side tests (see guest.h). */
#include <stdlib.h>
#include <string.h>

#include "guest.h"
#include "abi/sev_status.h"
#include "abi/snp_secrets.h"
#include "abi/vmsa.h"

/** A machine with 256 MiB and 2 vCPUs. */
int guest_setup(void **state)
{
	struct svsm_sim_config cfg = {
		.guest_mem_bytes = 256 * MIB,
		.vcpus = 2,
		.vtpm = false,
	};
	struct guest *g = calloc(1, sizeof(*g));
	const struct snp_secrets_page *s;

	if (g == NULL) {
		return -1;
	}
	g->sim = svsm_sim_create(&cfg);
	if (g->sim == NULL) {
		free(g);
		return -1;
	}
	g->vcpus = cfg.vcpus;
	g->mem = cfg.guest_mem_bytes;
	s = svsm_sim_guest_ptr(g->sim, svsm_sim_secrets_gpa(g->sim),
			       sizeof(*s));
	g->svsm_base = s->svsm_base;
	g->svsm_size = s->svsm_size;
	g->ca = s->svsm_caa;
	g->low = 2 * MIB;
	g->high = (g->svsm_base / 2) & ~(SIZE_2M - 1);
	*state = g;
	return 0;
}

int guest_teardown(void **state)
{
	struct guest *g = *state;

	svsm_sim_destroy(g->sim);
	free(g);
	return 0;
}

uint32_t raw_call(struct guest *g, unsigned vcpu, struct svsm_sim_regs *r)
{
	assert_int_equal(svsm_sim_call(g->sim, vcpu, r), 0);
	return (uint32_t)r->rax;
}

uint32_t core_call(struct guest *g, unsigned vcpu, uint32_t call, uint64_t rcx,
		   uint64_t rdx, uint64_t r8)
{
	struct svsm_sim_regs r = {
		.rax = SVSM_CALL(SVSM_PROTOCOL_CORE, call),
		.rcx = rcx,
		.rdx = rdx,
		.r8 = r8,
	};

	return raw_call(g, vcpu, &r);
}

void *gptr(struct guest *g, uint64_t gpa, size_t len)
{
	void *p = svsm_sim_guest_ptr(g->sim, gpa, len);

	assert_non_null(p);
	return p;
}

uint32_t pvalidate_list(struct guest *g, unsigned vcpu, uint64_t list_gpa,
			const uint64_t *entries, unsigned n, uint16_t start,
			uint16_t *next)
{
	struct svsm_list_hdr hdr = { .entry_count = (uint16_t)n,
				     .next = start };
	uint8_t *p;
	uint32_t rc;

	if (list_gpa == 0) {
		list_gpa = ca_buf(g);
	}
	p = gptr(g, list_gpa, sizeof(hdr) + (size_t)n * 8);
	memcpy(p, &hdr, sizeof(hdr));
	memcpy(p + sizeof(hdr), entries, (size_t)n * 8);
	rc = core_call(g, vcpu, SVSM_CORE_PVALIDATE, list_gpa, 0, 0);
	if (next != NULL) {
		memcpy(next, p + offsetof(struct svsm_list_hdr, next),
		       sizeof(*next));
	}
	return rc;
}

uint32_t pvalidate_one(struct guest *g, uint64_t gpa, bool is_2m, bool validate,
		       bool ignore_cf)
{
	uint64_t e = SVSM_PVAL_ENTRY(
		gpa, is_2m ? SVSM_PVAL_SIZE_2M : SVSM_PVAL_SIZE_4K, validate,
		ignore_cf);

	return pvalidate_list(g, 0, 0, &e, 1, 0, NULL);
}

int access_of(struct guest *g, uint64_t gpa, bool write)
{
	return svsm_sim_guest_access(g->sim, 0, gpa, write);
}

void make_ap_vmsa(struct guest *g, uint64_t gpa)
{
	assert_int_equal(pvalidate_one(g, gpa, false, true, false),
			 SVSM_SUCCESS);
	fill_ap_vmsa(g, gpa);
}

void fill_ap_vmsa(struct guest *g, uint64_t gpa)
{
	struct sev_vmsa *v = gptr(g, gpa, sizeof(*v));

	memset(v, 0, sizeof(*v));
	v->vmpl = 2;
	v->efer = EFER_SVME;
	v->rip = 0xFFF0;
	v->sev_features = SEV_FEATURES_FROM_STATUS(svsm_sim_sev_status(g->sim));
}
