/* SPDX-License-Identifier: MIT */
/* Guest-side tests of SVSM_CORE_DEPOSIT_MEM and SVSM_CORE_WITHDRAW_MEM. */
#include <string.h>

#include "guest.h"
#include "machine/machine.h"
#include "abi/ghcb.h"
#include "abi/svsm_ca.h"

static uint32_t deposit(struct guest *g, uint64_t list, const uint64_t *e,
			unsigned n, uint16_t *next)
{
	struct svsm_list_hdr hdr = { .entry_count = (uint16_t)n };
	uint8_t *p;
	uint32_t rc;

	if (list == 0) {
		list = ca_buf(g);
	}
	p = gptr(g, list, 8 + (size_t)n * 8);
	memcpy(p, &hdr, 8);
	memcpy(p + 8, e, (size_t)n * 8);
	rc = core_call(g, 0, SVSM_CORE_DEPOSIT_MEM, list, 0, 0);
	if (next != NULL) {
		memcpy(next, p + 2, sizeof(*next));
	}
	return rc;
}

/* WITHDRAW_MEM into `list`; returns the page count through `*count`. */
static uint32_t withdraw(struct guest *g, uint64_t list, uint16_t *count,
			 uint64_t *gpas)
{
	uint8_t *p = gptr(g, list, 8);
	uint32_t rc;

	memset(p, 0xEE, 2);
	rc = core_call(g, 0, SVSM_CORE_WITHDRAW_MEM, list, 0, 0);
	memcpy(count, p, sizeof(*count));
	if (rc == SVSM_SUCCESS && gpas != NULL) {
		memcpy(gpas, gptr(g, list + 8, (size_t)*count * 8),
		       (size_t)*count * 8);
	}
	return rc;
}

static uint8_t mem_available(struct guest *g)
{
	return *(uint8_t *)gptr(g, g->ca + SVSM_CA_OFF_MEM_AVAILABLE, 1);
}

