/* SPDX-License-Identifier: MIT */
/*
 * SNP guest requests (GHCB SW_EXITCODEs 0x80000011 and 0x80000012) through
 * the calling vCPU's GHCB, for the attestation service.
 */
#include <stddef.h>
#include <string.h>

#include "svsm/attest.h"
#include "svsm/physmap.h"
#include "svsm/snp.h"
#include "svsm/vcpu.h"
#include "abi/ghcb.h"

static void set_valid(struct ghcb *ghcb, size_t off)
{
	ghcb->valid_bitmap[GHCB_VALID_BYTE(off)] |=
		(uint8_t)(1U << GHCB_VALID_BIT(off));
}

/** One (extended, if `certs_gpa`) guest request; see svsm/attest.h. */
bool snp_guest_request(uint64_t req_gpa, uint64_t resp_gpa, uint64_t certs_gpa,
		       uint64_t *cert_pages, uint32_t *fw, uint32_t *vmm)
{
	struct svsm_cpu *cpu = vcpu_current();
	struct ghcb *ghcb;
	uint64_t info1, info2;
	bool extended = certs_gpa != 0;

	if (cpu == NULL || cpu->ghcb == NULL) {
		return false;
	}
	ghcb = cpu->ghcb;
	memset(ghcb->valid_bitmap, 0, sizeof(ghcb->valid_bitmap));
	if (extended) {
		ghcb->rax = certs_gpa;
		ghcb->rbx = *cert_pages;
		set_valid(ghcb, offsetof(struct ghcb, rax));
		set_valid(ghcb, offsetof(struct ghcb, rbx));
	}
	ghcb->sw_exit_code = extended ? SVM_VMGEXIT_EXT_GUEST_REQUEST :
					SVM_VMGEXIT_GUEST_REQUEST;
	ghcb->sw_exit_info_1 = req_gpa;
	ghcb->sw_exit_info_2 = resp_gpa;
	set_valid(ghcb, offsetof(struct ghcb, sw_exit_code));
	set_valid(ghcb, offsetof(struct ghcb, sw_exit_info_1));
	set_valid(ghcb, offsetof(struct ghcb, sw_exit_info_2));
	ghcb->protocol_version = GHCB_PROTOCOL_MAX;
	ghcb->ghcb_usage = GHCB_USAGE_STANDARD;
	cpu_wrmsr(MSR_GHCB, physmap_pa(ghcb));
	cpu_vmgexit();
	/* The GHCB is host memory: read each answer once. */
	info1 = *(volatile uint64_t *)&ghcb->sw_exit_info_1;
	info2 = *(volatile uint64_t *)&ghcb->sw_exit_info_2;
	if ((uint32_t)info1 != GHCB_RESULT_OK) {
		return false;
	}
	*fw = (uint32_t)info2;
	*vmm = (uint32_t)(info2 >> 32);
	if (extended) {
		*cert_pages = *(volatile uint64_t *)&ghcb->rbx;
	}
	return true;
}
