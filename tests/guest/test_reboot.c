/* SPDX-License-Identifier: MIT */
/*
 * Guest-side tests of the reboot protocol: after SVSM_REBOOT_EXECUTE from
 * any vCPU the RMP, the vCPU registry, the deposit pool, the allocator's
 * counters and the launch pages equal their first-boot values, and a
 * failure before the point of no return changes nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "guest.h"
#include "reboot_state.h"
#include "machine/machine.h"
#include "abi/ghcb.h"
#include "abi/svsm_reboot.h"

/* Pages the tests use: an AP's VMSA and CA, scratch pages, a deposit. */
#define AP_VMSA(g) ((g)->low + 0x11000)
#define AP_CA(g) ((g)->low + 0x12000)
#define AP2_CA(g) ((g)->low + 0x13000)
#define SCRATCH(g, i) ((g)->low + 0x20000 + (uint64_t)(i)*PAGE)

static void create_ap(struct guest *g)
{
	make_ap_vmsa(g, AP_VMSA(g));
	assert_int_equal(pvalidate_one(g, AP_CA(g), false, true, false),
			 SVSM_SUCCESS);
	assert_int_equal(
		core_call(g, 0, SVSM_CORE_CREATE_VCPU, AP_VMSA(g), AP_CA(g), 1),
		SVSM_SUCCESS);
}

static uint32_t query(struct guest *g, unsigned vcpu)
{
	return core_call(g, vcpu, SVSM_CORE_QUERY_PROTOCOL,
			 SVSM_QUERY_PROTOCOL_ARG(0, 1), 0, 0);
}

static void deposit_page(struct guest *g, uint64_t gpa)
{
	uint8_t *p = gptr(g, ca_buf(g), 16);
	const uint64_t hdr = 1; /* entry_count 1, next 0 */
	const uint64_t e = gpa | SVSM_DEPOSIT_SIZE_4K;

	memcpy(p, &hdr, 8);
	memcpy(p + 8, &e, 8);
	assert_int_equal(
		core_call(g, 0, SVSM_CORE_DEPOSIT_MEM, ca_buf(g), 0, 0),
		SVSM_SUCCESS);
}

/*
 * What a guest does in a boot: 4 KiB and 2 MiB validations, an AP, a
 * deposit, a second CA for the AP (REMAP_CA on the AP).
 */
static void guest_work(struct guest *g)
{
	unsigned i;

	for (i = 0; i < 4; i++) {
		assert_int_equal(
			pvalidate_one(g, SCRATCH(g, i), false, true, false),
			SVSM_SUCCESS);
	}
	assert_int_equal(pvalidate_one(g, g->high, true, true, false),
			 SVSM_SUCCESS);
	create_ap(g);
	assert_int_equal(pvalidate_one(g, AP2_CA(g), false, true, false),
			 SVSM_SUCCESS);
	assert_int_equal(core_call(g, 1, SVSM_CORE_REMAP_CA, AP2_CA(g), 0, 0),
			 SVSM_SUCCESS);
	deposit_page(g, SCRATCH(g, 3));
	assert_int_equal(query(g, 1), SVSM_SUCCESS);
}

/* After a reboot: vCPU 1 has no VMSA; the guest can build it again. */
static void check_second_boot(struct guest *g)
{
	struct svsm_sim_regs r = {
		.rax = SVSM_CALL(SVSM_PROTOCOL_CORE, SVSM_CORE_QUERY_PROTOCOL),
	};

	assert_int_equal(svsm_sim_call(g->sim, 1, &r), -1);
	/* Every guest page is unvalidated again: access faults. */
	assert_int_equal(access_of(g, SCRATCH(g, 0), false),
			 SVSM_SIM_FAULT_NOT_VALIDATED);
	assert_int_equal(access_of(g, g->high, false),
			 SVSM_SIM_FAULT_NOT_VALIDATED);
	assert_int_equal(access_of(g, AP_VMSA(g), false),
			 SVSM_SIM_FAULT_NOT_VALIDATED);
	assert_int_equal(query(g, 0), SVSM_SUCCESS);
	create_ap(g);
	assert_int_equal(query(g, 1), SVSM_SUCCESS);
}

