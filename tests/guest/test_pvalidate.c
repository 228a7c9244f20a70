/* SPDX-License-Identifier: MIT */
/* Guest-side tests of SVSM_CORE_PVALIDATE. */
#include <string.h>

#include "guest.h"
#include "machine/machine.h"

static uint64_t e4k(uint64_t gpa, bool validate)
{
	return SVSM_PVAL_ENTRY(gpa, SVSM_PVAL_SIZE_4K, validate, false);
}

static uint64_t e2m(uint64_t gpa, bool validate)
{
	return SVSM_PVAL_ENTRY(gpa, SVSM_PVAL_SIZE_2M, validate, false);
}

/** Confirm that validating a page zeroes it and opens it to VMPL2. */
static void pvalidate_4k_validate(void **state)
{
	struct guest *g = *state;
	uint64_t gpa = g->low + 5 * PAGE;
	uint8_t *p = gptr(g, gpa, PAGE);
	static const uint8_t zero[4096];

	/* Stale contents (a host remapping the page) must not survive. */
	memset(p, 0xA5, PAGE);
	assert_int_equal(access_of(g, gpa, false),
			 SVSM_SIM_FAULT_NOT_VALIDATED);
	assert_int_equal(pvalidate_one(g, gpa, false, true, false),
			 SVSM_SUCCESS);
	assert_memory_equal(p, zero, PAGE);
	assert_int_equal(access_of(g, gpa, true), 0);
	assert_int_equal(access_of(g, gpa + PAGE - 1, true), 0);
	/* Neighbours are untouched. */
	assert_int_equal(access_of(g, gpa + PAGE, false),
			 SVSM_SIM_FAULT_NOT_VALIDATED);
}

/** Confirm that invalidating a page closes it again and flushes TLBs. */
static void pvalidate_4k_invalidate(void **state)
{
	struct guest *g = *state;
	uint64_t gpa = g->low + 7 * PAGE;
	unsigned long flushes;

	assert_int_equal(pvalidate_one(g, gpa, false, true, false),
			 SVSM_SUCCESS);
	flushes = snp_machine_tlb_flushes(snp_machine_current());
	assert_int_equal(pvalidate_one(g, gpa, false, false, false),
			 SVSM_SUCCESS);
	assert_true(snp_machine_tlb_flushes(snp_machine_current()) > flushes);
	assert_int_equal(access_of(g, gpa, false),
			 SVSM_SIM_FAULT_NOT_VALIDATED);
	/* The RMP lost the guest's permission before the invalidation. */
	assert_int_equal(snp_machine_rmp(snp_machine_current(), gpa)->perms[2],
			 0);
}

/** Confirm that 2 MiB entries validate and invalidate a 2 MiB page. */
static void pvalidate_2m_entries(void **state)
{
	struct guest *g = *state;
	uint64_t gpa = g->high;
	uint64_t e[2] = { e2m(gpa, true), e2m(gpa + SIZE_2M, true) };
	uint16_t next = 0;

	memset(gptr(g, gpa, SIZE_2M), 0x11, SIZE_2M);
	assert_int_equal(pvalidate_list(g, 0, 0, e, 2, 0, &next), SVSM_SUCCESS);
	assert_int_equal(next, 2);
	assert_int_equal(access_of(g, gpa, true), 0);
	assert_int_equal(access_of(g, gpa + 2 * SIZE_2M - 1, true), 0);
	assert_int_equal(*(uint8_t *)gptr(g, gpa + SIZE_2M - 1, 1), 0);
	e[0] = e2m(gpa, false);
	assert_int_equal(pvalidate_list(g, 0, 0, e, 1, 0, NULL), SVSM_SUCCESS);
	assert_int_equal(access_of(g, gpa + 12345, false),
			 SVSM_SIM_FAULT_NOT_VALIDATED);
	assert_int_equal(access_of(g, gpa + SIZE_2M, false), 0);
}

/**
 * Confirm that a 2 MiB entry over 4 KiB RMP entries fails with
 * FAIL_SIZEMISMATCH at that entry and that Linux's 4 KiB fallback works.
 */
