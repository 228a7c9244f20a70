/* SPDX-License-Identifier: MIT */
/* Calls into the SVSM (see svsm.h). */
#include <string.h>

#include "ghcb.h"
#include "guest.h"
#include "svsm.h"

volatile struct svsm_ca *svsm_ca;
uint64_t svsm_ca_gpa;

int svsm_call_on(volatile struct svsm_ca *ca, bool via_ghcb, uint8_t pending,
		 struct svsm_regs *r)
{
	uint64_t old = 0, resp;
	uint8_t was;
	bool ok;

	ca->call_pending = pending;
	if (via_ghcb) {
		ghcb_begin();
		ghcb_prepare(SVM_VMGEXIT_SNP_RUN_VMPL, 0, 0);
	} else {
		old = rdmsr(MSR_GHCB);
		wrmsr(MSR_GHCB, GHCB_MSR_VMPL_REQ_LEVEL(0));
	}
	/* R8 and R9 go in and come back through memory operands. */
	__asm__ volatile("mov %[r8], %%r8\n\t"
			 "mov %[r9], %%r9\n\t"
			 "rep; vmmcall\n\t"
			 "mov %%r8, %[r8]\n\t"
			 "mov %%r9, %[r9]"
			 : "+a"(r->rax), "+c"(r->rcx),
			   "+d"(r->rdx), [r8] "+m"(r->r8), [r9] "+m"(r->r9)
			 :
			 : "r8", "r9", "memory");
	was = __atomic_exchange_n((uint8_t *)&ca->call_pending, 0,
				  __ATOMIC_SEQ_CST);
	if (via_ghcb) {
		ok = (uint32_t)ghcb_get()->sw_exit_info_1 == GHCB_RESULT_OK;
	} else {
		resp = rdmsr(MSR_GHCB);
		wrmsr(MSR_GHCB, old);
		ok = GHCB_MSR_INFO(resp) == GHCB_MSR_VMPL_RESP &&
		     GHCB_MSR_VMPL_RESP_ERROR(resp) == 0;
	}
	return ok && was == 0 ? 0 : -1;
}

int svsm_call_raw(uint8_t pending, struct svsm_regs *r)
{
	return svsm_call_on(svsm_ca, ghcb_ready(), pending, r);
}

uint32_t svsm_call(uint32_t protocol, uint32_t id, struct svsm_regs *r)
{
	r->rax = SVSM_CALL(protocol, id);
	if (svsm_call_raw(SVSM_CA_CALL_PENDING, r) != 0) {
		return 0xFFFFFFFFU;
	}
	return (uint32_t)r->rax;
}

uint32_t svsm_core(uint32_t id, uint64_t rcx, uint64_t rdx, uint64_t r8)
{
	struct svsm_regs r = { .rcx = rcx, .rdx = rdx, .r8 = r8 };

	return svsm_call(SVSM_PROTOCOL_CORE, id, &r);
}

uint32_t svsm_pvalidate_list(const uint64_t *entries, unsigned n,
			     uint16_t start, uint16_t *next)
{
	struct svsm_list_hdr hdr = { .entry_count = (uint16_t)n,
				     .next = start };
	uint8_t *buf = (uint8_t *)svsm_ca->buffer;
	uint32_t rc;

	memcpy(buf, &hdr, sizeof(hdr));
	memcpy(buf + sizeof(hdr), entries, (size_t)n * sizeof(*entries));
	rc = svsm_core(SVSM_CORE_PVALIDATE, svsm_ca_gpa + SVSM_CA_OFF_BUFFER, 0,
		       0);
	if (next != NULL) {
		memcpy(next, buf + offsetof(struct svsm_list_hdr, next),
		       sizeof(*next));
	}
	return rc;
}

uint32_t svsm_pvalidate(uint64_t gpa, bool is_2m, bool validate, bool ignore_cf)
{
	uint64_t e = SVSM_PVAL_ENTRY(
		gpa, is_2m ? SVSM_PVAL_SIZE_2M : SVSM_PVAL_SIZE_4K, validate,
		ignore_cf);

	return svsm_pvalidate_list(&e, 1, 0, NULL);
}

uint32_t svsm_validate_range(uint64_t gpa, uint64_t size)
{
	uint64_t e[64];
	uint32_t rc;
	uint16_t next;
	unsigned n;

	while (size > 0) {
		for (n = 0; n < 64 && size > 0; n++) {
			e[n] = SVSM_PVAL_ENTRY(gpa, SVSM_PVAL_SIZE_4K, true,
					       true);
			gpa += PAGE_SIZE;
			size -= PAGE_SIZE;
		}
		next = 0;
		do {
			rc = svsm_pvalidate_list(e, n, next, &next);
		} while (rc == SVSM_ERR_INCOMPLETE);
		if (rc != SVSM_SUCCESS) {
			return rc;
		}
	}
	return SVSM_SUCCESS;
}

uint64_t svsm_query_protocol(uint32_t protocol, uint32_t version)
{
	struct svsm_regs r = {
		.rcx = SVSM_QUERY_PROTOCOL_ARG(protocol, version),
	};

	if (svsm_call(SVSM_PROTOCOL_CORE, SVSM_CORE_QUERY_PROTOCOL, &r) !=
	    SVSM_SUCCESS) {
		return 0;
	}
	return r.rcx;
}
