/* SPDX-License-Identifier: MIT */
/*
 * VMPL0 fibers of the software SNP machine: boot, RUN_VMPL round trips
 * through the MSR and GHCB protocols, parking, halting, AP creation and
 * termination. Fiber code records what it saw in globals; the assertions
 * run in the main context.
 */
#include <string.h>

#include "machine_test.h"

#include "svsm/cpu.h"

#include "abi/ghcb.h"
#include "abi/snp_rmp.h"
#include "abi/vmsa.h"

#define GHCB0 0x10000ULL
#define GHCB2 0x11000ULL
#define GVMSA 0x20000ULL  /* vCPU 0, VMPL2 */
#define GVMSA1 0x21000ULL /* vCPU 1, VMPL2 */
#define BSPV 0x30000ULL	  /* vCPU 0, VMPL0 (launched) */
#define APV 0x31000ULL	  /* vCPU 1, VMPL0 */
#define FEAT (TM_STATUS >> 2)
#define CMD_OTHER_VMPL 99

static struct snp_machine *fm;
static uint64_t seen_arg;
static uint32_t seen_apic;
static int rounds;
static int bad_responses;
static int bad_exit_codes;
static int resumed;
static int ran_after_terminate;
static int ap_ran;
static int ap_ran_before_return;
static uint32_t ap_apic;
static uint64_t self_create_info1;
static uint64_t bsp_msr_after_ap;

static void reset_globals(struct snp_machine *m)
{
	fm = m;
	seen_arg = 0;
	seen_apic = 99;
	rounds = 0;
	bad_responses = 0;
	bad_exit_codes = 0;
	resumed = 0;
	ran_after_terminate = 0;
	ap_ran = 0;
	ap_ran_before_return = 0;
	ap_apic = 99;
	self_create_info1 = 0;
	bsp_msr_after_ap = 0;
}

static struct sev_vmsa *vmsa_at(uint64_t gpa)
{
	return (struct sev_vmsa *)(snp_machine_mem(fm) + gpa);
}

/* VMPL0 asks for RUN_VMPL(vmpl) through the MSR protocol. */
static void run_vmpl_msr(unsigned vmpl)
{
	if (tm_vmpl0_msr(GHCB_MSR_VMPL_REQ_LEVEL(vmpl)) != GHCB_MSR_VMPL_RESP) {
		bad_responses++;
	}
}

/* Serve the guest: RAX = 2 * RAX + 1, until asked for another VMPL. */
static void serve_guest(uint64_t guest_vmsa)
{
	struct sev_vmsa *g = vmsa_at(guest_vmsa);

	if (g->guest_exit_code != SVM_EXIT_VMGEXIT) {
		bad_exit_codes++;
	}
	if (g->rax == CMD_OTHER_VMPL) {
		/* No VMSA there: parks until the guest enters again. */
		run_vmpl_msr(3);
	}
	g->rax = g->rax * 2 + 1;
	rounds++;
}

static void bsp_msr_entry(uint64_t arg)
{
	seen_arg = arg;
	seen_apic = cpu_apic_id();
	for (;;) {
		run_vmpl_msr(2);
		serve_guest(GVMSA);
	}
}

static void bsp_ghcb_entry(uint64_t arg)
{
	struct ghcb *g = tm_ghcb(fm, GHCB0);

	seen_arg = arg;
	for (;;) {
		tm_ghcb_req(fm, GHCB0, SVM_VMGEXIT_SNP_RUN_VMPL, 2, 0);
		tm_vmpl0_ghcb_exit(GHCB0);
		if (g->sw_exit_info_1 != 0) {
			bad_responses++;
		}
		serve_guest(GVMSA);
	}
}

/* vCPU 0's VMPL2 VMSA (created on INIT) and the launched BSP VMSA. */
static void machine_setup(struct snp_machine *m, void (*entry)(uint64_t))
{
	reset_globals(m);
	tm_vmpl0_ghcb_register(GHCB0);
	tm_make_vmsa(m, GVMSA, 2, NULL, 0);
	assert_int_equal(tm_ap_create(m, GHCB0, 0, 2, 0, GVMSA, FEAT, NULL),
			 GHCB_RESULT_OK);
	tm_fill_vmsa(m, BSPV, 0, entry, 0x1234);
	assert_int_equal(snp_machine_launch_page(m, BSPV, SNP_LAUNCH_VMSA), 0);
}

