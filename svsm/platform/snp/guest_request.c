/* SPDX-License-Identifier: MIT */
/*
 * SNP guest requests (GHCB SW_EXITCODEs 0x80000011 and 0x80000012) through
 * the calling vCPU's GHCB, for the attestation service.
 */
#include <stddef.h>
#include <string.h>

#include "svsm/attest.h"
#include "svsm/snp.h"
#include "svsm/vcpu.h"
#include "abi/ghcb.h"

/** One (extended, if `certs_gpa`) guest request; see svsm/attest.h. */
bool snp_guest_request(uint64_t req_gpa, uint64_t resp_gpa, uint64_t certs_gpa,
		       uint64_t *cert_pages, uint32_t *fw, uint32_t *vmm)
{
	struct svsm_cpu *cpu = vcpu_current();
	struct ghcb *ghcb;
	uint64_t info2;
	bool extended = certs_gpa != 0;

	if (cpu == NULL || cpu->ghcb == NULL) {
		return false;
	}
	ghcb = cpu->ghcb;
	memset(ghcb->valid_bitmap, 0, sizeof(ghcb->valid_bitmap));
	if (extended) {
		ghcb->rax = certs_gpa;
		ghcb->rbx = *cert_pages;
		snp_ghcb_set_valid(ghcb, offsetof(struct ghcb, rax));
		snp_ghcb_set_valid(ghcb, offsetof(struct ghcb, rbx));
	}
	if (snp_ghcb_call(ghcb,
			  extended ? SVM_VMGEXIT_EXT_GUEST_REQUEST :
				     SVM_VMGEXIT_GUEST_REQUEST,
			  req_gpa, resp_gpa) != GHCB_RESULT_OK) {
		return false;
	}
	/* The GHCB is host memory: read each answer once. */
	info2 = *(volatile uint64_t *)&ghcb->sw_exit_info_2;
	*fw = (uint32_t)info2;
	*vmm = (uint32_t)(info2 >> 32);
	if (extended) {
		*cert_pages = *(volatile uint64_t *)&ghcb->rbx;
	}
	return true;
}