static void pvalidate_2m_size_mismatch_fallback(void **state)
{
	struct guest *g = *state;
	uint64_t gpa = g->low + SIZE_2M;
	uint64_t e[2] = { e4k(g->low, true), e2m(gpa, true) };
	uint64_t list[256];
	uint16_t next = 0;
	unsigned i;

	assert_int_equal(pvalidate_list(g, 0, 0, e, 2, 0, &next),
			 SVSM_ERR_PVALIDATE_FAIL_SIZEMISMATCH);
	assert_int_equal(next, 1);
	assert_int_equal(access_of(g, g->low, false), 0);
	assert_int_equal(access_of(g, gpa, false),
			 SVSM_SIM_FAULT_NOT_VALIDATED);
	/* Linux retries the range as 4 KiB pages, in batches. */
	for (i = 0; i < 512; i += 256) {
		unsigned j;

		for (j = 0; j < 256; j++) {
			list[j] = e4k(gpa + (uint64_t)(i + j) * PAGE, true);
		}
		assert_int_equal(pvalidate_list(g, 0, 0, list, 256, 0, &next),
				 SVSM_SUCCESS);
		assert_int_equal(next, 256);
	}
	assert_int_equal(access_of(g, gpa + SIZE_2M - 1, true), 0);
}

/** Confirm that a 4 KiB entry inside a 2 MiB RMP entry is a mismatch. */
static void pvalidate_4k_in_2m_size_mismatch(void **state)
{
	struct guest *g = *state;

	assert_int_equal(pvalidate_one(g, g->high + PAGE, false, true, false),
			 SVSM_ERR_PVALIDATE_FAIL_SIZEMISMATCH);
}

/** Confirm that validating a validated page is FAIL_UNCHANGED unless ignore-CF. */
static void pvalidate_validated_unchanged(void **state)
{
	struct guest *g = *state;
	uint64_t gpa = g->low;
	uint16_t next = 9;
	uint64_t e = e4k(gpa, true);

	assert_int_equal(pvalidate_one(g, gpa, false, true, false),
			 SVSM_SUCCESS);
	assert_int_equal(pvalidate_list(g, 0, 0, &e, 1, 0, &next),
			 SVSM_ERR_PVALIDATE_FAIL_UNCHANGED);
	assert_int_equal(next, 0);
	assert_int_equal(pvalidate_one(g, gpa, false, true, true),
			 SVSM_SUCCESS);
	assert_int_equal(access_of(g, gpa, true), 0);
}

/** Confirm that invalidating an invalid page is FAIL_UNCHANGED unless ignore-CF. */
static void pvalidate_invalid_unchanged(void **state)
{
	struct guest *g = *state;

	assert_int_equal(pvalidate_one(g, g->low, false, false, false),
			 SVSM_ERR_PVALIDATE_FAIL_UNCHANGED);
	assert_int_equal(pvalidate_one(g, g->low, false, false, true),
			 SVSM_SUCCESS);
}

/** Confirm that a page the host owns (shared) fails with FAIL_INPUT. */
static void pvalidate_shared_fail_input(void **state)
{
	struct guest *g = *state;
	uint64_t gpa = g->low + 3 * PAGE;

	assert_int_equal(snp_machine_rmp_update(snp_machine_current(), gpa,
						false, false),
			 0);
	assert_int_equal(pvalidate_one(g, gpa, false, true, false),
			 SVSM_ERR_PVALIDATE_FAIL_INPUT);
}

/** Confirm that a misaligned list is INVALID_PARAMETER. */
static void pvalidate_list_misaligned(void **state)
{
	struct guest *g = *state;

	assert_int_equal(
		core_call(g, 0, SVSM_CORE_PVALIDATE, ca_buf(g) + 4, 0, 0),
		SVSM_ERR_INVALID_PARAMETER);
}

