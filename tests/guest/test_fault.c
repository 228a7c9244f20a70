/* SPDX-License-Identifier: MIT */
/*
 * Fault injection: for every N, the N-th allocation from the start of boot
 * fails, then a representative protocol scenario runs. Nothing may crash
 * or leak, and the guest sees an error (no machine, or error codes).
 */
#include <string.h>

#include "guest.h"
#include "svsm/mm.h"
#include "abi/vmsa.h"

/* The scenario: every core call once; returns how many failed. */
static unsigned scenario(struct guest *g)
{
	unsigned failures = 0;
	uint64_t e = g->low + 0x9000;

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
	failures +=
		core_call(g, 0, SVSM_CORE_DEPOSIT_MEM, ca_buf(g), 0, 0) != 0;
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
	unsigned refused = 0;

	(void)state;
	/* Baseline: how many allocations boot and the scenario make. */
	assert_int_equal(guest_setup((void **)&g), 0);
	attempts = alloc_fault_attempts();
	assert_int_equal(scenario(g), 0);
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
		assert_int_equal(scenario(g), 0);
		assert_int_equal(mm_allocated_bytes(), booted_bytes);
		guest_teardown((void **)&g);
		assert_int_equal(mm_allocated_bytes(), 0);
	}
	alloc_fault_fail_nth(0);
	/*
	 * Every allocation of boot was made to fail once: the core's stop the
	 * boot, the attestation service's only turn attestation off.
	 */
	assert_true(refused > 0 && refused <= attempts);
}

const struct CMUnitTest fault_tests[] = {
	cmocka_unit_test(fault_injection_sweep),
};
const size_t fault_tests_count = sizeof(fault_tests) / sizeof(fault_tests[0]);
