/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the software SNP machine: the runner and shared helpers.
 */
#include <string.h>

#include "machine_test.h"

#include "svsm/cpu.h"

#include "abi/ghcb.h"
#include "abi/snp_rmp.h"
#include "abi/vmsa.h"

struct snp_machine *tm_create(unsigned vcpus)
{
	struct snp_machine_config cfg = {
		.mem_bytes = TM_MEM,
		.vcpus = vcpus,
		.sev_status = TM_STATUS,
	};

	return snp_machine_create(&cfg);
}

int tm_setup(void **state)
{
	*state = tm_create(1);
	return *state == NULL ? -1 : 0;
}

int tm_setup2(void **state)
{
	*state = tm_create(2);
	return *state == NULL ? -1 : 0;
}

int tm_teardown(void **state)
{
	snp_machine_destroy(*state);
	return 0;
}

void tm_private(struct snp_machine *m, uint64_t gpa)
{
	bool cf;

	assert_int_equal(snp_machine_rmp_update(m, gpa, false, true), 0);
	assert_int_equal(
		snp_machine_pvalidate(m, gpa, RMP_PG_SIZE_4K, true, &cf),
		PVALIDATE_SUCCESS);
}

void tm_fill_vmsa(struct snp_machine *m, uint64_t gpa, unsigned vmpl,
		  void (*entry)(uint64_t), uint64_t arg)
{
	struct sev_vmsa *v = (struct sev_vmsa *)(snp_machine_mem(m) + gpa);
	uint64_t rip;

	memcpy(&rip, &entry, sizeof(rip));
	memset(v, 0, sizeof(*v));
	v->vmpl = (uint8_t)vmpl;
	v->rip = rip;
	v->rdi = arg;
	v->efer = EFER_SVME;
	v->sev_features = TM_STATUS >> 2;
}

void tm_make_vmsa(struct snp_machine *m, uint64_t gpa, unsigned vmpl,
		  void (*entry)(uint64_t), uint64_t arg)
{
	tm_private(m, gpa);
	tm_fill_vmsa(m, gpa, vmpl, entry, arg);
	assert_int_equal(snp_machine_rmpadjust(m, 0, gpa, RMP_PG_SIZE_4K,
					       RMPADJUST_VMSA | 1),
			 RMPADJUST_SUCCESS);
}

struct ghcb *tm_ghcb(struct snp_machine *m, uint64_t gpa)
{
	return (struct ghcb *)(snp_machine_mem(m) + gpa);
}

void tm_ghcb_set(struct snp_machine *m, uint64_t gpa, unsigned off,
		 uint64_t val)
{
	struct ghcb *g = tm_ghcb(m, gpa);

	memcpy((uint8_t *)g + off, &val, sizeof(val));
	g->valid_bitmap[GHCB_VALID_BYTE(off)] |=
		(uint8_t)(1U << GHCB_VALID_BIT(off));
}

int tm_ghcb_valid(struct snp_machine *m, uint64_t gpa, unsigned off)
{
	struct ghcb *g = tm_ghcb(m, gpa);

	return (g->valid_bitmap[GHCB_VALID_BYTE(off)] >> GHCB_VALID_BIT(off)) &
	       1;
}

void tm_ghcb_req(struct snp_machine *m, uint64_t gpa, uint64_t code,
		 uint64_t info1, uint64_t info2)
{
	struct ghcb *g = tm_ghcb(m, gpa);

	memset(g, 0, sizeof(*g));
	g->protocol_version = 2;
	tm_ghcb_set(m, gpa, 0x390, code);
	tm_ghcb_set(m, gpa, 0x398, info1);
	tm_ghcb_set(m, gpa, 0x3A0, info2);
}

uint64_t tm_vmpl0_msr(uint64_t req)
{
	cpu_wrmsr(MSR_GHCB, req);
	cpu_vmgexit();
	return cpu_rdmsr(MSR_GHCB);
}

void tm_vmpl0_ghcb_register(uint64_t gpa)
{
	assert_int_equal(tm_vmpl0_msr(GHCB_MSR_REG_GPA(gpa >> 12)),
			 GHCB_MSR_REG_GPA(gpa >> 12) - GHCB_MSR_REG_GPA_REQ +
				 GHCB_MSR_REG_GPA_RESP);
}

void tm_vmpl0_ghcb_exit(uint64_t gpa)
{
	cpu_wrmsr(MSR_GHCB, gpa);
	cpu_vmgexit();
}

uint64_t tm_guest_msr(struct snp_machine *m, unsigned apic, unsigned vmpl,
		      uint64_t req, int *rc)
{
	int r;

	snp_machine_guest_wrmsr(m, apic, vmpl, MSR_GHCB, req);
	r = snp_machine_guest_vmgexit(m, apic, vmpl);
	if (rc != NULL) {
		*rc = r;
	}
	return snp_machine_guest_rdmsr(m, apic, vmpl, MSR_GHCB);
}

uint64_t tm_ap_create(struct snp_machine *m, uint64_t ghcb, unsigned apic,
		      unsigned vmpl, unsigned req, uint64_t vmsa,
		      uint64_t features, uint64_t *info2)
{
	tm_ghcb_req(m, ghcb, SVM_VMGEXIT_AP_CREATION,
		    SVM_VMGEXIT_AP_EXITINFO1(apic, vmpl, req), vmsa);
	tm_ghcb_set(m, ghcb, 0x1F8, features);
	tm_vmpl0_ghcb_exit(ghcb);
	if (info2 != NULL) {
		*info2 = tm_ghcb(m, ghcb)->sw_exit_info_2;
	}
	return tm_ghcb(m, ghcb)->sw_exit_info_1;
}

int main(void)
{
	int failed = 0;

	failed += machine_test_rmp();
	failed += machine_test_psp();
	failed += machine_test_memory();
	failed += machine_test_hv();
	failed += machine_test_fiber();
	failed += machine_test_cpu();
	return failed == 0 ? 0 : 1;
}
