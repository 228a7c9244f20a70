/* SPDX-License-Identifier: MIT */
/*
 * The GHCB protocols (GHCB specification v2): the MSR protocol for the
 * run-VMPL switch, page state changes, GHCB registration and termination,
 * and the GHCB page protocol for AP creation.
 *
 * The GHCB page and the MSR value the hypervisor hands back are
 * host-controlled: every response is read once and checked.
 */
#include <stddef.h>
#include <string.h>

#include "svsm/cpu.h"
#include "svsm/log.h"
#include "svsm/mm.h"
#include "svsm/physmap.h"
#include "svsm/snp.h"
#include "abi/ghcb.h"

/* The GHCB GPA of this vCPU is selected again before each page-protocol call. */
static uint64_t msr_protocol(uint64_t request)
{
	cpu_wrmsr(MSR_GHCB, request);
	cpu_vmgexit();
	return cpu_rdmsr(MSR_GHCB);
}

/** Run VMPL `vmpl`; false if the hypervisor refused the switch. */
bool snp_msr_run_vmpl(unsigned int vmpl)
{
	uint64_t resp = msr_protocol(GHCB_MSR_VMPL_REQ_LEVEL(vmpl));

	return GHCB_MSR_INFO(resp) == GHCB_MSR_VMPL_RESP &&
	       GHCB_MSR_VMPL_RESP_ERROR(resp) == 0;
}

/** Page state change of the page at `gpa`; false if the host refused. */
bool snp_msr_psc(uint64_t gpa, bool shared)
{
	uint64_t op = shared ? GHCB_MSR_PSC_OP_SHARED : GHCB_MSR_PSC_OP_PRIVATE;
	uint64_t resp = msr_protocol(GHCB_MSR_PSC(gpa >> PAGE_SHIFT, op));

	return GHCB_MSR_INFO(resp) == GHCB_MSR_PSC_RESP &&
	       GHCB_MSR_PSC_RESP_ERROR(resp) == 0;
}

/** Register `gpa` as this vCPU's GHCB; false unless the GFN is echoed. */
bool snp_msr_register_ghcb(uint64_t gpa)
{
	uint64_t resp = msr_protocol(GHCB_MSR_REG_GPA(gpa >> PAGE_SHIFT));

	return GHCB_MSR_INFO(resp) == GHCB_MSR_REG_GPA_RESP &&
	       GHCB_MSR_DATA(resp) == (gpa >> PAGE_SHIFT);
}

/** The hypervisor's GHCB feature bitmap; false if it did not answer. */
bool snp_msr_hv_features(uint64_t *features)
{
	uint64_t resp = msr_protocol(GHCB_MSR_HV_FT_REQ);

	if (GHCB_MSR_INFO(resp) != GHCB_MSR_HV_FT_RESP) {
		return false;
	}
	*features = GHCB_MSR_DATA(resp);
	return true;
}

/** Request termination; never returns (the hypervisor never resumes us). */
_Noreturn void snp_terminate(unsigned int set, unsigned int code)
{
	for (;;) {
		cpu_wrmsr(MSR_GHCB, GHCB_MSR_TERM(set, code));
		cpu_vmgexit();
	}
}

/** Make `page` shared (rescind, page state change, mapping) for a GHCB. */
bool snp_ghcb_prepare(struct ghcb *page)
{
	bool cf;

	if (cpu_pvalidate(page, CPU_PAGE_4K, false, &cf) != 0) {
		return false;
	}
	if (!snp_msr_psc(physmap_pa(page), true) || !cpu_map_shared(page)) {
		return false;
	}
	memset(page, 0, sizeof(*page));
	return true;
}

/** Register the prepared `ghcb` with the hypervisor and select it. */
bool snp_ghcb_init(struct ghcb *ghcb)
{
	uint64_t gpa = physmap_pa(ghcb);

	if (!snp_msr_register_ghcb(gpa)) {
		return false;
	}
	cpu_wrmsr(MSR_GHCB, gpa);
	cpu_ghcb_set(ghcb);
	return true;
}

/** Mark the GHCB field at `off` valid (the page protocol's valid bitmap). */
void snp_ghcb_set_valid(struct ghcb *ghcb, size_t off)
{
	ghcb->valid_bitmap[GHCB_VALID_BYTE(off)] |=
		(uint8_t)(1U << GHCB_VALID_BIT(off));
}

/**
 * One page-protocol call; returns SW_EXITINFO1[31:0] (0 success). The
 * caller has cleared the valid bitmap and set its own input fields.
 */
uint32_t snp_ghcb_call(struct ghcb *ghcb, uint64_t exit_code, uint64_t info1,
		       uint64_t info2)
{
	ghcb->sw_exit_code = exit_code;
	ghcb->sw_exit_info_1 = info1;
	ghcb->sw_exit_info_2 = info2;
	snp_ghcb_set_valid(ghcb, offsetof(struct ghcb, sw_exit_code));
	snp_ghcb_set_valid(ghcb, offsetof(struct ghcb, sw_exit_info_1));
	snp_ghcb_set_valid(ghcb, offsetof(struct ghcb, sw_exit_info_2));
	ghcb->protocol_version = GHCB_PROTOCOL_MAX;
	ghcb->ghcb_usage = GHCB_USAGE_STANDARD;
	cpu_wrmsr(MSR_GHCB, physmap_pa(ghcb));
	cpu_vmgexit();
	return (uint32_t) * (volatile uint64_t *)&ghcb->sw_exit_info_1;
}

