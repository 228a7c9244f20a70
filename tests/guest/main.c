/* SPDX-License-Identifier: MIT */
/* The guest-side suite: every group, in order. */
#include "guest.h"

int main(void)
{
	int failed = 0;

	failed |= _cmocka_run_group_tests("boot_dispatch_remap", misc_tests,
					  misc_tests_count, NULL, NULL);
	failed |= _cmocka_run_group_tests("pvalidate", pvalidate_tests,
					  pvalidate_tests_count, NULL, NULL);
	failed |= _cmocka_run_group_tests("vcpu", vcpu_tests, vcpu_tests_count,
					  NULL, NULL);
	failed |= _cmocka_run_group_tests("deposit_withdraw", mem_tests,
					  mem_tests_count, NULL, NULL);
	failed |= _cmocka_run_group_tests("fault_injection", fault_tests,
					  fault_tests_count, NULL, NULL);
	failed |= _cmocka_run_group_tests("reboot", reboot_tests,
					  reboot_tests_count, NULL, NULL);
	return failed ? 1 : 0;
}