/** Confirm that QUERY_PROTOCOL reports the reboot protocol, version 1. */
static void reboot_query(void **state)
{
	struct guest *g = *state;
	struct svsm_sim_regs r = {
		.rax = SVSM_CALL(SVSM_PROTOCOL_CORE, SVSM_CORE_QUERY_PROTOCOL),
		.rcx = SVSM_QUERY_PROTOCOL_ARG(SVSM_PROTOCOL_REBOOT, 1),
	};

	assert_int_equal(raw_call(g, 0, &r), SVSM_SUCCESS);
	assert_int_equal(r.rcx, SVSM_QUERY_PROTOCOL_RESULT(1, 1));
	r.rax = SVSM_CALL(SVSM_PROTOCOL_CORE, SVSM_CORE_QUERY_PROTOCOL);
	r.rcx = SVSM_QUERY_PROTOCOL_ARG(SVSM_PROTOCOL_REBOOT, 2);
	assert_int_equal(raw_call(g, 0, &r), SVSM_SUCCESS);
	assert_int_equal(r.rcx, 0);
}

/** Confirm that bad calls are refused and change nothing. */
static void reboot_bad_calls(void **state)
{
	struct guest *g = *state;
	struct reboot_state *before, *after;
	struct svsm_sim_regs r = {
		.rax = SVSM_CALL(SVSM_PROTOCOL_REBOOT, SVSM_REBOOT_EXECUTE),
		.rcx = 1,
	};

	guest_work(g);
	before = reboot_state_take(g);
	assert_int_equal(raw_call(g, 0, &r), SVSM_ERR_INVALID_PARAMETER);
	r.rax = SVSM_CALL(SVSM_PROTOCOL_REBOOT, 1);
	r.rcx = 0;
	assert_int_equal(raw_call(g, 1, &r), SVSM_ERR_UNSUPPORTED_CALL);
	after = reboot_state_take(g);
	/* The boot VMSA took the first call's result: compare the rest. */
	memcpy(after->vmsa, before->vmsa, sizeof(after->vmsa));
	reboot_state_assert_equal(before, after);
	assert_int_equal(svsm_sim_reboots(g->sim), 0);
	reboot_state_free(before);
	reboot_state_free(after);
}

static void reboot_from(struct guest *g, unsigned vcpu)
{
	struct reboot_state *first = reboot_state_take(g);
	struct reboot_state *again;

	guest_work(g);
	reboot_call(g, vcpu);
	again = reboot_state_take(g);
	reboot_state_assert_equal(first, again);
	check_second_boot(g);
	reboot_state_free(first);
	reboot_state_free(again);
}

/** Confirm a reboot from the BSP with an AP running restores first boot. */
static void reboot_from_bsp(void **state)
{
	reboot_from(*state, 0);
}

/** Confirm a reboot from an AP restores first boot. */
static void reboot_from_ap(void **state)
{
	reboot_from(*state, 1);
}

/*
 * Confirm that a host refusing to stop a vCPU (AP destroy) fails the
 * reboot with INVALID_REQUEST before anything changed: the AP still runs,
 * every page is still validated.
 */
static void reboot_host_refuses(void **state)
{
	struct guest *g = *state;
	struct reboot_state *before, *after;
	struct svsm_sim_regs r = {
		.rax = SVSM_CALL(SVSM_PROTOCOL_REBOOT, SVSM_REBOOT_EXECUTE),
	};

	guest_work(g);
	before = reboot_state_take(g);
	snp_machine_hv_fault(snp_machine_current(), SVM_VMGEXIT_AP_CREATION,
			     SNP_HV_FAULT_ERROR);
	assert_int_equal(raw_call(g, 0, &r), SVSM_ERR_INVALID_REQUEST);
	after = reboot_state_take(g);
	/* The boot VMSA took this call's result: compare the rest. */
	memcpy(after->vmsa, before->vmsa, sizeof(after->vmsa));
	reboot_state_assert_equal(before, after);
	assert_int_equal(svsm_sim_reboots(g->sim), 0);
	assert_int_equal(query(g, 1), SVSM_SUCCESS);
	assert_int_equal(access_of(g, SCRATCH(g, 0), true), 0);
	reboot_state_free(before);
	reboot_state_free(after);
}