/* Confirm boot and MSR-protocol RUN_VMPL round trips with values. */
static void fiber_round_trip_msr(void **state)
{
	struct snp_machine *m = *state;
	uint64_t i, r;
	int rc = -1;

	machine_setup(m, bsp_msr_entry);
	assert_int_equal(snp_machine_boot(m, 0, BSPV), 0);
	assert_int_equal(seen_arg, 0x1234);
	assert_int_equal(seen_apic, 0);
	assert_int_equal(rounds, 0);
	assert_int_equal(snp_machine_vmsa_gpa(m, 0, 0), BSPV);
	for (i = 0; i < 5; i++) {
		vmsa_at(GVMSA)->rax = i;
		vmsa_at(GVMSA)->guest_exit_code = 0;
		r = tm_guest_msr(m, 0, 2, GHCB_MSR_VMPL_REQ_LEVEL(0), &rc);
		assert_int_equal(rc, 0);
		assert_int_equal(r, GHCB_MSR_VMPL_RESP);
		assert_int_equal(vmsa_at(GVMSA)->rax, 2 * i + 1);
		assert_int_equal(rounds, i + 1);
	}
	/* The VMPL0 context runs VMPL3 instead: not back to VMPL2. */
	vmsa_at(GVMSA)->rax = CMD_OTHER_VMPL;
	tm_guest_msr(m, 0, 2, GHCB_MSR_VMPL_REQ_LEVEL(0), &rc);
	assert_int_equal(rc, -1);
	vmsa_at(GVMSA)->rax = 7;
	tm_guest_msr(m, 0, 2, GHCB_MSR_VMPL_REQ_LEVEL(0), &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(vmsa_at(GVMSA)->rax, 15);
	assert_int_equal(bad_responses, 0);
	assert_int_equal(bad_exit_codes, 0);
	assert_false(snp_machine_terminated(m, NULL, NULL));
}

/* Confirm the GHCB-page form of RUN_VMPL on both sides. */
static void fiber_round_trip_ghcb(void **state)
{
	struct snp_machine *m = *state;
	struct ghcb *g = tm_ghcb(m, GHCB2);
	uint64_t i;
	int rc = -1;

	machine_setup(m, bsp_ghcb_entry);
	assert_int_equal(snp_machine_boot(m, 0, BSPV), 0);
	tm_guest_msr(m, 0, 2, GHCB_MSR_REG_GPA(GHCB2 >> 12), &rc);
	assert_int_equal(rc, 0);
	for (i = 0; i < 3; i++) {
		vmsa_at(GVMSA)->rax = 10 + i;
		tm_ghcb_req(m, GHCB2, SVM_VMGEXIT_SNP_RUN_VMPL, 0, 0);
		snp_machine_guest_wrmsr(m, 0, 2, MSR_GHCB, GHCB2);
		assert_int_equal(snp_machine_guest_vmgexit(m, 0, 2), 0);
		assert_int_equal(g->sw_exit_info_1, 0);
		assert_int_equal(vmsa_at(GVMSA)->rax, 2 * (10 + i) + 1);
	}
	/* RUN_VMPL to a VMPL other than VMPL0 or itself is refused. */
	tm_ghcb_req(m, GHCB2, SVM_VMGEXIT_SNP_RUN_VMPL, 1, 0);
	assert_int_equal(snp_machine_guest_vmgexit(m, 0, 2), -1);
	assert_int_equal(g->sw_exit_info_1, GHCB_RESULT_ERROR);
	assert_int_equal(rounds, 3);
	assert_int_equal(bad_responses, 0);
}

static void ap_park_entry(uint64_t arg)
{
	(void)arg;
	seen_apic = cpu_apic_id();
	run_vmpl_msr(2); /* no VMSA yet: parks */
	resumed++;
	for (;;) {
		serve_guest(GVMSA1);
		run_vmpl_msr(2);
	}
}

/* Confirm a fiber asking for a VMPL without a VMSA parks. */
static void fiber_parks(void **state)
{
	struct snp_machine *m = *state;
	int rc = -1;

	reset_globals(m);
	tm_vmpl0_ghcb_register(GHCB0);
	tm_make_vmsa(m, APV, 0, ap_park_entry, 0);
	assert_int_equal(snp_machine_boot(m, 1, APV), 0);
	assert_int_equal(seen_apic, 1);
	assert_int_equal(resumed, 0);
	assert_int_equal(snp_machine_guest_vmgexit(m, 1, 2), -1);
	tm_make_vmsa(m, GVMSA1, 2, NULL, 0);
	assert_int_equal(tm_ap_create(m, GHCB0, 1, 2, 0, GVMSA1, FEAT, NULL),
			 GHCB_RESULT_OK);
	vmsa_at(GVMSA1)->rax = 1;
	tm_guest_msr(m, 1, 2, GHCB_MSR_VMPL_REQ_LEVEL(0), &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(resumed, 1);
	assert_int_equal(vmsa_at(GVMSA1)->rax, 3);
	assert_int_equal(bad_responses, 0);
}

static void halt_entry(uint64_t arg)
{
	seen_arg = arg;
}

/* Confirm a fiber whose entry returns halts for good. */
static void fiber_halts(void **state)
{
	struct snp_machine *m = *state;
	int rc = 0;

	machine_setup(m, halt_entry);
	assert_int_equal(snp_machine_boot(m, 0, BSPV), 0);
	assert_int_equal(seen_arg, 0x1234);
	tm_guest_msr(m, 0, 2, GHCB_MSR_VMPL_REQ_LEVEL(0), &rc);
	assert_int_equal(rc, -1);
	assert_false(snp_machine_terminated(m, NULL, NULL));
	/* Boot needs a VMSA page naming VMPL0, and a real vCPU. */
	assert_int_equal(snp_machine_boot(m, 0, GVMSA), -1);
	assert_int_equal(snp_machine_boot(m, 5, BSPV), -1);
	assert_int_equal(snp_machine_boot(m, 0, BSPV + 1), -1);
	assert_int_equal(snp_machine_boot(m, 0, TM_MEM), -1);
	/* Booting again restarts the context. */
	seen_arg = 0;
	assert_int_equal(snp_machine_boot(m, 0, BSPV), 0);
	assert_int_equal(seen_arg, 0x1234);
}

static void terminate_entry(uint64_t arg)
{
	(void)arg;
	tm_vmpl0_msr(GHCB_MSR_TERM(0, 7));
	ran_after_terminate++;
}

/* Confirm termination from a fiber: never resumed, every VMGEXIT fails. */
static void fiber_terminates(void **state)
{
	struct snp_machine *m = *state;
	unsigned set = 9, code = 9;
	int rc = 0;

	machine_setup(m, terminate_entry);
	assert_int_equal(snp_machine_boot(m, 0, BSPV), -1);
	assert_true(snp_machine_terminated(m, &set, &code));
	assert_int_equal(set, 0);
	assert_int_equal(code, 7);
	assert_int_equal(ran_after_terminate, 0);
	tm_guest_msr(m, 0, 2, GHCB_MSR_VMPL_REQ_LEVEL(0), &rc);
	assert_int_equal(rc, -1);
	assert_int_equal(ran_after_terminate, 0);
}

static void ap_entry(uint64_t arg)
{
	ap_ran++;
	ap_apic = cpu_apic_id();
	if (arg == 1) {
		tm_vmpl0_msr(GHCB_MSR_TERM(1, 9));
		ran_after_terminate++;
	}
	run_vmpl_msr(2); /* no guest VMSA on vCPU 1: parks */
	ap_ran++;
}

static void bsp_creates_ap(uint64_t arg)
{
	bool cf;

	seen_apic = cpu_apic_id();
	/* The SVSM builds the AP's VMSA page like real VMPL0 code. */
	tm_vmpl0_msr(GHCB_MSR_PSC(APV >> 12, GHCB_MSR_PSC_OP_PRIVATE));
	cpu_pvalidate(snp_machine_mem(fm) + APV, CPU_PAGE_4K, true, &cf);
	tm_fill_vmsa(fm, APV, 0, ap_entry, arg);
	cpu_rmpadjust(snp_machine_mem(fm) + APV, CPU_PAGE_4K,
		      RMPADJUST_VMSA | 1);
	tm_ap_create(fm, GHCB0, 1, 0, SVM_VMGEXIT_AP_CREATE, APV, FEAT, NULL);
	ap_ran_before_return = ap_ran;
	/* The AP's MSR-protocol requests went to its own GHCB MSR. */
	bsp_msr_after_ap = cpu_rdmsr(MSR_GHCB);
	if (arg == 1) {
		ran_after_terminate++;
	}
	/* Creating our own running VMPL0 context is refused. */
	self_create_info1 = tm_ap_create(fm, GHCB0, 0, 0, SVM_VMGEXIT_AP_CREATE,
					 BSPV, FEAT, NULL);
	seen_apic = cpu_apic_id();
	for (;;) {
		run_vmpl_msr(2);
		serve_guest(GVMSA);
	}
}

/* Confirm an AP created at VMPL0 runs before its creator continues. */
static void fiber_ap_creation(void **state)
{
	struct snp_machine *m = *state;
	int rc = -1;

	machine_setup(m, bsp_creates_ap);
	assert_int_equal(snp_machine_boot(m, 0, BSPV), 0);
	assert_int_equal(ap_ran, 1);
	assert_int_equal(ap_ran_before_return, 1);
	assert_int_equal(ap_apic, 1);
	assert_int_equal(seen_apic, 0);
	assert_int_equal(self_create_info1, GHCB_RESULT_ERROR);
	assert_int_equal(bsp_msr_after_ap, GHCB0);
	assert_int_equal(snp_machine_guest_rdmsr(m, 1, 0, MSR_GHCB),
			 GHCB_MSR_VMPL_RESP);
	assert_int_equal(snp_machine_vmsa_gpa(m, 1, 0), APV);
	vmsa_at(GVMSA)->rax = 2;
	tm_guest_msr(m, 0, 2, GHCB_MSR_VMPL_REQ_LEVEL(0), &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(vmsa_at(GVMSA)->rax, 5);
	assert_int_equal(ap_ran, 1);
}

/* Confirm termination inside an AP abandons its creator too. */
static void fiber_ap_terminates(void **state)
{
	struct snp_machine *m = *state;
	unsigned set = 0, code = 0;

	machine_setup(m, bsp_creates_ap);
	tm_fill_vmsa(m, BSPV, 0, bsp_creates_ap, 1); /* launched copy */
	assert_int_equal(snp_machine_boot(m, 0, BSPV), -1);
	assert_true(snp_machine_terminated(m, &set, &code));
	assert_int_equal(set, 1);
	assert_int_equal(code, 9);
	assert_int_equal(ap_ran, 1);
	assert_int_equal(ran_after_terminate, 0);
}

static uint32_t get_mxcsr(void)
{
	uint32_t v;

	__asm__ volatile("stmxcsr %0" : "=m"(v));
	return v;
}

static void set_mxcsr(uint32_t v)
{
	__asm__ volatile("ldmxcsr %0" : : "m"(v));
}

static uint16_t get_fpu_cw(void)
{
	uint16_t v;

	__asm__ volatile("fnstcw %0" : "=m"(v));
	return v;
}

static void set_fpu_cw(uint16_t v)
{
	__asm__ volatile("fldcw %0" : : "m"(v));
}

static uint32_t fiber_mxcsr_first, fiber_mxcsr_later;
static uint16_t fiber_cw_first;
static int fiber_frame_aligned;

static void control_words_entry(uint64_t arg)
{
	(void)arg;
	/* With frame pointers, RBP is 16-aligned iff the entry's RSP was. */
	fiber_frame_aligned = ((uintptr_t)__builtin_frame_address(0) & 15) == 0;
	fiber_mxcsr_first = get_mxcsr();
	fiber_cw_first = get_fpu_cw();
	set_mxcsr(0x3F80); /* round down */
	for (;;) {
		run_vmpl_msr(2);
		fiber_mxcsr_later = get_mxcsr();
		serve_guest(GVMSA);
	}
}

/*
 * Confirm what the register switch (fiber_switch.S) keeps per context: a
 * new fiber starts with the default MXCSR and x87 control word on an
 * ABI-aligned stack, and each context finds its own control words again
 * after a switch (the System V ABI makes them callee-saved).
 */
static void fiber_switch_keeps_control_words(void **state)
{
	struct snp_machine *m = *state;
	int rc = -1;

	set_mxcsr(0x7F80);  /* round toward zero */
	set_fpu_cw(0x027F); /* 53-bit precision */
	machine_setup(m, control_words_entry);
	assert_int_equal(snp_machine_boot(m, 0, BSPV), 0);
	assert_int_equal(get_mxcsr() & 0xFFC0, 0x7F80);
	assert_int_equal(get_fpu_cw(), 0x027F);
	assert_int_equal(fiber_mxcsr_first & 0xFFC0, 0x1F80);
	assert_int_equal(fiber_cw_first, 0x037F);
	assert_true(fiber_frame_aligned);
	vmsa_at(GVMSA)->guest_exit_code = 0;
	tm_guest_msr(m, 0, 2, GHCB_MSR_VMPL_REQ_LEVEL(0), &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(fiber_mxcsr_later & 0xFFC0, 0x3F80);
	assert_int_equal(get_mxcsr() & 0xFFC0, 0x7F80);
	assert_int_equal(get_fpu_cw(), 0x027F);
	set_mxcsr(0x1F80);
	set_fpu_cw(0x037F);
}

int machine_test_fiber(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(fiber_round_trip_msr, tm_setup2,
						tm_teardown),
		cmocka_unit_test_setup_teardown(fiber_round_trip_ghcb,
						tm_setup2, tm_teardown),
		cmocka_unit_test_setup_teardown(fiber_parks, tm_setup2,
						tm_teardown),
		cmocka_unit_test_setup_teardown(fiber_halts, tm_setup2,
						tm_teardown),
		cmocka_unit_test_setup_teardown(fiber_terminates, tm_setup2,
						tm_teardown),
		cmocka_unit_test_setup_teardown(fiber_ap_creation, tm_setup2,
						tm_teardown),
		cmocka_unit_test_setup_teardown(fiber_ap_terminates, tm_setup2,
						tm_teardown),
		cmocka_unit_test_setup_teardown(
			fiber_switch_keeps_control_words, tm_setup2,
			tm_teardown),
	};

	return cmocka_run_group_tests_name("machine_fiber", tests, NULL, NULL);
}
