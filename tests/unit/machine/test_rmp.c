/* SPDX-License-Identifier: MIT */
/*
 * PVALIDATE, RMPADJUST, RMPUPDATE and the access checks of the software
 * SNP machine.
 */
#include <string.h>

#include "machine_test.h"

#include "svsm/sim.h"

#include "abi/snp_rmp.h"

#define PAGE_A 0x100000ULL /* 1 MiB: inside the first 2 MiB range */
#define RANGE_2M 0x400000ULL

/* Confirm that validating an assigned page succeeds with CF clear. */
static void pvalidate_4k_validates(void **state)
{
	struct snp_machine *m = *state;
	const struct rmp_entry *e;
	bool cf = true;

	assert_int_equal(snp_machine_rmp_update(m, PAGE_A, false, true), 0);
	e = snp_machine_rmp(m, PAGE_A);
	assert_true(e->assigned);
	assert_false(e->validated);
	assert_int_equal(
		snp_machine_pvalidate(m, PAGE_A, RMP_PG_SIZE_4K, true, &cf),
		PVALIDATE_SUCCESS);
	assert_false(cf);
	assert_true(e->validated);
	assert_int_equal(e->perms[0], RMP_PERM_ALL);
	assert_int_equal(e->perms[1] | e->perms[2] | e->perms[3], 0);
}

/* Confirm that PVALIDATE sets CF and changes nothing when state matches. */
static void pvalidate_unchanged_sets_cf(void **state)
{
	struct snp_machine *m = *state;
	const struct rmp_entry *e;
	bool cf = false;

	tm_private(m, PAGE_A);
	e = snp_machine_rmp(m, PAGE_A);
	assert_int_equal(
		snp_machine_pvalidate(m, PAGE_A, RMP_PG_SIZE_4K, true, &cf),
		PVALIDATE_SUCCESS);
	assert_true(cf);
	assert_true(e->validated);
	assert_int_equal(
		snp_machine_pvalidate(m, PAGE_A, RMP_PG_SIZE_4K, false, &cf),
		PVALIDATE_SUCCESS);
	assert_false(cf);
	assert_false(e->validated);
	assert_int_equal(
		snp_machine_pvalidate(m, PAGE_A, RMP_PG_SIZE_4K, false, &cf),
		PVALIDATE_SUCCESS);
	assert_true(cf);
	assert_false(e->validated);
}

/* Confirm that bad operands and pages the guest does not own are FAIL_INPUT. */
static void pvalidate_bad_input(void **state)
{
	struct snp_machine *m = *state;
	bool cf = true;

	assert_int_equal(snp_machine_rmp_update(m, PAGE_A, false, true), 0);
	assert_int_equal(snp_machine_pvalidate(m, PAGE_A, 2, true, &cf),
			 PVALIDATE_FAIL_INPUT);
	assert_false(cf);
	assert_int_equal(
		snp_machine_pvalidate(m, PAGE_A + 8, RMP_PG_SIZE_4K, true, &cf),
		PVALIDATE_FAIL_INPUT);
	assert_int_equal(
		snp_machine_pvalidate(m, PAGE_A, RMP_PG_SIZE_2M, true, &cf),
		PVALIDATE_FAIL_INPUT); /* not 2 MiB aligned */
	assert_int_equal(
		snp_machine_pvalidate(m, TM_MEM, RMP_PG_SIZE_4K, true, &cf),
		PVALIDATE_FAIL_INPUT);
	assert_int_equal(snp_machine_pvalidate(m, TM_MEM - TM_2M / 2,
					       RMP_PG_SIZE_2M, true, &cf),
			 PVALIDATE_FAIL_INPUT);
	/* Unassigned (shared) page: the hardware would take #NPF. */
	assert_int_equal(snp_machine_pvalidate(m, PAGE_A + TM_PAGE,
					       RMP_PG_SIZE_4K, true, &cf),
			 PVALIDATE_FAIL_INPUT);
	assert_false(snp_machine_rmp(m, PAGE_A + TM_PAGE)->validated);
	assert_false(snp_machine_rmp(m, PAGE_A)->validated);
}