/*
 * Confirm that 100 reboots in a row, each after a boot's work, leave the
 * first boot's state every time: nothing leaks (allocator counters equal).
 */
static void reboot_hundred(void **state)
{
	struct guest *g = *state;
	struct reboot_state *first = reboot_state_take(g);
	unsigned i;

	for (i = 0; i < 100; i++) {
		struct reboot_state *again;

		guest_work(g);
		reboot_call(g, i % 2);
		again = reboot_state_take(g);
		reboot_state_assert_equal(first, again);
		reboot_state_free(again);
	}
	assert_int_equal(svsm_sim_reboots(g->sim), 100);
	reboot_state_free(first);
}

/*
 * Property: any sequence of validations (4 KiB and 2 MiB), invalidations,
 * deposits, withdrawals, vCPU creations and deletions and CA remaps,
 * followed by a reboot from any vCPU with a VMSA, leaves exactly the
 * first boot's state. Operations the SVSM refuses are part of the input.
 */
static void reboot_property(void **state)
{
	struct guest *g = *state;
	struct reboot_state *first = reboot_state_take(g);
	unsigned seq;

	for (seq = 0; seq < 60; seq++) {
		struct reboot_state *again;
		unsigned op, caller = 0;

		srand(seq + 1);
		for (op = 0; op < 24; op++) {
			uint64_t page = SCRATCH(g, rand() % 16);
			uint64_t big =
				g->high + (uint64_t)(rand() % 4) * SIZE_2M;
			struct svsm_sim_regs r = { 0 };

			switch (rand() % 8) {
			case 0:
			case 1:
				(void)pvalidate_one(g, page, false, true,
						    rand() % 2);
				break;
			case 2:
				(void)pvalidate_one(g, page, false, false,
						    rand() % 2);
				break;
			case 3:
				(void)pvalidate_one(g, big, true, rand() % 3,
						    false);
				break;
			case 4:
				r.rax = SVSM_CALL(SVSM_PROTOCOL_CORE,
						  SVSM_CORE_DEPOSIT_MEM);
				memcpy(gptr(g, ca_buf(g), 16),
				       (const uint64_t[]){ 1, page }, 16);
				r.rcx = ca_buf(g);
				(void)raw_call(g, 0, &r);
				break;
			case 5:
				r.rax = SVSM_CALL(SVSM_PROTOCOL_CORE,
						  SVSM_CORE_WITHDRAW_MEM);
				r.rcx = ca_buf(g);
				(void)raw_call(g, 0, &r);
				break;
			case 6:
				fill_ap_vmsa(g, page);
				(void)core_call(g, 0, SVSM_CORE_CREATE_VCPU,
						page, SCRATCH(g, rand() % 16),
						1);
				break;
			default:
				(void)core_call(g, 0, SVSM_CORE_DELETE_VCPU,
						page, 0, 0);
				break;
			}
		}
		if (snp_machine_vmsa_gpa(snp_machine_current(), 1, 2) != 0 &&
		    rand() % 2) {
			caller = 1;
		}
		reboot_call(g, caller);
		again = reboot_state_take(g);
		reboot_state_assert_equal(first, again);
		reboot_state_free(again);
	}
	reboot_state_free(first);
}

const struct CMUnitTest reboot_tests[] = {
	cmocka_unit_test_setup_teardown(reboot_query, guest_setup,
					guest_teardown),
	cmocka_unit_test_setup_teardown(reboot_bad_calls, guest_setup,
					guest_teardown),
	cmocka_unit_test_setup_teardown(reboot_from_bsp, guest_setup,
					guest_teardown),
	cmocka_unit_test_setup_teardown(reboot_from_ap, guest_setup,
					guest_teardown),
	cmocka_unit_test_setup_teardown(reboot_host_refuses, guest_setup,
					guest_teardown),
	cmocka_unit_test_setup_teardown(reboot_hundred, guest_setup,
					guest_teardown),
	cmocka_unit_test_setup_teardown(reboot_property, guest_setup,
					guest_teardown),
};
const size_t reboot_tests_count =
	sizeof(reboot_tests) / sizeof(reboot_tests[0]);
