/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's GHCB MSR protocol (GHCB specification v2, section
 * 2.3.1): requests and responses in the GHCB MSR of the calling VMPL.
 */
#include "machine_internal.h"

#include "abi/ghcb.h"

#define PREF_GPA_NONE 0xFFFFFFFFFFFFFULL

/**
 * The CPUID value (`reg` 0..3: EAX..EDX) this hypervisor reports: the front
 * end's if it has its own (snp-emu: the L1 CPU's), else a fixed table, so
 * every hosted run is deterministic; unknown leaves read 0.
 */
uint32_t snp_hv_cpuid(uint32_t fn, unsigned reg)
{
	static const struct {
		uint32_t fn;
		uint32_t r[4]; /* EAX, EBX, ECX, EDX */
	} table[] = {
		{ 0x00000000,
		  { 0x00000010, 0x68747541, 0x444D4163, 0x69746E65 } },
		{ 0x00000001,
		  { SNP_MACHINE_FMS, 0x00000800, 0x80000000, 0x178BFBFF } },
		{ 0x80000000,
		  { 0x80000021, 0x68747541, 0x444D4163, 0x69746E65 } },
		/* SME, SEV, SEV-ES, SNP, VMPL; C-bit 51, 1 bit reduction, 4 VMPLs. */
		{ 0x8000001F,
		  { 0x0000003B, SNP_MACHINE_CBIT | (1U << 6) | (4U << 12), 0,
		    0 } },
	};
	size_t i;
	uint32_t val;

	if (snp_fe_cpuid(fn, reg, &val)) {
		return val;
	}
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (table[i].fn == fn) {
			return table[i].r[reg & 3];
		}
	}
	return 0;
}

/**
 * RUN_VMPL(`target`) requested by `vmpl` of `v`. Returns false if refused;
 * otherwise `res` says whether a switch follows.
 */
bool snp_hv_run_vmpl(struct snp_machine *m, struct snp_vcpu *v, unsigned vmpl,
		     uint64_t target, bool can_switch,
		     struct snp_hv_result *res)
{
	if (target >= SNP_VMPL_COUNT) {
		return false;
	}
	if (target == vmpl) {
		return true; /* already running there */
	}
	if (!can_switch) {
		return false;
	}
	if (vmpl != 0) {
		/* The guest side can only hand the vCPU to its VMPL0. */
		if (target != 0 || !snp_fe_vmpl0_resumable(m, v)) {
			return false;
		}
	}
	res->next = SNP_HV_RUN_VMPL;
	res->vmpl = (unsigned)target;
	return true;
}

static uint64_t msr_psc(struct snp_machine *m, uint64_t req)
{
	unsigned op = (unsigned)((req >> 52) & 0xF);
	uint64_t gfn = (req >> 12) & 0xFFFFFFFFFFULL;
	uint32_t err = 0;

	if ((op != GHCB_MSR_PSC_OP_PRIVATE && op != GHCB_MSR_PSC_OP_SHARED) ||
	    snp_rmp_psc(m, gfn * SNP_PAGE_SIZE, op, false) != 0) {
		err = SNP_MSR_PSC_ERROR;
	}
	return ((uint64_t)err << 32) | GHCB_MSR_PSC_RESP;
}

/** An MSR-protocol request (the GHCB MSR holds it); answers in place. */
void snp_hv_msr_protocol(struct snp_machine *m, struct snp_vcpu *v,
			 unsigned vmpl, bool can_switch,
			 struct snp_hv_result *res)
{
	uint64_t req = v->ghcb_msr[vmpl];
	uint64_t *out = &v->ghcb_msr[vmpl];
	uint64_t gfn;

	switch (GHCB_MSR_INFO(req)) {
	case GHCB_MSR_SEV_INFO_REQ:
		*out = ((uint64_t)GHCB_PROTOCOL_MAX << 48) |
		       ((uint64_t)GHCB_PROTOCOL_MIN << 32) |
		       ((uint64_t)SNP_MACHINE_CBIT << 24) |
		       GHCB_MSR_SEV_INFO_RESP;
		break;
	case GHCB_MSR_CPUID_REQ:
		*out = ((uint64_t)snp_hv_cpuid((uint32_t)(req >> 32),
					       (unsigned)(req >> 30) & 3)
			<< 32) |
		       GHCB_MSR_CPUID_RESP;
		break;
	case GHCB_MSR_PREF_GPA_REQ:
		*out = (PREF_GPA_NONE << 12) | GHCB_MSR_PREF_GPA_RESP;
		break;
	case GHCB_MSR_REG_GPA_REQ:
		gfn = GHCB_MSR_DATA(req);
		if (gfn >= m->pages) {
			res->ok = false;
			*out = (PREF_GPA_NONE << 12) | GHCB_MSR_REG_GPA_RESP;
			break;
		}
		v->ghcb_registered[vmpl] = true;
		v->ghcb_gpa[vmpl] = gfn * SNP_PAGE_SIZE;
		*out = (gfn << 12) | GHCB_MSR_REG_GPA_RESP;
		break;
	case GHCB_MSR_PSC_REQ:
		*out = msr_psc(m, req);
		res->ok = GHCB_MSR_PSC_RESP_ERROR(*out) == 0;
		break;
	case GHCB_MSR_VMPL_REQ:
		res->ok = snp_hv_run_vmpl(m, v, vmpl, (req >> 32) & 0xFF,
					  can_switch, res);
		*out = ((uint64_t)(res->ok ? 0 : SNP_MSR_VMPL_ERROR) << 32) |
		       GHCB_MSR_VMPL_RESP;
		break;
	case GHCB_MSR_HV_FT_REQ:
		*out = (SNP_MACHINE_HV_FEATURES << 12) | GHCB_MSR_HV_FT_RESP;
		break;
	case GHCB_MSR_TERM_REQ:
		snp_machine_kill(m, (unsigned)(req >> 12) & 0xF,
				 (unsigned)(req >> 16) & 0xFF);
		res->next = SNP_HV_TERMINATED;
		res->ok = false;
		break;
	default:
		snp_machine_kill(m, SNP_MACHINE_TERM_SET_HV,
				 SNP_MACHINE_TERM_HV_BAD_REQUEST);
		res->next = SNP_HV_TERMINATED;
		res->ok = false;
		break;
	}
}