/** AP creation request; false if the hypervisor reported an error. */
bool snp_ap_create(struct ghcb *ghcb, uint32_t apic_id, unsigned int vmpl,
		   uint64_t vmsa_gpa, uint64_t sev_features, uint64_t request)
{
	memset(ghcb->valid_bitmap, 0, sizeof(ghcb->valid_bitmap));
	ghcb->rax = sev_features;
	snp_ghcb_set_valid(ghcb, offsetof(struct ghcb, rax));
	if (snp_ghcb_call(ghcb, SVM_VMGEXIT_AP_CREATION,
			  SVM_VMGEXIT_AP_EXITINFO1(apic_id, vmpl, request),
			  vmsa_gpa) != GHCB_RESULT_OK) {
		pr_notice("snp: AP creation (%u) for APIC ID %u refused\n",
			  (unsigned int)request, apic_id);
		return false;
	}
	return true;
}

/**
 * Ask the hypervisor to split the 2 MiB RMP entry at `gpa` (PSC PSMASH).
 * True only if the host reports success (SW_EXITINFO2 = 0) and progress:
 * a completed request leaves `cur_entry` past `end_entry` in the PSC
 * header. A host that answers success without working gets false.
 */
bool snp_psc_psmash(struct ghcb *ghcb, uint64_t gpa)
{
	struct psc_desc *desc = (struct psc_desc *)ghcb->shared_buffer;
	uint64_t scratch =
		physmap_pa(ghcb) + offsetof(struct ghcb, shared_buffer);
	struct psc_hdr hdr;

	memset(ghcb->valid_bitmap, 0, sizeof(ghcb->valid_bitmap));
	memset(&desc->hdr, 0, sizeof(desc->hdr));
	desc->entries[0] = PSC_ENTRY(gpa >> PAGE_SHIFT, PSC_OP_PSMASH, true);
	ghcb->sw_scratch = scratch;
	snp_ghcb_set_valid(ghcb, offsetof(struct ghcb, sw_scratch));
	if (snp_ghcb_call(ghcb, SVM_VMGEXIT_PSC, 0, 0) != GHCB_RESULT_OK) {
		return false;
	}
	/* Read each part of the host's answer once. */
	if (*(volatile uint64_t *)&ghcb->sw_exit_info_2 != 0) {
		return false;
	}
	memcpy(&hdr, (const void *)&desc->hdr, sizeof(hdr));
	/* One entry was asked for (`end_entry` 0): it must be done. */
	return hdr.end_entry == 0 && hdr.cur_entry > hdr.end_entry;
}

/**
 * Page state change of the `npages` 4 KiB pages from `gpa` to shared or
 * private through the GHCB page protocol, PSC_MAX_ENTRIES per exit. False
 * if the host reports an error or does not finish a request (checked as
 * for PSMASH: `cur_entry` past `end_entry`, `end_entry` unchanged).
 */
bool snp_psc_pages(struct ghcb *ghcb, uint64_t gpa, uint64_t npages,
		   bool shared)
{
	struct psc_desc *desc = (struct psc_desc *)ghcb->shared_buffer;
	uint64_t scratch =
		physmap_pa(ghcb) + offsetof(struct ghcb, shared_buffer);
	uint64_t op = shared ? PSC_OP_SHARED : PSC_OP_PRIVATE;

	while (npages > 0) {
		uint32_t n = npages < PSC_MAX_ENTRIES ? (uint32_t)npages :
							PSC_MAX_ENTRIES;
		struct psc_hdr hdr;
		uint32_t i;

		memset(ghcb->valid_bitmap, 0, sizeof(ghcb->valid_bitmap));
		memset(&desc->hdr, 0, sizeof(desc->hdr));
		for (i = 0; i < n; i++) {
			desc->entries[i] =
				PSC_ENTRY((gpa >> PAGE_SHIFT) + i, op, false);
		}
		desc->hdr.end_entry = (uint16_t)(n - 1);
		ghcb->sw_scratch = scratch;
		snp_ghcb_set_valid(ghcb, offsetof(struct ghcb, sw_scratch));
		if (snp_ghcb_call(ghcb, SVM_VMGEXIT_PSC, 0, 0) !=
			    GHCB_RESULT_OK ||
		    *(volatile uint64_t *)&ghcb->sw_exit_info_2 != 0) {
			return false;
		}
		memcpy(&hdr, (const void *)&desc->hdr, sizeof(hdr));
		if (hdr.end_entry != n - 1 || hdr.cur_entry <= hdr.end_entry) {
			return false;
		}
		gpa += (uint64_t)n << PAGE_SHIFT;
		npages -= n;
	}
	return true;
}
