/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor of the software SNP machine: the GHCB MSR protocol, the
 * GHCB page protocol, page state changes, AP creation, guest requests and
 * termination. VMPL0 requests come from the main context, where the
 * machine interface acts on vCPU 0.
 */
#include <string.h>

#include "machine_test.h"

#include "svsm/cpu.h"

#include "abi/ghcb.h"
#include "abi/snp_rmp.h"
#include "abi/vmsa.h"

#define GHCB0 0x10000ULL  /* VMPL0 GHCB of vCPU 0 */
#define GHCB2 0x11000ULL  /* VMPL2 GHCB of vCPU 0 */
#define REQ_PG 0x12000ULL /* guest-request pages */
#define RESP_PG 0x13000ULL
#define GVMSA 0x20000ULL /* VMPL2 VMSA of vCPU 0 */
#define PSC_2M 0x400000ULL
#define FEAT (TM_STATUS >> 2)

/* VMPL0 registers a GHCB and creates vCPU 0's VMPL2 VMSA (on INIT). */
static void guest_setup(struct snp_machine *m)
{
	tm_vmpl0_ghcb_register(GHCB0);
	tm_make_vmsa(m, GVMSA, 2, NULL, 0);
	assert_int_equal(tm_ap_create(m, GHCB0, 0, 2,
				      SVM_VMGEXIT_AP_CREATE_ON_INIT, GVMSA,
				      FEAT, NULL),
			 GHCB_RESULT_OK);
	assert_int_equal(snp_machine_vmsa_gpa(m, 0, 2), GVMSA);
}

/* Confirm the SEV information response. */
static void msr_sev_info(void **state)
{
	uint64_t r = tm_vmpl0_msr(GHCB_MSR_SEV_INFO_REQ);

	(void)state;
	assert_int_equal(GHCB_MSR_INFO(r), GHCB_MSR_SEV_INFO_RESP);
	assert_int_equal(r >> 48, 2);
	assert_int_equal((r >> 32) & 0xFFFF, 1);
	assert_int_equal((r >> 24) & 0xFF, SNP_MACHINE_CBIT);
}

/* Confirm CPUID requests answer from the hypervisor's table. */
static void msr_cpuid(void **state)
{
	uint64_t r;

	(void)state;
	r = tm_vmpl0_msr(GHCB_MSR_CPUID_REQ | (0x8000001FULL << 32) |
			 (1ULL << 30));
	assert_int_equal(GHCB_MSR_INFO(r), GHCB_MSR_CPUID_RESP);
	assert_int_equal((r >> 32) & 0x3F, SNP_MACHINE_CBIT);
	r = tm_vmpl0_msr(GHCB_MSR_CPUID_REQ | (0x8000001FULL << 32));
	assert_int_equal((r >> 32) & 0x10, 0x10); /* SNP */
	r = tm_vmpl0_msr(GHCB_MSR_CPUID_REQ | (0x40000000ULL << 32));
	assert_int_equal(r, GHCB_MSR_CPUID_RESP);
}

/* Confirm preferred-GHCB, registration, HV features responses. */
static void msr_ghcb_and_features(void **state)
{
	uint64_t r;

	(void)state;
	r = tm_vmpl0_msr(GHCB_MSR_PREF_GPA_REQ);
	assert_int_equal(r,
			 (0xFFFFFFFFFFFFFULL << 12) | GHCB_MSR_PREF_GPA_RESP);
	r = tm_vmpl0_msr(GHCB_MSR_REG_GPA(0x10));
	assert_int_equal(r, (0x10ULL << 12) | GHCB_MSR_REG_GPA_RESP);
	r = tm_vmpl0_msr(GHCB_MSR_REG_GPA(TM_MEM >> 12));
	assert_int_equal(r, (0xFFFFFFFFFFFFFULL << 12) | GHCB_MSR_REG_GPA_RESP);
	r = tm_vmpl0_msr(GHCB_MSR_HV_FT_REQ);
	assert_int_equal(GHCB_MSR_INFO(r), GHCB_MSR_HV_FT_RESP);
	assert_int_equal(r >> 12, GHCB_HV_FT_SNP | GHCB_HV_FT_SNP_AP_CREATION |
					  GHCB_HV_FT_SNP_MULTI_VMPL);
}

/* Confirm page state changes through the MSR protocol. */
static void msr_psc(void **state)
{
	struct snp_machine *m = *state;
	uint64_t r;

	assert_false(snp_machine_rmp(m, 0x300000)->guest_shared);
	r = tm_vmpl0_msr(GHCB_MSR_PSC(0x300, GHCB_MSR_PSC_OP_PRIVATE));
	assert_int_equal(r, GHCB_MSR_PSC_RESP);
	assert_true(snp_machine_rmp(m, 0x300000)->assigned);
	assert_false(snp_machine_rmp(m, 0x300000)->validated);
	r = tm_vmpl0_msr(GHCB_MSR_PSC(0x300, GHCB_MSR_PSC_OP_SHARED));
	assert_int_equal(r, GHCB_MSR_PSC_RESP);
	assert_false(snp_machine_rmp(m, 0x300000)->assigned);
	/* Shared on the guest's request (not merely never touched). */
	assert_true(snp_machine_rmp(m, 0x300000)->guest_shared);
	r = tm_vmpl0_msr(GHCB_MSR_PSC(0x300, GHCB_MSR_PSC_OP_PRIVATE));
	assert_int_equal(r, GHCB_MSR_PSC_RESP);
	assert_false(snp_machine_rmp(m, 0x300000)->guest_shared);
	r = tm_vmpl0_msr(GHCB_MSR_PSC(0x300, 3));
	assert_int_not_equal(GHCB_MSR_PSC_RESP_ERROR(r), 0);
	r = tm_vmpl0_msr(GHCB_MSR_PSC(TM_MEM >> 12, GHCB_MSR_PSC_OP_PRIVATE));
	assert_int_not_equal(GHCB_MSR_PSC_RESP_ERROR(r), 0);
	assert_int_equal(GHCB_MSR_INFO(r), GHCB_MSR_PSC_RESP);
}