/* Confirm that a 2 MiB PVALIDATE over 4 KiB entries is a size mismatch. */
static void pvalidate_2m_over_4k_sizemismatch(void **state)
{
	struct snp_machine *m = *state;
	uint64_t i;
	bool cf = true;

	for (i = 0; i < 512; i++) {
		assert_int_equal(snp_machine_rmp_update(m,
							RANGE_2M + i * TM_PAGE,
							false, true),
				 0);
	}
	assert_int_equal(
		snp_machine_pvalidate(m, RANGE_2M, RMP_PG_SIZE_2M, true, &cf),
		PVALIDATE_FAIL_SIZEMISMATCH);
	assert_false(cf);
	assert_false(snp_machine_rmp(m, RANGE_2M)->validated);
}

/* Confirm 2 MiB validation, its CF, and 4 KiB mismatches inside it. */
static void pvalidate_2m(void **state)
{
	struct snp_machine *m = *state;
	uint64_t i;
	bool cf = true;

	assert_int_equal(snp_machine_rmp_update(m, RANGE_2M, true, true), 0);
	/* 4 KiB inside a 2 MiB entry, validated or not: size mismatch. */
	assert_int_equal(snp_machine_pvalidate(m, RANGE_2M + TM_PAGE,
					       RMP_PG_SIZE_4K, true, &cf),
			 PVALIDATE_FAIL_SIZEMISMATCH);
	assert_int_equal(
		snp_machine_pvalidate(m, RANGE_2M, RMP_PG_SIZE_2M, true, &cf),
		PVALIDATE_SUCCESS);
	assert_false(cf);
	for (i = 0; i < 512; i++) {
		const struct rmp_entry *e =
			snp_machine_rmp(m, RANGE_2M + i * TM_PAGE);

		assert_true(e->validated);
		assert_true(e->page_2m);
	}
	assert_false(snp_machine_rmp(m, RANGE_2M + TM_2M)->validated);
	assert_int_equal(
		snp_machine_pvalidate(m, RANGE_2M, RMP_PG_SIZE_2M, true, &cf),
		PVALIDATE_SUCCESS);
	assert_true(cf);
	assert_int_equal(snp_machine_pvalidate(m, RANGE_2M + 5 * TM_PAGE,
					       RMP_PG_SIZE_4K, false, &cf),
			 PVALIDATE_FAIL_SIZEMISMATCH);
	assert_true(snp_machine_rmp(m, RANGE_2M + 5 * TM_PAGE)->validated);
}

/* Confirm that revalidating drops every lower-VMPL permission. */
static void pvalidate_resets_lower_perms(void **state)
{
	struct snp_machine *m = *state;
	const struct rmp_entry *e;
	bool cf;

	tm_private(m, PAGE_A);
	e = snp_machine_rmp(m, PAGE_A);
	assert_int_equal(
		snp_machine_rmpadjust(m, 0, PAGE_A, RMP_PG_SIZE_4K,
				      RMPADJUST_ATTRS(2, RMPADJUST_RWX)),
		RMPADJUST_SUCCESS);
	assert_int_equal(e->perms[2], RMP_PERM_ALL);
	assert_int_equal(
		snp_machine_pvalidate(m, PAGE_A, RMP_PG_SIZE_4K, false, &cf),
		PVALIDATE_SUCCESS);
	assert_int_equal(
		snp_machine_pvalidate(m, PAGE_A, RMP_PG_SIZE_4K, true, &cf),
		PVALIDATE_SUCCESS);
	assert_int_equal(e->perms[2], 0);
	assert_int_equal(e->perms[0], RMP_PERM_ALL);
}