/** Confirm that a list outside memory or in SVSM memory is INVALID_ADDRESS. */
static void pvalidate_list_invalid_address(void **state)
{
	struct guest *g = *state;
	uint64_t vmsa = snp_machine_vmsa_gpa(snp_machine_current(), 0, 2);

	assert_int_equal(core_call(g, 0, SVSM_CORE_PVALIDATE, g->mem, 0, 0),
			 SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(core_call(g, 0, SVSM_CORE_PVALIDATE, ~7ULL, 0, 0),
			 SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(
		core_call(g, 0, SVSM_CORE_PVALIDATE, g->svsm_base + 8, 0, 0),
		SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(core_call(g, 0, SVSM_CORE_PVALIDATE, vmsa, 0, 0),
			 SVSM_ERR_INVALID_ADDRESS);
	/* A list in an unvalidated page faults. */
	assert_int_equal(core_call(g, 0, SVSM_CORE_PVALIDATE, g->low, 0, 0),
			 SVSM_ERR_INVALID_ADDRESS);
}

/** Confirm that bad counts and indexes are INVALID_PARAMETER. */
static void pvalidate_list_bad_header(void **state)
{
	struct guest *g = *state;
	uint64_t e[2] = { e4k(g->low, true), e4k(g->low + PAGE, true) };

	assert_int_equal(pvalidate_list(g, 0, 0, e, 0, 0, NULL),
			 SVSM_ERR_INVALID_PARAMETER);
	assert_int_equal(pvalidate_list(g, 0, 0, e, 2, 2, NULL),
			 SVSM_ERR_INVALID_PARAMETER);
	assert_int_equal(pvalidate_list(g, 0, 0, e, 2, 7, NULL),
			 SVSM_ERR_INVALID_PARAMETER);
	/* Nothing was done. */
	assert_int_equal(access_of(g, g->low, false),
			 SVSM_SIM_FAULT_NOT_VALIDATED);
}

/** Confirm that a list crossing its page is INVALID_PARAMETER. */
static void pvalidate_list_crosses_page(void **state)
{
	struct guest *g = *state;
	uint64_t e[3] = { e4k(g->low, true), e4k(g->low + PAGE, true),
			  e4k(g->low + 2 * PAGE, true) };

	/* Header at CA + 0xFE8: room for 2 entries, 3 announced. */
	assert_int_equal(pvalidate_list(g, 0, g->ca + 0xFE8, e, 3, 0, NULL),
			 SVSM_ERR_INVALID_PARAMETER);
	assert_int_equal(pvalidate_list(g, 0, g->ca + 0xFE8, e, 2, 0, NULL),
			 SVSM_SUCCESS);
}

/** Confirm that malformed entries stop the list at that entry. */
static void pvalidate_entry_invalid_parameter(void **state)
{
	struct guest *g = *state;
	static const uint64_t bad[] = {
		2,				  /* page size 2 */
		3,				  /* page size 3 */
		SVSM_PVAL_VALIDATE | (1ULL << 4), /* reserved bit */
		SVSM_PVAL_VALIDATE | (1ULL << 11),
		SVSM_PVAL_SIZE_2M | (1ULL << 12), /* 2 MiB entry misaligned */
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t e[2] = { e4k(g->low + i * PAGE, true),
				  bad[i] | (g->low + 64 * PAGE) };
		uint16_t next = 0;

		if (i == 4) {
			e[1] = bad[i] | g->high;
		}
		assert_int_equal(pvalidate_list(g, 0, 0, e, 2, 0, &next),
				 SVSM_ERR_INVALID_PARAMETER);
		assert_int_equal(next, 1);
		assert_int_equal(access_of(g, g->low + i * PAGE, false), 0);
	}
}

/** Confirm that entries naming SVSM memory, VMSAs, CAs or no memory fail. */
static void pvalidate_entry_invalid_address(void **state)
{
	struct guest *g = *state;
	uint64_t vmsa = snp_machine_vmsa_gpa(snp_machine_current(), 0, 2);
	const uint64_t bad[] = {
		e4k(g->svsm_base, true),
		e4k(g->svsm_base + 5 * PAGE, false),
		e4k(g->mem - PAGE, false),
		e2m(g->svsm_base, false),
		e4k(vmsa, false),
		e4k(g->ca, false),
		e4k(g->mem, true),
		e2m(g->mem, true),
		SVSM_PVAL_GFN_MASK | SVSM_PVAL_VALIDATE,
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint16_t next = 5;

		assert_int_equal(pvalidate_list(g, 0, 0, &bad[i], 1, 0, &next),
				 SVSM_ERR_INVALID_ADDRESS);
		assert_int_equal(next, 0);
	}
	/* The SVSM's pages and the VMSA kept their state. */
	assert_int_equal(access_of(g, vmsa, false), SVSM_SIM_FAULT_VMSA);
	assert_int_equal(access_of(g, g->svsm_base + 5 * PAGE, false),
			 SVSM_SIM_FAULT_PERMISSION);
	assert_true(
		snp_machine_rmp(snp_machine_current(), g->svsm_base + 5 * PAGE)
			->validated);
	assert_int_equal(access_of(g, g->ca, true), 0);
}

/** Confirm that an entry naming the list's own page is refused. */
static void pvalidate_entry_list_page(void **state)
{
	struct guest *g = *state;
	uint64_t list = g->low + 0x30000;
	uint64_t e[2] = { e4k(g->low, true),
			  SVSM_PVAL_ENTRY(list, SVSM_PVAL_SIZE_4K, false,
					  false) };
	uint16_t next = 0;

	assert_int_equal(pvalidate_one(g, list, false, true, false),
			 SVSM_SUCCESS);
	assert_int_equal(pvalidate_list(g, 0, list + 0x100, e, 2, 0, &next),
			 SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(next, 1);
	assert_int_equal(access_of(g, list, true), 0);
}

/** Confirm that a list is processed from `next`. */
static void pvalidate_next_resume(void **state)
{
	struct guest *g = *state;
	uint64_t e[3] = { e4k(g->low, true), e4k(g->low + PAGE, true),
			  e4k(g->low + 2 * PAGE, true) };
	uint16_t next = 0;

	assert_int_equal(pvalidate_list(g, 0, 0, e, 3, 1, &next), SVSM_SUCCESS);
	assert_int_equal(next, 3);
	assert_int_equal(access_of(g, g->low, false),
			 SVSM_SIM_FAULT_NOT_VALIDATED);
	assert_int_equal(access_of(g, g->low + 2 * PAGE, false), 0);
}

/** Confirm that a long list answers INCOMPLETE and resumes at `next`. */
static void pvalidate_incomplete_resume(void **state)
{
	struct guest *g = *state;
	uint64_t e[20];
	uint8_t *list;
	uint16_t next = 0;
	unsigned i;

	for (i = 0; i < 20; i++) {
		e[i] = e2m(g->high + i * SIZE_2M, true);
	}
	assert_int_equal(pvalidate_list(g, 0, 0, e, 20, 0, &next),
			 SVSM_ERR_INCOMPLETE);
	assert_int_equal(next, 16);
	assert_int_equal(access_of(g, g->high + 15 * SIZE_2M, false), 0);
	assert_int_equal(access_of(g, g->high + 16 * SIZE_2M, false),
			 SVSM_SIM_FAULT_NOT_VALIDATED);
	/* The guest re-issues the same call (Linux keeps the list). */
	assert_int_equal(core_call(g, 0, SVSM_CORE_PVALIDATE, ca_buf(g), 0, 0),
			 SVSM_SUCCESS);
	list = gptr(g, ca_buf(g), 8);
	memcpy(&next, list + 2, sizeof(next));
	assert_int_equal(next, 20);
	assert_int_equal(access_of(g, g->high + 20 * SIZE_2M - 1, false), 0);
}

/** Confirm that a full CA buffer of 4 KiB entries (510) is served. */
static void pvalidate_full_ca_batch(void **state)
{
	struct guest *g = *state;
	uint64_t e[SVSM_PVALIDATE_MAX_COUNT];
	uint16_t next = 0;
	unsigned i;

	for (i = 0; i < SVSM_PVALIDATE_MAX_COUNT; i++) {
		e[i] = e4k(g->low + (uint64_t)i * PAGE, true);
	}
	assert_int_equal(
		pvalidate_list(g, 0, 0, e, SVSM_PVALIDATE_MAX_COUNT, 0, &next),
		SVSM_SUCCESS);
	assert_int_equal(next, SVSM_PVALIDATE_MAX_COUNT);
	assert_int_equal(access_of(g, g->low + 509 * PAGE, true), 0);
	/* One more entry than the buffer holds is refused. */
	assert_int_equal(pvalidate_list(g, 0, ca_buf(g) + 8, e,
					SVSM_PVALIDATE_MAX_COUNT, 0, NULL),
			 SVSM_ERR_INVALID_PARAMETER);
}

/** Confirm that the list is read once: later guest edits do not matter. */
static void pvalidate_list_outputs_only_next(void **state)
{
	struct guest *g = *state;
	uint64_t e[2] = { e4k(g->low, true), e4k(g->low + PAGE, true) };
	uint64_t after[2];
	struct svsm_sim_regs r = {
		.rax = SVSM_CALL(SVSM_PROTOCOL_CORE, SVSM_CORE_PVALIDATE),
		.rcx = ca_buf(g),
		.rdx = 0x1234,
		.r8 = 0x5678,
	};
	uint8_t *p = gptr(g, ca_buf(g), 24);
	struct svsm_list_hdr hdr = { .entry_count = 2 };

	memcpy(p, &hdr, 8);
	memcpy(p + 8, e, 16);
	assert_int_equal(raw_call(g, 0, &r), SVSM_SUCCESS);
	assert_int_equal(r.rcx, ca_buf(g));
	assert_int_equal(r.rdx, 0x1234);
	assert_int_equal(r.r8, 0x5678);
	memcpy(after, p + 8, 16);
	assert_memory_equal(after, e, 16);
}

/**
 * Confirm that PVALIDATE reports the work done (SUCCESS, page validated)
 * when the host makes the list page unwritable before `next` is written.
 */
static void pvalidate_next_write_fails(void **state)
{
	struct guest *g = *state;
	uint64_t list = g->low + 0x30000;
	uint64_t gpa = g->low + 0x31000;
	uint64_t e = e4k(gpa, true);
	uint16_t next = 0xAAAA;

	assert_int_equal(pvalidate_one(g, list, false, true, false),
			 SVSM_SUCCESS);
	snp_machine_fail_writes(snp_machine_current(), list, true);
	assert_int_equal(pvalidate_list(g, 0, list, &e, 1, 0, &next),
			 SVSM_SUCCESS);
	snp_machine_fail_writes(snp_machine_current(), list, false);
	assert_int_equal(next, 0); /* stale: never written */
	assert_int_equal(access_of(g, gpa, true), 0);
}

const struct CMUnitTest pvalidate_tests[] = {
	cmocka_unit_test_setup_teardown(pvalidate_4k_validate, guest_setup,
					guest_teardown),
	cmocka_unit_test_setup_teardown(pvalidate_4k_invalidate, guest_setup,
					guest_teardown),
	cmocka_unit_test_setup_teardown(pvalidate_2m_entries, guest_setup,
					guest_teardown),
	cmocka_unit_test_setup_teardown(pvalidate_2m_size_mismatch_fallback,
					guest_setup, guest_teardown),
	cmocka_unit_test_setup_teardown(pvalidate_4k_in_2m_size_mismatch,
					guest_setup, guest_teardown),
	cmocka_unit_test_setup_teardown(pvalidate_validated_unchanged,
					guest_setup, guest_teardown),
	cmocka_unit_test_setup_teardown(pvalidate_invalid_unchanged,
					guest_setup, guest_teardown),
	cmocka_unit_test_setup_teardown(pvalidate_shared_fail_input,
					guest_setup, guest_teardown),
	cmocka_unit_test_setup_teardown(pvalidate_list_misaligned, guest_setup,
					guest_teardown),
	cmocka_unit_test_setup_teardown(pvalidate_list_invalid_address,
					guest_setup, guest_teardown),
	cmocka_unit_test_setup_teardown(pvalidate_list_bad_header, guest_setup,
					guest_teardown),
	cmocka_unit_test_setup_teardown(pvalidate_list_crosses_page,
					guest_setup, guest_teardown),
	cmocka_unit_test_setup_teardown(pvalidate_entry_invalid_parameter,
					guest_setup, guest_teardown),
	cmocka_unit_test_setup_teardown(pvalidate_entry_invalid_address,
					guest_setup, guest_teardown),
	cmocka_unit_test_setup_teardown(pvalidate_entry_list_page, guest_setup,
					guest_teardown),
	cmocka_unit_test_setup_teardown(pvalidate_next_resume, guest_setup,
					guest_teardown),
	cmocka_unit_test_setup_teardown(pvalidate_incomplete_resume,
					guest_setup, guest_teardown),
	cmocka_unit_test_setup_teardown(pvalidate_full_ca_batch, guest_setup,
					guest_teardown),
	cmocka_unit_test_setup_teardown(pvalidate_list_outputs_only_next,
					guest_setup, guest_teardown),
	cmocka_unit_test_setup_teardown(pvalidate_next_write_fails, guest_setup,
					guest_teardown),
};
const size_t pvalidate_tests_count =
	sizeof(pvalidate_tests) / sizeof(pvalidate_tests[0]);