/* Confirm RUN_VMPL from VMPL0 code in the main context is refused. */
static void msr_run_vmpl_main_context(void **state)
{
	uint64_t r;

	(void)state;
	r = tm_vmpl0_msr(GHCB_MSR_VMPL_REQ_LEVEL(2));
	assert_int_equal(GHCB_MSR_INFO(r), GHCB_MSR_VMPL_RESP);
	assert_int_not_equal(GHCB_MSR_VMPL_RESP_ERROR(r), 0);
	r = tm_vmpl0_msr(GHCB_MSR_VMPL_REQ_LEVEL(0));
	assert_int_equal(r, GHCB_MSR_VMPL_RESP); /* already at VMPL0 */
	r = tm_vmpl0_msr(GHCB_MSR_VMPL_REQ_LEVEL(7));
	assert_int_not_equal(GHCB_MSR_VMPL_RESP_ERROR(r), 0);
}

/* Confirm MSR-protocol termination; later guest VMGEXITs fail. */
static void msr_termination(void **state)
{
	struct snp_machine *m = *state;
	unsigned set = 0, code = 0;
	int rc = 0;

	guest_setup(m);
	assert_false(snp_machine_terminated(m, &set, &code));
	tm_vmpl0_msr(GHCB_MSR_TERM(1, 0x42));
	assert_true(snp_machine_terminated(m, &set, &code));
	assert_int_equal(set, 1);
	assert_int_equal(code, 0x42);
	tm_guest_msr(m, 0, 2, GHCB_MSR_SEV_INFO_REQ, &rc);
	assert_int_equal(rc, -1);
	assert_int_equal(snp_machine_boot(m, 0, GVMSA), -1);
}

/* Confirm an unknown MSR-protocol request stops the VM. */
static void msr_unknown_request(void **state)
{
	struct snp_machine *m = *state;
	unsigned set = 0, code = 0;

	tm_vmpl0_msr(0x0FE);
	assert_true(snp_machine_terminated(m, &set, &code));
	assert_int_equal(set, SNP_MACHINE_TERM_SET_HV);
	assert_int_equal(code, SNP_MACHINE_TERM_HV_BAD_REQUEST);
}