/* Confirm that RMPADJUST sets the target VMPL's permissions. */
static void rmpadjust_grants(void **state)
{
	struct snp_machine *m = *state;
	const struct rmp_entry *e;

	tm_private(m, PAGE_A);
	e = snp_machine_rmp(m, PAGE_A);
	assert_int_equal(
		snp_machine_rmpadjust(
			m, 0, PAGE_A, RMP_PG_SIZE_4K,
			RMPADJUST_ATTRS(2, RMPADJUST_READ | RMPADJUST_WRITE)),
		RMPADJUST_SUCCESS);
	assert_int_equal(e->perms[2], RMP_PERM_READ | RMP_PERM_WRITE);
	assert_int_equal(e->perms[1], 0);
	assert_int_equal(snp_machine_rmpadjust(m, 0, PAGE_A, RMP_PG_SIZE_4K,
					       RMPADJUST_ATTRS(2, 0)),
			 RMPADJUST_SUCCESS);
	assert_int_equal(e->perms[2], 0);
}

/* Confirm that the target VMPL must be numerically above the caller's. */
static void rmpadjust_target_vmpl(void **state)
{
	struct snp_machine *m = *state;

	tm_private(m, PAGE_A);
	assert_int_equal(snp_machine_rmpadjust(m, 0, PAGE_A, RMP_PG_SIZE_4K,
					       RMPADJUST_ATTRS(0, 0)),
			 RMPADJUST_FAIL_PERMISSION);
	assert_int_equal(
		snp_machine_rmpadjust(m, 0, PAGE_A, RMP_PG_SIZE_4K,
				      RMPADJUST_ATTRS(1, RMPADJUST_RWX)),
		RMPADJUST_SUCCESS);
	assert_int_equal(snp_machine_rmpadjust(m, 1, PAGE_A, RMP_PG_SIZE_4K,
					       RMPADJUST_ATTRS(1, 0)),
			 RMPADJUST_FAIL_PERMISSION);
	assert_int_equal(snp_machine_rmpadjust(m, 2, PAGE_A, RMP_PG_SIZE_4K,
					       RMPADJUST_ATTRS(1, 0)),
			 RMPADJUST_FAIL_PERMISSION);
	assert_int_equal(snp_machine_rmp(m, PAGE_A)->perms[1], RMP_PERM_ALL);
	/* The first RMPADJUST Linux uses to detect VMPL0. */
	assert_int_equal(snp_machine_rmpadjust(m, 1, PAGE_A, RMP_PG_SIZE_4K,
					       RMPADJUST_ATTRS(2, 0)),
			 RMPADJUST_SUCCESS);
}

/* Confirm that granted permissions must be a subset of the caller's. */
static void rmpadjust_subset(void **state)
{
	struct snp_machine *m = *state;
	const struct rmp_entry *e;

	tm_private(m, PAGE_A);
	e = snp_machine_rmp(m, PAGE_A);
	assert_int_equal(
		snp_machine_rmpadjust(m, 0, PAGE_A, RMP_PG_SIZE_4K,
				      RMPADJUST_ATTRS(1, RMPADJUST_READ)),
		RMPADJUST_SUCCESS);
	assert_int_equal(
		snp_machine_rmpadjust(
			m, 1, PAGE_A, RMP_PG_SIZE_4K,
			RMPADJUST_ATTRS(2, RMPADJUST_READ | RMPADJUST_WRITE)),
		RMPADJUST_FAIL_PERMISSION);
	assert_int_equal(e->perms[2], 0);
	assert_int_equal(
		snp_machine_rmpadjust(m, 1, PAGE_A, RMP_PG_SIZE_4K,
				      RMPADJUST_ATTRS(2, RMPADJUST_READ)),
		RMPADJUST_SUCCESS);
	assert_int_equal(e->perms[2], RMP_PERM_READ);
}

