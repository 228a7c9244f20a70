/* SPDX-License-Identifier: MIT */
/*
 * Fault injection: for every N, the N-th allocation from the start of boot
 * fails, then a representative protocol scenario runs. Nothing may crash
 * or leak, and the guest sees an error (no machine, or error codes).
 */
#include <string.h>

#include "guest.h"
#include "svsm/log.h"
#include "svsm/mm.h"
#include "abi/vmsa.h"

/*
 * The scenario: every core call once; returns how many failed. A boot
 * that could not allocate the deposit map runs without a pool: DEPOSIT_MEM
 * is then UNSUPPORTED_CALL, counted in `*no_pool`, not as a failure.
 */
static unsigned scenario(struct guest *g, unsigned *no_pool)
{
	unsigned failures = 0;
	uint64_t e = g->low + 0x9000;
	uint32_t rc;

	failures += core_call(g, 0, SVSM_CORE_QUERY_PROTOCOL,
			      SVSM_QUERY_PROTOCOL_ARG(0, 1), 0, 0) != 0;
	failures += pvalidate_one(g, g->low, false, true, false) != 0;
	failures += pvalidate_one(g, g->high, true, true, false) != 0;
	make_ap_vmsa(g, g->low + 0x11000);
	failures += pvalidate_one(g, g->low + 0x12000, false, true, false) != 0;
	failures += core_call(g, 0, SVSM_CORE_CREATE_VCPU, g->low + 0x11000,
			      g->low + 0x12000, 1) != 0;
	failures += core_call(g, 1, SVSM_CORE_QUERY_PROTOCOL, 0, 0, 0) != 0;
	failures += core_call(g, 0, SVSM_CORE_DELETE_VCPU, g->low + 0x11000, 0,
			      0) != 0;
	failures += pvalidate_one(g, e, false, true, false) != 0;
	memcpy(gptr(g, ca_buf(g), 16),
	       &(struct svsm_list_hdr){ .entry_count = 1 }, 8);
	memcpy(gptr(g, ca_buf(g) + 8, 8), &e, 8);
	rc = core_call(g, 0, SVSM_CORE_DEPOSIT_MEM, ca_buf(g), 0, 0);
	if (rc == SVSM_ERR_UNSUPPORTED_CALL) {
		(*no_pool)++;
	} else {
		failures += rc != 0;
	}
	failures +=
		core_call(g, 0, SVSM_CORE_WITHDRAW_MEM, ca_buf(g), 0, 0) != 0;
	failures += pvalidate_one(g, g->low, false, false, false) != 0;
	return failures;
}

/** Confirm that every failing allocation during boot and calls is survived. */
static void fault_injection_sweep(void **state)
{
	struct guest *g;
	unsigned long attempts;
	unsigned long n;
	size_t booted_bytes;
	unsigned refused = 0, no_pool = 0;

	(void)state;
	/* Baseline: how many allocations boot and the scenario make. */
	assert_int_equal(guest_setup((void **)&g), 0);
	attempts = alloc_fault_attempts();
	assert_int_equal(scenario(g, &no_pool), 0);
	assert_int_equal(no_pool, 0);
	assert_int_equal(alloc_fault_attempts(), attempts);
	guest_teardown((void **)&g);
	assert_int_equal(mm_allocated_bytes(), 0);
	assert_true(attempts > 0);

	for (n = 1; n <= attempts + 2; n++) {
		alloc_fault_fail_nth(n);
		if (guest_setup((void **)&g) != 0) {
			/* The SVSM terminated the VM: no machine, no leak. */
			refused++;
			assert_int_equal(mm_allocated_bytes(), 0);
			continue;
		}
		booted_bytes = mm_allocated_bytes();
		/* Calls allocate nothing: they all succeed. */
		assert_int_equal(scenario(g, &no_pool), 0);
		assert_int_equal(mm_allocated_bytes(), booted_bytes);
		guest_teardown((void **)&g);
		assert_int_equal(mm_allocated_bytes(), 0);
	}
	alloc_fault_fail_nth(0);
	/*
	 * Every allocation of boot was made to fail once: the core's stop the
	 * boot, the attestation service's only turn attestation off, and the
	 * deposit map's (one allocation) turns DEPOSIT_MEM off.
	 */
	assert_true(refused > 0 && refused <= attempts);
	assert_int_equal(no_pool, 1);
}

/*
 * One boot with the vTPM under fault injection: either no machine, or a
 * machine whose vTPM is served consistently (QUERY_PROTOCOL and dispatch
 * agree) or off.
 */
static void vtpm_boot_with_fault(unsigned long n)
{
	struct svsm_sim_config cfg = { .guest_mem_bytes = 64 * MIB,
				       .vcpus = 1,
				       .vtpm = true };
	struct svsm_sim_regs r = {
		.rax = SVSM_CALL(SVSM_PROTOCOL_CORE, SVSM_CORE_QUERY_PROTOCOL),
		.rcx = SVSM_QUERY_PROTOCOL_ARG(SVSM_PROTOCOL_VTPM, 1),
	};
	struct svsm_sim *sim;
	bool served;

	alloc_fault_fail_nth(n);
	sim = svsm_sim_create(&cfg);
	if (sim == NULL) {
		assert_int_equal(mm_allocated_bytes(), 0);
		return;
	}
	assert_int_equal(svsm_sim_call(sim, 0, &r), 0);
	assert_int_equal(r.rax, SVSM_SUCCESS);
	served = r.rcx != 0;
	r = (struct svsm_sim_regs){ .rax = SVSM_CALL(SVSM_PROTOCOL_VTPM,
						     SVSM_VTPM_QUERY) };
	assert_int_equal(svsm_sim_call(sim, 0, &r), 0);
	assert_int_equal(r.rax,
			 served ? SVSM_SUCCESS : SVSM_ERR_UNSUPPORTED_PROTOCOL);
	svsm_sim_destroy(sim);
	assert_int_equal(mm_allocated_bytes(), 0);
}

/** Confirm that failing allocations of a boot with the vTPM are survived. */
static void fault_injection_sweep_vtpm(void **state)
{
	struct svsm_sim_config cfg = { .guest_mem_bytes = 64 * MIB,
				       .vcpus = 1,
				       .vtpm = true };
	enum log_level saved = log_level_max;
	struct svsm_sim *sim;
	unsigned long attempts;
	unsigned long n;

	(void)state;
	/* The vTPM warns about each failure it survives: expected here. */
	log_level_max = LOG_ERROR;
	sim = svsm_sim_create(&cfg);
	assert_non_null(sim);
	attempts = alloc_fault_attempts();
	svsm_sim_destroy(sim);
	for (n = 1; n <= attempts + 1; n++) {
		vtpm_boot_with_fault(n);
	}
	alloc_fault_fail_nth(0);
	log_level_max = saved;
}

const struct CMUnitTest fault_tests[] = {
	cmocka_unit_test(fault_injection_sweep),
	cmocka_unit_test(fault_injection_sweep_vtpm),
};
const size_t fault_tests_count = sizeof(fault_tests) / sizeof(fault_tests[0]);