/* Confirm the guest's MSR view and its own MSR-protocol requests. */
static void guest_msrs(void **state)
{
	struct snp_machine *m = *state;
	int rc = -1;
	uint64_t r;

	guest_setup(m);
	assert_int_equal(snp_machine_guest_rdmsr(m, 0, 2, 0xC0010131),
			 TM_STATUS);
	r = tm_guest_msr(m, 0, 2, GHCB_MSR_HV_FT_REQ, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(GHCB_MSR_INFO(r), GHCB_MSR_HV_FT_RESP);
	/* The VMPL0 GHCB MSR is a separate register. */
	assert_int_equal(snp_machine_guest_rdmsr(m, 0, 0, MSR_GHCB), GHCB0);
	assert_int_equal(snp_machine_guest_rdmsr(m, 0, 9, MSR_GHCB), 0);
	assert_int_equal(snp_machine_guest_rdmsr(m, 0, 2, 0x10), 0);
	/* GUEST_EXIT_CODE is stored on the guest's VMGEXIT. */
	assert_int_equal(((struct sev_vmsa *)(snp_machine_mem(m) + GVMSA))
				 ->guest_exit_code,
			 SVM_EXIT_VMGEXIT);
	/* No VMSA at VMPL1 or VMPL3, and VMPL0 is never the main context. */
	assert_int_equal(snp_machine_guest_vmgexit(m, 0, 1), -1);
	assert_int_equal(snp_machine_guest_vmgexit(m, 0, 0), -1);
	assert_int_equal(snp_machine_guest_vmgexit(m, 5, 2), -1);
	/* The guest cannot run VMPL0 when no VMPL0 context exists. */
	r = tm_guest_msr(m, 0, 2, GHCB_MSR_VMPL_REQ_LEVEL(0), &rc);
	assert_int_equal(rc, -1);
	assert_int_not_equal(GHCB_MSR_VMPL_RESP_ERROR(r), 0);
	r = tm_guest_msr(m, 0, 2, GHCB_MSR_VMPL_REQ_LEVEL(2), &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(r, GHCB_MSR_VMPL_RESP);
}

/* Confirm a GHCB HV_FEATURES exit and the valid bitmap of the response. */
static void ghcb_hv_features(void **state)
{
	struct snp_machine *m = *state;
	struct ghcb *g = tm_ghcb(m, GHCB0);

	tm_vmpl0_ghcb_register(GHCB0);
	tm_ghcb_req(m, GHCB0, SVM_VMGEXIT_HV_FEATURES, 0, 0);
	tm_ghcb_set(m, GHCB0, 0x308, 5); /* an unused input */
	tm_vmpl0_ghcb_exit(GHCB0);
	assert_int_equal(g->sw_exit_info_1, GHCB_RESULT_OK);
	assert_int_equal(g->sw_exit_info_2, SNP_MACHINE_HV_FEATURES);
	assert_true(tm_ghcb_valid(m, GHCB0, 0x398));
	assert_true(tm_ghcb_valid(m, GHCB0, 0x3A0));
	assert_false(tm_ghcb_valid(m, GHCB0, 0x308));
	assert_false(tm_ghcb_valid(m, GHCB0, 0x390));
}

/* Confirm the GHCB protocol errors. */
static void ghcb_errors(void **state)
{
	struct snp_machine *m = *state;
	struct ghcb *g = tm_ghcb(m, GHCB0);

	tm_ghcb_req(m, GHCB0, SVM_VMGEXIT_HV_FEATURES, 0, 0);
	tm_vmpl0_ghcb_exit(GHCB0);
	assert_int_equal(g->sw_exit_info_1, GHCB_RESULT_ERROR);
	assert_int_equal(g->sw_exit_info_2, GHCB_ERR_NOT_REGISTERED);

	tm_vmpl0_ghcb_register(GHCB0);
	tm_ghcb_req(m, GHCB0, SVM_VMGEXIT_HV_FEATURES, 0, 0);
	g->ghcb_usage = 1;
	tm_vmpl0_ghcb_exit(GHCB0);
	assert_int_equal(g->sw_exit_info_1, GHCB_RESULT_ERROR);
	assert_int_equal(g->sw_exit_info_2, GHCB_ERR_INVALID_USAGE);

	tm_ghcb_req(m, GHCB0, SVM_VMGEXIT_HV_FEATURES, 0, 0);
	g->protocol_version = 1;
	tm_vmpl0_ghcb_exit(GHCB0);
	assert_int_equal(g->sw_exit_info_2, GHCB_ERR_INVALID_INPUT);

	tm_ghcb_req(m, GHCB0, SVM_VMGEXIT_HV_FEATURES, 0, 0);
	g->valid_bitmap[GHCB_VALID_BYTE(0x390)] = 0;
	tm_vmpl0_ghcb_exit(GHCB0);
	assert_int_equal(g->sw_exit_info_1, GHCB_RESULT_ERROR);
	assert_int_equal(g->sw_exit_info_2, GHCB_ERR_MISSING_INPUT);

	tm_ghcb_req(m, GHCB0, 0x1234, 0, 0);
	tm_vmpl0_ghcb_exit(GHCB0);
	assert_int_equal(g->sw_exit_info_1, GHCB_RESULT_ERROR);
	assert_int_equal(g->sw_exit_info_2, GHCB_ERR_INVALID_INPUT);

	/* Registered elsewhere. */
	tm_vmpl0_ghcb_register(GHCB2);
	tm_ghcb_req(m, GHCB0, SVM_VMGEXIT_HV_FEATURES, 0, 0);
	tm_vmpl0_ghcb_exit(GHCB0);
	assert_int_equal(g->sw_exit_info_2, GHCB_ERR_NOT_REGISTERED);
}

/* Confirm a private GHCB kills the VM. */
static void ghcb_private_kills(void **state)
{
	struct snp_machine *m = *state;
	unsigned set, code;

	tm_private(m, GHCB0);
	tm_vmpl0_ghcb_register(GHCB0);
	tm_ghcb_req(m, GHCB0, SVM_VMGEXIT_HV_FEATURES, 0, 0);
	tm_vmpl0_ghcb_exit(GHCB0);
	assert_true(snp_machine_terminated(m, &set, &code));
	assert_int_equal(set, SNP_MACHINE_TERM_SET_HV);
	assert_int_equal(code, SNP_MACHINE_TERM_HV_BAD_GHCB);
	assert_int_equal(tm_ghcb(m, GHCB0)->sw_exit_info_2, 0);
}

/* Confirm a GHCB outside guest memory kills the VM. */
static void ghcb_out_of_range_kills(void **state)
{
	struct snp_machine *m = *state;

	tm_vmpl0_ghcb_exit(TM_MEM);
	assert_true(snp_machine_terminated(m, NULL, NULL));
}

/* Confirm the MSR exit: SEV_STATUS reads, everything else #GP. */
static void ghcb_msr_exit(void **state)
{
	struct snp_machine *m = *state;
	struct ghcb *g = tm_ghcb(m, GHCB0);

	tm_vmpl0_ghcb_register(GHCB0);
	tm_ghcb_req(m, GHCB0, SVM_VMGEXIT_MSR, 0, 0);
	tm_ghcb_set(m, GHCB0, 0x308, 0xC0010131);
	tm_vmpl0_ghcb_exit(GHCB0);
	assert_int_equal(g->sw_exit_info_1, GHCB_RESULT_OK);
	assert_int_equal(g->rax, TM_STATUS);
	assert_int_equal(g->rdx, 0);
	assert_true(tm_ghcb_valid(m, GHCB0, 0x1F8));
	assert_true(tm_ghcb_valid(m, GHCB0, 0x310));

	tm_ghcb_req(m, GHCB0, SVM_VMGEXIT_MSR, 0, 0);
	tm_vmpl0_ghcb_exit(GHCB0);
	assert_int_equal(g->sw_exit_info_2, GHCB_ERR_MISSING_INPUT);

	tm_ghcb_req(m, GHCB0, SVM_VMGEXIT_MSR, 0, 0);
	tm_ghcb_set(m, GHCB0, 0x308, 0x1B);
	tm_vmpl0_ghcb_exit(GHCB0);
	assert_int_equal(g->sw_exit_info_1, GHCB_RESULT_EXCEPTION);
	assert_int_equal(g->sw_exit_info_2 & 0xFF, 13);

	tm_ghcb_req(m, GHCB0, SVM_VMGEXIT_MSR, 1, 0);
	tm_ghcb_set(m, GHCB0, 0x308, 0xC0010131);
	tm_ghcb_set(m, GHCB0, 0x1F8, 0);
	tm_ghcb_set(m, GHCB0, 0x310, 0);
	tm_vmpl0_ghcb_exit(GHCB0);
	assert_int_equal(g->sw_exit_info_1, GHCB_RESULT_EXCEPTION);

	tm_ghcb_req(m, GHCB0, SVM_VMGEXIT_MSR, 2, 0);
	tm_vmpl0_ghcb_exit(GHCB0);
	assert_int_equal(g->sw_exit_info_2, GHCB_ERR_INVALID_INPUT);
}

/* Confirm the CPUID exit answers from the hypervisor's table. */
static void ghcb_cpuid_exit(void **state)
{
	struct snp_machine *m = *state;
	struct ghcb *g = tm_ghcb(m, GHCB0);

	tm_vmpl0_ghcb_register(GHCB0);
	tm_ghcb_req(m, GHCB0, SVM_VMGEXIT_CPUID, 0, 0);
	tm_ghcb_set(m, GHCB0, 0x1F8, 0x8000001F);
	tm_ghcb_set(m, GHCB0, 0x308, 0);
	tm_vmpl0_ghcb_exit(GHCB0);
	assert_int_equal(g->sw_exit_info_1, GHCB_RESULT_OK);
	assert_int_equal(g->rbx & 0x3F, SNP_MACHINE_CBIT);
	assert_int_equal(g->rax & 0x10, 0x10);
	assert_true(tm_ghcb_valid(m, GHCB0, 0x310));
	tm_ghcb_req(m, GHCB0, SVM_VMGEXIT_CPUID, 0, 0);
	tm_ghcb_set(m, GHCB0, 0x1F8, 0);
	tm_vmpl0_ghcb_exit(GHCB0);
	assert_int_equal(g->sw_exit_info_2, GHCB_ERR_MISSING_INPUT);
}

/* Confirm the hosted machine refuses IOIO exits: it has no ports. */
static void ghcb_ioio_refused(void **state)
{
	struct snp_machine *m = *state;
	struct ghcb *g = tm_ghcb(m, GHCB0);

	tm_vmpl0_ghcb_register(GHCB0);
	tm_ghcb_req(m, GHCB0, SVM_VMGEXIT_IOIO, (0x3F8ULL << 16) | 0x10, 0);
	tm_ghcb_set(m, GHCB0, 0x1F8, 'x');
	tm_vmpl0_ghcb_exit(GHCB0);
	assert_int_equal(g->sw_exit_info_1, GHCB_RESULT_ERROR);
	assert_int_equal(g->sw_exit_info_2, GHCB_ERR_INVALID_INPUT);
	/* A string form is refused before any port is touched. */
	tm_ghcb_req(m, GHCB0, SVM_VMGEXIT_IOIO, (0x3F8ULL << 16) | 0x14, 0);
	tm_vmpl0_ghcb_exit(GHCB0);
	assert_int_equal(g->sw_exit_info_2, GHCB_ERR_INVALID_INPUT);
	/* An OUT without RAX misses its input. */
	tm_ghcb_req(m, GHCB0, SVM_VMGEXIT_IOIO, (0x3F8ULL << 16) | 0x10, 0);
	tm_vmpl0_ghcb_exit(GHCB0);
	assert_int_equal(g->sw_exit_info_2, GHCB_ERR_MISSING_INPUT);
}

static struct psc_desc *psc_begin(struct snp_machine *m, unsigned end)
{
	struct psc_desc *d;

	tm_ghcb_req(m, GHCB0, SVM_VMGEXIT_PSC, 0, 0);
	tm_ghcb_set(m, GHCB0, 0x3A8, GHCB0 + 0x800);
	d = (struct psc_desc *)tm_ghcb(m, GHCB0)->shared_buffer;
	d->hdr.cur_entry = 0;
	d->hdr.end_entry = (uint16_t)end;
	return d;
}

/* Confirm a PSC buffer: 4 KiB and 2 MiB entries, progress fields. */
static void ghcb_psc(void **state)
{
	struct snp_machine *m = *state;
	struct ghcb *g = tm_ghcb(m, GHCB0);
	struct psc_desc *d;

	tm_vmpl0_ghcb_register(GHCB0);
	d = psc_begin(m, 2);
	d->entries[0] = PSC_ENTRY(0x300, PSC_OP_PRIVATE, false);
	d->entries[1] = PSC_ENTRY(0x301, PSC_OP_PRIVATE, false);
	d->entries[2] = PSC_ENTRY(PSC_2M >> 12, PSC_OP_PRIVATE, true);
	tm_vmpl0_ghcb_exit(GHCB0);
	assert_int_equal(g->sw_exit_info_1, 0);
	assert_int_equal(g->sw_exit_info_2, 0);
	assert_int_equal(d->hdr.cur_entry, 3);
	assert_int_equal(d->entries[0] & 0xFFF, 1);
	assert_int_equal(d->entries[2] & 0xFFF, 512);
	assert_true(snp_machine_rmp(m, 0x301000)->assigned);
	assert_true(snp_machine_rmp(m, PSC_2M + 0x1FF000)->page_2m);

	/* PSMASH, then a shared 4 KiB page inside, then UNSMASH refused. */
	d = psc_begin(m, 1);
	d->entries[0] = PSC_ENTRY(PSC_2M >> 12, PSC_OP_PSMASH, true);
	d->entries[1] = PSC_ENTRY((PSC_2M >> 12) + 1, PSC_OP_SHARED, false);
	tm_vmpl0_ghcb_exit(GHCB0);
	assert_int_equal(g->sw_exit_info_2, 0);
	assert_false(snp_machine_rmp(m, PSC_2M)->page_2m);
	assert_true(snp_machine_rmp(m, PSC_2M)->assigned);
	assert_false(snp_machine_rmp(m, PSC_2M + TM_PAGE)->assigned);
	d = psc_begin(m, 0);
	d->entries[0] = PSC_ENTRY(PSC_2M >> 12, PSC_OP_UNSMASH, true);
	tm_vmpl0_ghcb_exit(GHCB0);
	assert_int_equal(g->sw_exit_info_2, SNP_PSC_ERROR_INVALID_ENTRY);
	assert_int_equal(d->hdr.cur_entry, 0);

	/* Partly done 2 MiB entry: the remaining pages only. */
	d = psc_begin(m, 0);
	d->entries[0] = PSC_ENTRY(PSC_2M >> 12, PSC_OP_PRIVATE, true) | 1;
	tm_vmpl0_ghcb_exit(GHCB0);
	assert_int_equal(g->sw_exit_info_2, 0);
	assert_true(snp_machine_rmp(m, PSC_2M + TM_PAGE)->assigned);
	d = psc_begin(m, 0);
	d->entries[0] = PSC_ENTRY(PSC_2M >> 12, PSC_OP_UNSMASH, true);
	tm_vmpl0_ghcb_exit(GHCB0);
	assert_int_equal(g->sw_exit_info_2, 0);
	assert_true(snp_machine_rmp(m, PSC_2M + TM_PAGE)->page_2m);
}

/* Confirm the PSC buffer checks. */
static void ghcb_psc_errors(void **state)
{
	struct snp_machine *m = *state;
	struct ghcb *g = tm_ghcb(m, GHCB0);
	struct psc_desc *d;

	tm_vmpl0_ghcb_register(GHCB0);
	psc_begin(m, 253);
	tm_vmpl0_ghcb_exit(GHCB0);
	assert_int_equal(g->sw_exit_info_1, 0);
	assert_int_equal(g->sw_exit_info_2, SNP_PSC_ERROR_INVALID_HDR);

	d = psc_begin(m, 2);
	d->entries[0] = PSC_ENTRY(0x300, PSC_OP_PRIVATE, false);
	d->entries[1] = PSC_ENTRY(0x301, PSC_OP_PRIVATE, true); /* unaligned */
	d->entries[2] = PSC_ENTRY(0x302, PSC_OP_PRIVATE, false);
	tm_vmpl0_ghcb_exit(GHCB0);
	assert_int_equal(g->sw_exit_info_2, SNP_PSC_ERROR_INVALID_ENTRY);
	assert_int_equal(d->hdr.cur_entry, 1);
	assert_true(snp_machine_rmp(m, 0x300000)->assigned);
	assert_false(snp_machine_rmp(m, 0x302000)->assigned);

	d = psc_begin(m, 0);
	d->entries[0] = PSC_ENTRY(0x300, PSC_OP_PRIVATE, false) | 2;
	tm_vmpl0_ghcb_exit(GHCB0);
	assert_int_equal(g->sw_exit_info_2, SNP_PSC_ERROR_INVALID_ENTRY);

	d = psc_begin(m, 0);
	d->entries[0] = PSC_ENTRY(0x303, 7, false);
	tm_vmpl0_ghcb_exit(GHCB0);
	assert_int_equal(g->sw_exit_info_2, SNP_PSC_ERROR_INVALID_ENTRY);

	/* A partly done 2 MiB entry stopping at a VMSA page records progress. */
	tm_make_vmsa(m, PSC_2M + 3 * TM_PAGE, 2, NULL, 0);
	d = psc_begin(m, 0);
	d->entries[0] = PSC_ENTRY(PSC_2M >> 12, PSC_OP_SHARED, true) | 1;
	tm_vmpl0_ghcb_exit(GHCB0);
	assert_int_equal(g->sw_exit_info_2, SNP_PSC_ERROR_INVALID_ENTRY);
	assert_int_equal(d->entries[0] & 0xFFF, 3);
	assert_int_equal(d->hdr.cur_entry, 0);
	assert_false(snp_machine_rmp(m, PSC_2M + 2 * TM_PAGE)->assigned);
	assert_true(snp_machine_rmp(m, PSC_2M + 3 * TM_PAGE)->vmsa);

	/* Nothing left to do. */
	d = psc_begin(m, 0);
	d->hdr.cur_entry = 1;
	tm_vmpl0_ghcb_exit(GHCB0);
	assert_int_equal(g->sw_exit_info_2, 0);

	/* The scratch area must be the GHCB's shared buffer. */
	psc_begin(m, 0);
	tm_ghcb_set(m, GHCB0, 0x3A8, GHCB0 + 0x100);
	tm_vmpl0_ghcb_exit(GHCB0);
	assert_int_equal(g->sw_exit_info_1, GHCB_RESULT_ERROR);
	assert_int_equal(g->sw_exit_info_2, GHCB_ERR_INVALID_SCRATCH_AREA);
	psc_begin(m, 10);
	tm_ghcb_set(m, GHCB0, 0x3A8, GHCB0 + 0xFA0);
	d = (struct psc_desc *)(tm_ghcb(m, GHCB0)->shared_buffer + 0x7A0);
	d->hdr.cur_entry = 0;
	d->hdr.end_entry = 10;
	tm_vmpl0_ghcb_exit(GHCB0);
	assert_int_equal(g->sw_exit_info_2, GHCB_ERR_INVALID_SCRATCH_AREA);
	tm_ghcb_req(m, GHCB0, SVM_VMGEXIT_PSC, 0, 0);
	tm_vmpl0_ghcb_exit(GHCB0);
	assert_int_equal(g->sw_exit_info_2, GHCB_ERR_MISSING_INPUT);
}

/* Confirm a PSC made by the guest itself through its GHCB page. */
static void ghcb_psc_from_guest(void **state)
{
	struct snp_machine *m = *state;
	struct psc_desc *d;
	int rc = -1;

	guest_setup(m);
	tm_guest_msr(m, 0, 2, GHCB_MSR_REG_GPA(GHCB2 >> 12), &rc);
	assert_int_equal(rc, 0);
	tm_ghcb_req(m, GHCB2, SVM_VMGEXIT_PSC, 0, 0);
	tm_ghcb_set(m, GHCB2, 0x3A8, GHCB2 + 0x800);
	d = (struct psc_desc *)tm_ghcb(m, GHCB2)->shared_buffer;
	d->hdr.end_entry = 0;
	d->entries[0] = PSC_ENTRY(0x305, PSC_OP_PRIVATE, false);
	snp_machine_guest_wrmsr(m, 0, 2, MSR_GHCB, GHCB2);
	assert_int_equal(snp_machine_guest_vmgexit(m, 0, 2), 0);
	assert_true(snp_machine_rmp(m, 0x305000)->assigned);
	/* Refused requests make the VMGEXIT fail. */
	tm_ghcb_req(m, GHCB2, 0x999, 0, 0);
	assert_int_equal(snp_machine_guest_vmgexit(m, 0, 2), -1);
}

static struct snp_guest_request last_req;
static int greq_calls;

static uint64_t greq_handler(struct snp_machine *m, void *ctx,
			     struct snp_guest_request *req)
{
	(void)m;
	assert_ptr_equal(ctx, &last_req);
	last_req = *req;
	greq_calls++;
	if (req->extended) {
		req->certs_pages = 4;
		return 1ULL << 32; /* VMM INVALID_LEN */
	}
	return 0x16;
}

/* Confirm the guest-request hook and the checks before it. */
static void ghcb_guest_request(void **state)
{
	struct snp_machine *m = *state;
	struct ghcb *g = tm_ghcb(m, GHCB0);

	tm_vmpl0_ghcb_register(GHCB0);
	tm_ghcb_req(m, GHCB0, SVM_VMGEXIT_GUEST_REQUEST, REQ_PG, RESP_PG);
	tm_vmpl0_ghcb_exit(GHCB0);
	assert_int_equal(g->sw_exit_info_2, GHCB_ERR_INVALID_INPUT);

	snp_machine_set_guest_request_handler(m, greq_handler, &last_req);
	greq_calls = 0;
	tm_ghcb_req(m, GHCB0, SVM_VMGEXIT_GUEST_REQUEST, REQ_PG, RESP_PG);
	tm_vmpl0_ghcb_exit(GHCB0);
	assert_int_equal(g->sw_exit_info_1, 0);
	assert_int_equal(g->sw_exit_info_2, 0x16);
	assert_int_equal(greq_calls, 1);
	assert_false(last_req.extended);
	assert_int_equal(last_req.req_gpa, REQ_PG);
	assert_int_equal(last_req.resp_gpa, RESP_PG);
	assert_int_equal(last_req.vmpl, 0);

	tm_ghcb_req(m, GHCB0, SVM_VMGEXIT_EXT_GUEST_REQUEST, REQ_PG, RESP_PG);
	tm_ghcb_set(m, GHCB0, 0x1F8, 0x30000);
	tm_ghcb_set(m, GHCB0, 0x318, 1);
	tm_vmpl0_ghcb_exit(GHCB0);
	assert_int_equal(g->sw_exit_info_2, 1ULL << 32);
	assert_int_equal(g->rbx, 4);
	assert_true(tm_ghcb_valid(m, GHCB0, 0x318));
	assert_true(last_req.extended);
	assert_int_equal(last_req.certs_gpa, 0x30000);

	tm_ghcb_req(m, GHCB0, SVM_VMGEXIT_EXT_GUEST_REQUEST, REQ_PG, RESP_PG);
	tm_vmpl0_ghcb_exit(GHCB0);
	assert_int_equal(g->sw_exit_info_2, GHCB_ERR_MISSING_INPUT);

	/* Private or misaligned pages never reach the PSP. */
	tm_private(m, REQ_PG);
	tm_ghcb_req(m, GHCB0, SVM_VMGEXIT_GUEST_REQUEST, REQ_PG, RESP_PG);
	tm_vmpl0_ghcb_exit(GHCB0);
	assert_int_equal(g->sw_exit_info_2, GHCB_ERR_INVALID_INPUT);
	tm_ghcb_req(m, GHCB0, SVM_VMGEXIT_GUEST_REQUEST, RESP_PG + 8, RESP_PG);
	tm_vmpl0_ghcb_exit(GHCB0);
	assert_int_equal(g->sw_exit_info_2, GHCB_ERR_INVALID_INPUT);
	assert_int_equal(greq_calls, 2);
	snp_machine_set_guest_request_handler(m, NULL, NULL);
}

/* Confirm the AP creation checks. */
static void ghcb_ap_creation_rules(void **state)
{
	struct snp_machine *m = *state;
	uint64_t info2 = 0;

	tm_vmpl0_ghcb_register(GHCB0);
	tm_make_vmsa(m, GVMSA, 2, NULL, 0);
	/* Unknown APIC ID, bad request, VMPL mismatch, no VMSA bit. */
	assert_int_equal(tm_ap_create(m, GHCB0, 7, 2, 1, GVMSA, FEAT, &info2),
			 GHCB_RESULT_ERROR);
	assert_int_equal(info2, GHCB_ERR_INVALID_INPUT);
	assert_int_equal(tm_ap_create(m, GHCB0, 1, 2, 3, GVMSA, FEAT, NULL),
			 GHCB_RESULT_ERROR);
	assert_int_equal(tm_ap_create(m, GHCB0, 1, 1, 0, GVMSA, FEAT, NULL),
			 GHCB_RESULT_ERROR);
	assert_int_equal(
		tm_ap_create(m, GHCB0, 1, 2, 0, GVMSA + TM_PAGE, FEAT, NULL),
		GHCB_RESULT_ERROR);
	assert_int_equal(tm_ap_create(m, GHCB0, 1, 2, 0, GVMSA + 8, FEAT, NULL),
			 GHCB_RESULT_ERROR);
	/* SEV features: SNP active, within the VM's, equal to the VMSA's. */
	assert_int_equal(tm_ap_create(m, GHCB0, 1, 2, 0, GVMSA, 0, NULL),
			 GHCB_RESULT_ERROR);
	assert_int_equal(tm_ap_create(m, GHCB0, 1, 2, 0, GVMSA, FEAT | 8, NULL),
			 GHCB_RESULT_ERROR);
	tm_ghcb_req(m, GHCB0, SVM_VMGEXIT_AP_CREATION,
		    SVM_VMGEXIT_AP_EXITINFO1(1, 2, 0), GVMSA);
	tm_vmpl0_ghcb_exit(GHCB0);
	assert_int_equal(tm_ghcb(m, GHCB0)->sw_exit_info_2,
			 GHCB_ERR_MISSING_INPUT);
	assert_int_equal(snp_machine_vmsa_gpa(m, 1, 2), 0);
	/* Valid: create on INIT, then destroy. */
	assert_int_equal(tm_ap_create(m, GHCB0, 1, 2, 0, GVMSA, FEAT, NULL),
			 GHCB_RESULT_OK);
	assert_int_equal(snp_machine_vmsa_gpa(m, 1, 2), GVMSA);
	assert_int_equal(tm_ap_create(m, GHCB0, 1, 2, 2, 0, 0, NULL),
			 GHCB_RESULT_OK);
	assert_int_equal(snp_machine_vmsa_gpa(m, 1, 2), 0);
	assert_int_equal(snp_machine_vmsa_gpa(m, 9, 2), 0);
}

static int ap_started;

static void count_entry(uint64_t arg)
{
	(void)arg;
	ap_started++;
}

/* Confirm AP creation at VMPL0 starts the AP, or fails without memory. */
static void ghcb_ap_create_now(void **state)
{
	struct snp_machine *m = *state;
	uint64_t info2 = 0;

	ap_started = 0;
	tm_vmpl0_ghcb_register(GHCB0);
	tm_make_vmsa(m, GVMSA, 0, count_entry, 0);
	snp_machine_fail_alloc_nth(1);
	assert_int_equal(tm_ap_create(m, GHCB0, 1, 0, SVM_VMGEXIT_AP_CREATE,
				      GVMSA, FEAT, &info2),
			 GHCB_RESULT_ERROR);
	snp_machine_fail_alloc_nth(0);
	assert_int_equal(info2, GHCB_ERR_INVALID_INPUT);
	assert_int_equal(snp_machine_vmsa_gpa(m, 1, 0), 0);
	assert_int_equal(ap_started, 0);
	assert_int_equal(tm_ap_create(m, GHCB0, 1, 0, SVM_VMGEXIT_AP_CREATE,
				      GVMSA, FEAT, NULL),
			 GHCB_RESULT_OK);
	assert_int_equal(ap_started, 1);
	assert_int_equal(snp_machine_vmsa_gpa(m, 1, 0), GVMSA);
	/* Destroying it frees the halted context. */
	assert_int_equal(tm_ap_create(m, GHCB0, 1, 0, SVM_VMGEXIT_AP_DESTROY, 0,
				      0, NULL),
			 GHCB_RESULT_OK);
	assert_int_equal(snp_machine_vmsa_gpa(m, 1, 0), 0);
}

static uint32_t own_vmsa_rc;

/* An AP's VMPL0: take the VMSA bit off its own VMSA, which it runs. */
static void clear_own_vmsa(uint64_t vmsa_gpa)
{
	own_vmsa_rc = snp_machine_rmpadjust(snp_machine_current(), 0, vmsa_gpa,
					    RMP_PG_SIZE_4K, 1);
}

/*
 * Confirm RMPADJUST refuses to clear the VMSA bit of a VMSA in use
 * (FAIL_INUSE, the page unchanged) and clears it once the VMSA stopped.
 */
static void rmpadjust_vmsa_in_use(void **state)
{
	struct snp_machine *m = *state;

	own_vmsa_rc = 0;
	tm_vmpl0_ghcb_register(GHCB0);
	tm_make_vmsa(m, GVMSA, 0, clear_own_vmsa, GVMSA);
	assert_int_equal(tm_ap_create(m, GHCB0, 1, 0, SVM_VMGEXIT_AP_CREATE,
				      GVMSA, FEAT, NULL),
			 GHCB_RESULT_OK);
	assert_int_equal(own_vmsa_rc, RMPADJUST_FAIL_INUSE);
	assert_true(snp_machine_rmp(m, GVMSA)->vmsa);
	/* Its entry returned: the context halted, nothing runs the VMSA. */
	assert_int_equal(snp_machine_rmpadjust(m, 0, GVMSA, RMP_PG_SIZE_4K, 1),
			 RMPADJUST_SUCCESS);
	assert_false(snp_machine_rmp(m, GVMSA)->vmsa);
}

/*
 * Confirm AP destroy of a lower VMPL's VMSA leaves the vCPU's VMPL0
 * context (the front end hears of every VMPL's destruction).
 */
static void ghcb_ap_destroy_lower_vmpl(void **state)
{
	struct snp_machine *m = *state;

	ap_started = 0;
	tm_vmpl0_ghcb_register(GHCB0);
	tm_make_vmsa(m, GVMSA, 0, count_entry, 0);
	tm_make_vmsa(m, GVMSA + TM_PAGE, 2, NULL, 0);
	assert_int_equal(tm_ap_create(m, GHCB0, 1, 2,
				      SVM_VMGEXIT_AP_CREATE_ON_INIT,
				      GVMSA + TM_PAGE, FEAT, NULL),
			 GHCB_RESULT_OK);
	assert_int_equal(tm_ap_create(m, GHCB0, 1, 0, SVM_VMGEXIT_AP_CREATE,
				      GVMSA, FEAT, NULL),
			 GHCB_RESULT_OK);
	assert_int_equal(tm_ap_create(m, GHCB0, 1, 2, SVM_VMGEXIT_AP_DESTROY, 0,
				      0, NULL),
			 GHCB_RESULT_OK);
	assert_int_equal(snp_machine_vmsa_gpa(m, 1, 2), 0);
	assert_int_equal(snp_machine_vmsa_gpa(m, 1, 0), GVMSA);
	assert_int_equal(ap_started, 1);
	/* Not running any more: both VMSA bits come off. */
	assert_int_equal(
		snp_machine_rmpadjust(m, 0, GVMSA + TM_PAGE, RMP_PG_SIZE_4K, 1),
		RMPADJUST_SUCCESS);
	assert_int_equal(tm_ap_create(m, GHCB0, 1, 0, SVM_VMGEXIT_AP_DESTROY, 0,
				      0, NULL),
			 GHCB_RESULT_OK);
	assert_int_equal(snp_machine_rmpadjust(m, 0, GVMSA, RMP_PG_SIZE_4K, 1),
			 RMPADJUST_SUCCESS);
}

/* Confirm the guest cannot create a VMSA for a more privileged VMPL. */
static void ghcb_ap_creation_from_guest(void **state)
{
	struct snp_machine *m = *state;
	int rc = 0;

	guest_setup(m);
	tm_make_vmsa(m, GVMSA + TM_PAGE, 0, NULL, 0);
	tm_guest_msr(m, 0, 2, GHCB_MSR_REG_GPA(GHCB2 >> 12), &rc);
	tm_ghcb_req(m, GHCB2, SVM_VMGEXIT_AP_CREATION,
		    SVM_VMGEXIT_AP_EXITINFO1(1, 0, 0), GVMSA + TM_PAGE);
	tm_ghcb_set(m, GHCB2, 0x1F8, FEAT);
	snp_machine_guest_wrmsr(m, 0, 2, MSR_GHCB, GHCB2);
	assert_int_equal(snp_machine_guest_vmgexit(m, 0, 2), -1);
	assert_int_equal(tm_ghcb(m, GHCB2)->sw_exit_info_2,
			 GHCB_ERR_INVALID_INPUT);
	assert_int_equal(snp_machine_vmsa_gpa(m, 1, 0), 0);
}

/* Confirm GHCB termination and that the VM stays dead. */
static void ghcb_termination(void **state)
{
	struct snp_machine *m = *state;
	unsigned set, code;

	guest_setup(m);
	tm_ghcb_req(m, GHCB0, SVM_VMGEXIT_TERM_REQUEST, 3 | (0x21 << 4), 0);
	tm_vmpl0_ghcb_exit(GHCB0);
	assert_true(snp_machine_terminated(m, &set, &code));
	assert_int_equal(set, 3);
	assert_int_equal(code, 0x21);
	assert_int_equal(snp_machine_guest_vmgexit(m, 0, 2), -1);
}

/* Confirm the guest itself can terminate the VM (MSR protocol). */
static void guest_terminates(void **state)
{
	struct snp_machine *m = *state;
	unsigned set = 0, code = 0;
	int rc = 0;

	guest_setup(m);
	tm_guest_msr(m, 0, 2, GHCB_MSR_TERM(2, 5), &rc);
	assert_int_equal(rc, -1);
	assert_true(snp_machine_terminated(m, &set, &code));
	assert_int_equal(set, 2);
	assert_int_equal(code, 5);
	tm_guest_msr(m, 0, 2, GHCB_MSR_HV_FT_REQ, &rc);
	assert_int_equal(rc, -1);
}

int machine_test_hv(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(msr_sev_info, tm_setup2,
						tm_teardown),
		cmocka_unit_test_setup_teardown(msr_cpuid, tm_setup2,
						tm_teardown),
		cmocka_unit_test_setup_teardown(msr_ghcb_and_features,
						tm_setup2, tm_teardown),
		cmocka_unit_test_setup_teardown(msr_psc, tm_setup2,
						tm_teardown),
		cmocka_unit_test_setup_teardown(msr_run_vmpl_main_context,
						tm_setup2, tm_teardown),
		cmocka_unit_test_setup_teardown(msr_termination, tm_setup2,
						tm_teardown),
		cmocka_unit_test_setup_teardown(msr_unknown_request, tm_setup2,
						tm_teardown),
		cmocka_unit_test_setup_teardown(guest_msrs, tm_setup2,
						tm_teardown),
		cmocka_unit_test_setup_teardown(ghcb_hv_features, tm_setup2,
						tm_teardown),
		cmocka_unit_test_setup_teardown(ghcb_errors, tm_setup2,
						tm_teardown),
		cmocka_unit_test_setup_teardown(ghcb_private_kills, tm_setup2,
						tm_teardown),
		cmocka_unit_test_setup_teardown(ghcb_out_of_range_kills,
						tm_setup2, tm_teardown),
		cmocka_unit_test_setup_teardown(ghcb_msr_exit, tm_setup2,
						tm_teardown),
		cmocka_unit_test_setup_teardown(ghcb_cpuid_exit, tm_setup2,
						tm_teardown),
		cmocka_unit_test_setup_teardown(ghcb_ioio_refused, tm_setup2,
						tm_teardown),
		cmocka_unit_test_setup_teardown(ghcb_psc, tm_setup2,
						tm_teardown),
		cmocka_unit_test_setup_teardown(ghcb_psc_errors, tm_setup2,
						tm_teardown),
		cmocka_unit_test_setup_teardown(ghcb_psc_from_guest, tm_setup2,
						tm_teardown),
		cmocka_unit_test_setup_teardown(ghcb_guest_request, tm_setup2,
						tm_teardown),
		cmocka_unit_test_setup_teardown(ghcb_ap_creation_rules,
						tm_setup2, tm_teardown),
		cmocka_unit_test_setup_teardown(rmpadjust_vmsa_in_use,
						tm_setup2, tm_teardown),
		cmocka_unit_test_setup_teardown(ghcb_ap_destroy_lower_vmpl,
						tm_setup2, tm_teardown),
		cmocka_unit_test_setup_teardown(ghcb_ap_create_now, tm_setup2,
						tm_teardown),
		cmocka_unit_test_setup_teardown(ghcb_ap_creation_from_guest,
						tm_setup2, tm_teardown),
		cmocka_unit_test_setup_teardown(ghcb_termination, tm_setup2,
						tm_teardown),
		cmocka_unit_test_setup_teardown(guest_terminates, tm_setup2,
						tm_teardown),
	};

	return cmocka_run_group_tests_name("machine_hv", tests, NULL, NULL);
}