/* Confirm the FAIL_INPUT cases of RMPADJUST. */
static void rmpadjust_bad_input(void **state)
{
	struct snp_machine *m = *state;

	tm_private(m, PAGE_A);
	assert_int_equal(snp_machine_rmpadjust(m, 0, PAGE_A, RMP_PG_SIZE_4K,
					       RMPADJUST_ATTRS(4, 0)),
			 RMPADJUST_FAIL_INPUT);
	assert_int_equal(snp_machine_rmpadjust(m, 0, PAGE_A, RMP_PG_SIZE_4K,
					       1ULL | (1ULL << 12)),
			 RMPADJUST_FAIL_INPUT);
	assert_int_equal(snp_machine_rmpadjust(m, 0, PAGE_A, RMP_PG_SIZE_4K,
					       1ULL | (1ULL << 40)),
			 RMPADJUST_FAIL_INPUT);
	assert_int_equal(
		snp_machine_rmpadjust(m, 0, PAGE_A, 3, RMPADJUST_ATTRS(1, 0)),
		RMPADJUST_FAIL_INPUT);
	assert_int_equal(snp_machine_rmpadjust(m, 0, PAGE_A + 16,
					       RMP_PG_SIZE_4K,
					       RMPADJUST_ATTRS(1, 0)),
			 RMPADJUST_FAIL_INPUT);
	assert_int_equal(snp_machine_rmpadjust(m, 0, TM_MEM, RMP_PG_SIZE_4K,
					       RMPADJUST_ATTRS(1, 0)),
			 RMPADJUST_FAIL_INPUT);
	/* Unassigned page. */
	assert_int_equal(snp_machine_rmpadjust(m, 0, PAGE_A + TM_PAGE,
					       RMP_PG_SIZE_4K,
					       RMPADJUST_ATTRS(1, 0)),
			 RMPADJUST_FAIL_INPUT);
	/* Assigned but not validated. */
	assert_int_equal(
		snp_machine_rmp_update(m, PAGE_A + TM_PAGE, false, true), 0);
	assert_int_equal(
		snp_machine_rmpadjust(m, 0, PAGE_A + TM_PAGE, RMP_PG_SIZE_4K,
				      RMPADJUST_ATTRS(1, RMPADJUST_READ)),
		RMPADJUST_FAIL_INPUT);
	assert_int_equal(snp_machine_rmp(m, PAGE_A + TM_PAGE)->perms[1], 0);
}

/* Confirm RMPADJUST's size mismatches and 2 MiB adjustments. */
static void rmpadjust_sizes(void **state)
{
	struct snp_machine *m = *state;
	uint64_t i;
	bool cf;

	tm_private(m, PAGE_A);
	assert_int_equal(snp_machine_rmpadjust(m, 0, 0, RMP_PG_SIZE_2M,
					       RMPADJUST_ATTRS(1, 0)),
			 RMPADJUST_FAIL_INPUT); /* page 0 is not assigned */
	for (i = 0; i < 512; i++) {
		tm_private(m, RANGE_2M + TM_2M + i * TM_PAGE);
	}
	assert_int_equal(snp_machine_rmpadjust(m, 0, RANGE_2M + TM_2M,
					       RMP_PG_SIZE_2M,
					       RMPADJUST_ATTRS(1, 0)),
			 RMPADJUST_FAIL_SIZEMISMATCH);
	assert_int_equal(snp_machine_rmp_update(m, RANGE_2M, true, true), 0);
	assert_int_equal(
		snp_machine_pvalidate(m, RANGE_2M, RMP_PG_SIZE_2M, true, &cf),
		PVALIDATE_SUCCESS);
	assert_int_equal(
		snp_machine_rmpadjust(m, 0, RANGE_2M + TM_PAGE, RMP_PG_SIZE_4K,
				      RMPADJUST_ATTRS(2, RMPADJUST_READ)),
		RMPADJUST_FAIL_SIZEMISMATCH);
	assert_int_equal(
		snp_machine_rmpadjust(m, 0, RANGE_2M, RMP_PG_SIZE_2M,
				      RMPADJUST_ATTRS(2, RMPADJUST_READ)),
		RMPADJUST_SUCCESS);
	for (i = 0; i < 512; i++) {
		assert_int_equal(
			snp_machine_rmp(m, RANGE_2M + i * TM_PAGE)->perms[2],
			RMP_PERM_READ);
	}
	/* A 2 MiB VMSA page does not exist. */
	assert_int_equal(snp_machine_rmpadjust(m, 0, RANGE_2M, RMP_PG_SIZE_2M,
					       RMPADJUST_VMSA | 1),
			 RMPADJUST_FAIL_INPUT);
	assert_false(snp_machine_rmp(m, RANGE_2M)->vmsa);
}