/** Confirm that deposited pages leave the guest and come back zeroed. */
static void deposit_withdraw_round_trip(void **state)
{
	struct guest *g = *state;
	uint64_t pages[3] = { g->low, g->low + PAGE, g->low + 9 * PAGE };
	uint64_t out[8] = { 0 };
	uint16_t count = 0;
	uint16_t next = 0;
	unsigned i;

	for (i = 0; i < 3; i++) {
		assert_int_equal(pvalidate_one(g, pages[i], false, true, false),
				 SVSM_SUCCESS);
		memset(gptr(g, pages[i], PAGE), 0x77, PAGE);
	}
	assert_int_equal(mem_available(g), 0);
	assert_int_equal(deposit(g, 0, pages, 3, &next), SVSM_SUCCESS);
	assert_int_equal(next, 3);
	assert_int_equal(mem_available(g), 1);
	for (i = 0; i < 3; i++) {
		assert_int_equal(access_of(g, pages[i], false),
				 SVSM_SIM_FAULT_PERMISSION);
	}
	/* Deposited pages are the SVSM's: no PVALIDATE, no second deposit. */
	assert_int_equal(pvalidate_one(g, pages[1], false, false, false),
			 SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(deposit(g, 0, &pages[2], 1, NULL),
			 SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(withdraw(g, ca_buf(g), &count, out), SVSM_SUCCESS);
	assert_int_equal(count, 3);
	assert_int_equal(mem_available(g), 0);
	for (i = 0; i < 3; i++) {
		static const uint8_t zero[4096];
		unsigned j;
		bool found = false;

		for (j = 0; j < count; j++) {
			found = found || out[j] == pages[i];
		}
		assert_true(found);
		assert_int_equal(access_of(g, pages[i], true), 0);
		assert_memory_equal(gptr(g, pages[i], PAGE), zero, PAGE);
	}
	assert_int_equal(withdraw(g, ca_buf(g), &count, NULL), SVSM_SUCCESS);
	assert_int_equal(count, 0);
}

/** Confirm that a 2 MiB deposit comes back as 512 pages. */
static void deposit_2m_withdraw(void **state)
{
	struct guest *g = *state;
	uint64_t e = g->high | SVSM_DEPOSIT_SIZE_2M;
	uint64_t list = g->low + 0x50000;
	uint16_t count = 0;
	static uint64_t out[511];

	assert_int_equal(pvalidate_one(g, g->high, true, true, false),
			 SVSM_SUCCESS);
	assert_int_equal(pvalidate_one(g, list, false, true, false),
			 SVSM_SUCCESS);
	assert_int_equal(deposit(g, 0, &e, 1, NULL), SVSM_SUCCESS);
	assert_int_equal(access_of(g, g->high + SIZE_2M - 1, false),
			 SVSM_SIM_FAULT_PERMISSION);
	/* The CA buffer has room for 510 pages, a page list for 511. */
	assert_int_equal(withdraw(g, ca_buf(g), &count, out), SVSM_SUCCESS);
	assert_int_equal(count, 510);
	assert_int_equal(mem_available(g), 1);
	assert_int_equal(access_of(g, out[0], true), 0);
	assert_int_equal(withdraw(g, list, &count, out), SVSM_SUCCESS);
	assert_int_equal(count, 2);
	assert_int_equal(mem_available(g), 0);
	assert_int_equal(access_of(g, out[1], true), 0);
	assert_int_equal(access_of(g, g->high + SIZE_2M - 1, true), 0);
	/* The range now has 4 KiB RMP entries (PSMASH). */
	assert_int_equal(pvalidate_one(g, g->high, true, false, false),
			 SVSM_ERR_PVALIDATE_FAIL_SIZEMISMATCH);
}

/**
 * Confirm that a 2 MiB deposit fails (INVALID_REQUEST, page given back) when
 * the host refuses PSMASH or answers success without doing it.
 */
static void deposit_2m_psmash_refused(void **state)
{
	static const enum snp_hv_fault faults[] = { SNP_HV_FAULT_ERROR,
						    SNP_HV_FAULT_NOP };
	struct guest *g = *state;
	uint64_t e = g->high | SVSM_DEPOSIT_SIZE_2M;
	uint16_t next = 0xFFFF;
	uint16_t count = 0;
	unsigned i;

	assert_int_equal(pvalidate_one(g, g->high, true, true, false),
			 SVSM_SUCCESS);
	for (i = 0; i < 2; i++) {
		snp_machine_hv_fault(snp_machine_current(), SVM_VMGEXIT_PSC,
				     faults[i]);
		assert_int_equal(deposit(g, 0, &e, 1, &next),
				 SVSM_ERR_INVALID_REQUEST);
		assert_int_equal(next, 0);
		assert_int_equal(mem_available(g), 0);
		assert_int_equal(access_of(g, g->high + SIZE_2M - 1, true), 0);
		assert_int_equal(withdraw(g, ca_buf(g), &count, NULL),
				 SVSM_SUCCESS);
		assert_int_equal(count, 0);
	}
	/* The range is still one 2 MiB entry, and a served PSMASH works. */
	assert_int_equal(deposit(g, 0, &e, 1, &next), SVSM_SUCCESS);
	assert_int_equal(next, 1);
	assert_int_equal(withdraw(g, ca_buf(g), &count, NULL), SVSM_SUCCESS);
	assert_int_equal(count, 510);
}

/** Confirm that a short output list leaves SVSM_MEM_AVAILABLE set. */
static void withdraw_partial(void **state)
{
	struct guest *g = *state;
	uint64_t pages[3] = { g->low, g->low + PAGE, g->low + 2 * PAGE };
	uint16_t count = 0;
	unsigned i;

	for (i = 0; i < 3; i++) {
		assert_int_equal(pvalidate_one(g, pages[i], false, true, false),
				 SVSM_SUCCESS);
	}
	assert_int_equal(deposit(g, 0, pages, 3, NULL), SVSM_SUCCESS);
	/* At CA + 0xFE8 the list has room for 2 pages. */
	assert_int_equal(withdraw(g, g->ca + 0xFE8, &count, NULL),
			 SVSM_SUCCESS);
	assert_int_equal(count, 2);
	assert_int_equal(mem_available(g), 1);
	assert_int_equal(withdraw(g, g->ca + 0xFE8, &count, NULL),
			 SVSM_SUCCESS);
	assert_int_equal(count, 1);
	assert_int_equal(mem_available(g), 0);
}

/** Confirm that malformed deposit lists and entries are INVALID_PARAMETER. */
static void deposit_invalid_parameter(void **state)
{
	struct guest *g = *state;
	uint64_t e[2] = { g->low, g->low + PAGE };
	uint16_t next = 0;

	assert_int_equal(pvalidate_one(g, g->low, false, true, false),
			 SVSM_SUCCESS);
	assert_int_equal(
		core_call(g, 0, SVSM_CORE_DEPOSIT_MEM, ca_buf(g) + 2, 0, 0),
		SVSM_ERR_INVALID_PARAMETER);
	assert_int_equal(deposit(g, 0, e, 0, NULL), SVSM_ERR_INVALID_PARAMETER);
	e[1] = (g->low + PAGE) | 2; /* page size 2 */
	assert_int_equal(deposit(g, 0, e, 2, &next),
			 SVSM_ERR_INVALID_PARAMETER);
	assert_int_equal(next, 1);		  /* entry 0 was deposited */
	e[0] = (g->low + 2 * PAGE) | (1ULL << 5); /* reserved bit */
	assert_int_equal(deposit(g, 0, e, 1, NULL), SVSM_ERR_INVALID_PARAMETER);
	e[0] = (g->high + PAGE) | SVSM_DEPOSIT_SIZE_2M; /* misaligned */
	assert_int_equal(deposit(g, 0, e, 1, NULL), SVSM_ERR_INVALID_PARAMETER);
	assert_int_equal(mem_available(g), 1);
}

/** Confirm that deposits of SVSM, CA, unvalidated or no memory fail. */
static void deposit_invalid_address(void **state)
{
	struct guest *g = *state;
	const uint64_t bad[] = {
		g->svsm_base + 8 * PAGE,    g->ca,  0x5000 /* boot VMSA */,
		g->low /* not validated */, g->mem, ca_buf(g) & ~(PAGE - 1),
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint16_t next = 3;

		assert_int_equal(deposit(g, 0, &bad[i], 1, &next),
				 SVSM_ERR_INVALID_ADDRESS);
		assert_int_equal(next, 0);
	}
	assert_int_equal(
		core_call(g, 0, SVSM_CORE_DEPOSIT_MEM, g->svsm_base, 0, 0),
		SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(mem_available(g), 0);
}

/** Confirm that bad WITHDRAW_MEM lists are refused. */
static void withdraw_invalid(void **state)
{
	struct guest *g = *state;
	uint16_t count;

	assert_int_equal(
		core_call(g, 0, SVSM_CORE_WITHDRAW_MEM, ca_buf(g) + 4, 0, 0),
		SVSM_ERR_INVALID_PARAMETER);
	/* At 0xFF8 there is no room for even one GPA. */
	assert_int_equal(
		core_call(g, 0, SVSM_CORE_WITHDRAW_MEM, g->ca + 0xFF8, 0, 0),
		SVSM_ERR_INVALID_PARAMETER);
	assert_int_equal(
		core_call(g, 0, SVSM_CORE_WITHDRAW_MEM, g->svsm_base, 0, 0),
		SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(core_call(g, 0, SVSM_CORE_WITHDRAW_MEM, g->mem, 0, 0),
			 SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(core_call(g, 0, SVSM_CORE_WITHDRAW_MEM, g->low, 0, 0),
			 SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(withdraw(g, ca_buf(g), &count, NULL), SVSM_SUCCESS);
	assert_int_equal(count, 0);
}

/**
 * Confirm that DEPOSIT_MEM reports the work done (SUCCESS, pages
 * deposited) when the host makes the list page unwritable before `next`
 * is written.
 */
static void deposit_next_write_fails(void **state)
{
	struct guest *g = *state;
	uint64_t list = g->low + 0x30000;
	uint64_t page = g->low + 0x31000;
	uint16_t next = 0xAAAA;

	assert_int_equal(pvalidate_one(g, list, false, true, false),
			 SVSM_SUCCESS);
	assert_int_equal(pvalidate_one(g, page, false, true, false),
			 SVSM_SUCCESS);
	snp_machine_fail_writes(snp_machine_current(), list, true);
	assert_int_equal(deposit(g, list, &page, 1, &next), SVSM_SUCCESS);
	snp_machine_fail_writes(snp_machine_current(), list, false);
	assert_int_equal(next, 0); /* stale: never written */
	assert_int_equal(access_of(g, page, false), SVSM_SIM_FAULT_PERMISSION);
	assert_int_equal(mem_available(g), 1);
}

/**
 * Confirm that WITHDRAW_MEM keeps the pages in the pool (INVALID_ADDRESS,
 * pages still the SVSM's) when the host makes the list page unwritable
 * after the SVSM probed it, and that a later WITHDRAW_MEM returns them.
 */
static void withdraw_write_back_fails(void **state)
{
	struct guest *g = *state;
	uint64_t pages[2] = { g->low, g->low + PAGE };
	uint64_t list = g->low + 0x30000;
	uint64_t out[2] = { 0 };
	uint16_t count = 0;
	unsigned i;

	for (i = 0; i < 2; i++) {
		assert_int_equal(pvalidate_one(g, pages[i], false, true, false),
				 SVSM_SUCCESS);
	}
	assert_int_equal(pvalidate_one(g, list, false, true, false),
			 SVSM_SUCCESS);
	assert_int_equal(deposit(g, 0, pages, 2, NULL), SVSM_SUCCESS);
	snp_machine_fail_writes(snp_machine_current(), list, true);
	assert_int_equal(withdraw(g, list, &count, NULL),
			 SVSM_ERR_INVALID_ADDRESS);
	snp_machine_fail_writes(snp_machine_current(), list, false);
	assert_int_equal(mem_available(g), 1);
	for (i = 0; i < 2; i++) {
		assert_int_equal(access_of(g, pages[i], false),
				 SVSM_SIM_FAULT_PERMISSION);
		assert_int_equal(
			pvalidate_one(g, pages[i], false, false, false),
			SVSM_ERR_INVALID_ADDRESS);
	}
	assert_int_equal(withdraw(g, list, &count, out), SVSM_SUCCESS);
	assert_int_equal(count, 2);
	assert_true((out[0] == pages[0] && out[1] == pages[1]) ||
		    (out[0] == pages[1] && out[1] == pages[0]));
	assert_int_equal(access_of(g, pages[0], true), 0);
	assert_int_equal(access_of(g, pages[1], true), 0);
	assert_int_equal(mem_available(g), 0);
}

const struct CMUnitTest mem_tests[] = {
	cmocka_unit_test_setup_teardown(deposit_withdraw_round_trip,
					guest_setup, guest_teardown),
	cmocka_unit_test_setup_teardown(deposit_2m_withdraw, guest_setup,
					guest_teardown),
	cmocka_unit_test_setup_teardown(deposit_2m_psmash_refused, guest_setup,
					guest_teardown),
	cmocka_unit_test_setup_teardown(withdraw_partial, guest_setup,
					guest_teardown),
	cmocka_unit_test_setup_teardown(deposit_invalid_parameter, guest_setup,
					guest_teardown),
	cmocka_unit_test_setup_teardown(deposit_invalid_address, guest_setup,
					guest_teardown),
	cmocka_unit_test_setup_teardown(withdraw_invalid, guest_setup,
					guest_teardown),
	cmocka_unit_test_setup_teardown(deposit_next_write_fails, guest_setup,
					guest_teardown),
	cmocka_unit_test_setup_teardown(withdraw_write_back_fails, guest_setup,
					guest_teardown),
};
const size_t mem_tests_count = sizeof(mem_tests) / sizeof(mem_tests[0]);