/* Confirm the VMSA bit: set and cleared at VMPL0, ignored elsewhere. */
static void rmpadjust_vmsa_bit(void **state)
{
	struct snp_machine *m = *state;
	const struct rmp_entry *e;

	tm_private(m, PAGE_A);
	e = snp_machine_rmp(m, PAGE_A);
	assert_int_equal(snp_machine_rmpadjust(m, 0, PAGE_A, RMP_PG_SIZE_4K,
					       RMPADJUST_VMSA | 1),
			 RMPADJUST_SUCCESS);
	assert_true(e->vmsa);
	assert_int_equal(snp_machine_rmpadjust(m, 0, PAGE_A, RMP_PG_SIZE_4K, 1),
			 RMPADJUST_SUCCESS);
	assert_false(e->vmsa);
	assert_int_equal(
		snp_machine_rmpadjust(m, 0, PAGE_A, RMP_PG_SIZE_4K,
				      RMPADJUST_ATTRS(1, RMPADJUST_RWX)),
		RMPADJUST_SUCCESS);
	assert_int_equal(snp_machine_rmpadjust(m, 1, PAGE_A, RMP_PG_SIZE_4K,
					       RMPADJUST_VMSA | 2),
			 RMPADJUST_SUCCESS);
	assert_false(e->vmsa);
}

/* Confirm every fault kind of the access check, in priority order. */
static void access_faults(void **state)
{
	struct snp_machine *m = *state;

	assert_int_equal(snp_machine_access(m, 2, TM_MEM, false),
			 SVSM_SIM_FAULT_OUT_OF_RANGE);
	assert_int_equal(snp_machine_access(m, 0, PAGE_A, false),
			 SVSM_SIM_FAULT_NOT_ASSIGNED);
	assert_int_equal(snp_machine_rmp_update(m, PAGE_A, false, true), 0);
	assert_int_equal(snp_machine_access(m, 0, PAGE_A, false),
			 SVSM_SIM_FAULT_NOT_VALIDATED);
	tm_private(m, PAGE_A + TM_PAGE);
	assert_int_equal(snp_machine_access(m, 0, PAGE_A + TM_PAGE + 5, true),
			 SVSM_SIM_FAULT_NONE);
	assert_int_equal(snp_machine_access(m, 2, PAGE_A + TM_PAGE, false),
			 SVSM_SIM_FAULT_PERMISSION);
	assert_int_equal(
		snp_machine_rmpadjust(m, 0, PAGE_A + TM_PAGE, RMP_PG_SIZE_4K,
				      RMPADJUST_ATTRS(2, RMPADJUST_READ)),
		RMPADJUST_SUCCESS);
	assert_int_equal(snp_machine_access(m, 2, PAGE_A + TM_PAGE, false),
			 SVSM_SIM_FAULT_NONE);
	assert_int_equal(snp_machine_access(m, 2, PAGE_A + TM_PAGE, true),
			 SVSM_SIM_FAULT_PERMISSION);
	assert_int_equal(snp_machine_access(m, 3, PAGE_A + TM_PAGE, false),
			 SVSM_SIM_FAULT_PERMISSION);
	/* A VMSA page: VMPL0 only, whatever the permissions say. */
	assert_int_equal(
		snp_machine_rmpadjust(
			m, 0, PAGE_A + TM_PAGE, RMP_PG_SIZE_4K,
			RMPADJUST_VMSA | RMPADJUST_ATTRS(2, RMPADJUST_READ)),
		RMPADJUST_SUCCESS);
	assert_int_equal(snp_machine_access(m, 2, PAGE_A + TM_PAGE, false),
			 SVSM_SIM_FAULT_VMSA);
	assert_int_equal(snp_machine_access(m, 0, PAGE_A + TM_PAGE, true),
			 SVSM_SIM_FAULT_NONE);
	assert_int_equal(snp_machine_access(m, 4, PAGE_A + TM_PAGE, false),
			 SVSM_SIM_FAULT_OUT_OF_RANGE);
	assert_null(snp_machine_rmp(m, TM_MEM));
}

/* Confirm RMPUPDATE: 4 KiB updates smash 2 MiB entries; VMSAs refuse. */
static void rmp_update_rules(void **state)
{
	struct snp_machine *m = *state;

	assert_int_equal(snp_machine_rmp_update(m, PAGE_A + 1, false, true),
			 -1);
	assert_int_equal(snp_machine_rmp_update(m, PAGE_A, true, true), -1);
	assert_int_equal(snp_machine_rmp_update(m, TM_MEM, false, true), -1);
	assert_int_equal(snp_machine_rmp_update(m, RANGE_2M, true, true), 0);
	assert_true(snp_machine_rmp(m, RANGE_2M + TM_PAGE)->page_2m);
	assert_int_equal(
		snp_machine_rmp_update(m, RANGE_2M + TM_PAGE, false, false), 0);
	assert_false(snp_machine_rmp(m, RANGE_2M + TM_PAGE)->assigned);
	assert_false(snp_machine_rmp(m, RANGE_2M)->page_2m);
	assert_true(snp_machine_rmp(m, RANGE_2M)->assigned);
	tm_private(m, PAGE_A);
	assert_int_equal(snp_machine_rmpadjust(m, 0, PAGE_A, RMP_PG_SIZE_4K,
					       RMPADJUST_VMSA | 1),
			 RMPADJUST_SUCCESS);
	assert_int_equal(snp_machine_rmp_update(m, PAGE_A, false, false), -1);
	assert_true(snp_machine_rmp(m, PAGE_A)->assigned);
}

int machine_test_rmp(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(pvalidate_4k_validates,
						tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(pvalidate_unchanged_sets_cf,
						tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(pvalidate_bad_input, tm_setup,
						tm_teardown),
		cmocka_unit_test_setup_teardown(
			pvalidate_2m_over_4k_sizemismatch, tm_setup,
			tm_teardown),
		cmocka_unit_test_setup_teardown(pvalidate_2m, tm_setup,
						tm_teardown),
		cmocka_unit_test_setup_teardown(pvalidate_resets_lower_perms,
						tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(rmpadjust_grants, tm_setup,
						tm_teardown),
		cmocka_unit_test_setup_teardown(rmpadjust_target_vmpl, tm_setup,
						tm_teardown),
		cmocka_unit_test_setup_teardown(rmpadjust_subset, tm_setup,
						tm_teardown),
		cmocka_unit_test_setup_teardown(rmpadjust_bad_input, tm_setup,
						tm_teardown),
		cmocka_unit_test_setup_teardown(rmpadjust_sizes, tm_setup,
						tm_teardown),
		cmocka_unit_test_setup_teardown(rmpadjust_vmsa_bit, tm_setup,
						tm_teardown),
		cmocka_unit_test_setup_teardown(access_faults, tm_setup,
						tm_teardown),
		cmocka_unit_test_setup_teardown(rmp_update_rules, tm_setup,
						tm_teardown),
	};

	return cmocka_run_group_tests_name("machine_rmp", tests, NULL, NULL);
}
