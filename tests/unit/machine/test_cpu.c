/* SPDX-License-Identifier: MIT */
/*
 * The hosted machine interface (<svsm/cpu.h>) over the software SNP
 * machine, called from the main context (vCPU 0, VMPL0).
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "machine_test.h"

#include "svsm/cpu.h"

#include "abi/ghcb.h"
#include "abi/snp_rmp.h"

#define PG 0x50000ULL

/* Confirm PVALIDATE and RMPADJUST through SVSM virtual addresses. */
static void cpu_rmp_ops(void **state)
{
	struct snp_machine *m = *state;
	uint8_t *va = snp_machine_mem(m) + PG;
	uint8_t outside;
	bool cf = true;

	assert_int_equal(snp_machine_rmp_update(m, PG, false, true), 0);
	assert_int_equal(cpu_pvalidate(va, CPU_PAGE_4K, true, &cf),
			 PVALIDATE_SUCCESS);
	assert_false(cf);
	assert_int_equal(cpu_pvalidate(va, CPU_PAGE_4K, true, &cf),
			 PVALIDATE_SUCCESS);
	assert_true(cf);
	assert_int_equal(cpu_rmpadjust(va, CPU_PAGE_4K,
				       RMPADJUST_ATTRS(2, RMPADJUST_READ)),
			 RMPADJUST_SUCCESS);
	assert_int_equal(snp_machine_rmp(m, PG)->perms[2], RMP_PERM_READ);
	assert_int_equal(cpu_rmpadjust(va, CPU_PAGE_4K, RMPADJUST_ATTRS(0, 0)),
			 RMPADJUST_FAIL_PERMISSION);
	assert_int_equal(cpu_pvalidate(&outside, CPU_PAGE_4K, true, &cf),
			 PVALIDATE_FAIL_INPUT);
	assert_false(cf);
	assert_int_equal(
		cpu_rmpadjust(&outside, CPU_PAGE_4K, RMPADJUST_ATTRS(1, 0)),
		RMPADJUST_FAIL_INPUT);
	assert_int_equal(cpu_pvalidate(snp_machine_mem(m) + TM_MEM, CPU_PAGE_4K,
				       true, &cf),
			 PVALIDATE_FAIL_INPUT);
}

/* Confirm trapped copies check every page they touch. */
static void cpu_trapped_copies(void **state)
{
	struct snp_machine *m = *state;
	uint8_t *mem = snp_machine_mem(m);
	uint8_t buf[64];
	uint8_t local = 0;

	tm_private(m, PG);
	memset(mem + PG, 0xAB, TM_PAGE);
	assert_true(cpu_copy_from_trapped(buf, mem + PG + 8, sizeof(buf)));
	assert_int_equal(buf[63], 0xAB);
	memset(buf, 0x11, sizeof(buf));
	assert_true(cpu_copy_to_trapped(mem + PG + 100, buf, sizeof(buf)));
	assert_int_equal(mem[PG + 163], 0x11);
	/* Shared (unassigned) pages are accessible. */
	assert_true(cpu_copy_from_trapped(buf, mem + PG + TM_PAGE, 16));
	/* Crossing into a private page that is not validated. */
	assert_int_equal(snp_machine_rmp_update(m, PG + TM_PAGE, false, true),
			 0);
	assert_false(cpu_copy_from_trapped(buf, mem + PG + TM_PAGE - 8, 16));
	assert_false(cpu_copy_to_trapped(mem + PG + TM_PAGE - 8, buf, 16));
	assert_int_equal(mem[PG + TM_PAGE], 0);
	/* Outside guest memory. */
	assert_false(cpu_copy_from_trapped(buf, mem + TM_MEM - 8, 16));
	assert_false(cpu_copy_from_trapped(buf, &local, 1));
	assert_false(cpu_copy_to_trapped(&local, buf, 1));
	assert_true(cpu_copy_from_trapped(buf, mem + PG, 0));
}

/* Confirm the MSRs, the APIC ID and the TLB flush counter. */
static void cpu_misc(void **state)
{
	struct snp_machine *m = *state;

	assert_int_equal(cpu_rdmsr(0xC0010131), TM_STATUS);
	cpu_wrmsr(MSR_GHCB, 0x1234000);
	assert_int_equal(cpu_rdmsr(MSR_GHCB), 0x1234000);
	assert_int_equal(snp_machine_guest_rdmsr(m, 0, 0, MSR_GHCB), 0x1234000);
	assert_int_equal(cpu_apic_id(), 0);
	assert_int_equal(snp_machine_tlb_flushes(m), 0);
	cpu_flush_tlb_all();
	cpu_flush_tlb_all();
	assert_int_equal(snp_machine_tlb_flushes(m), 2);
}

/* Run `fn` in a child process; true if it died of SIGABRT. */
static bool aborts(void (*fn)(void))
{
	int status = 0;
	pid_t pid = fork();

	if (pid == 0) {
		if (freopen("/dev/null", "w", stderr) == NULL) {
			_exit(2);
		}
		fn();
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		return false;
	}
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

static void read_unmodelled_msr(void)
{
	(void)cpu_rdmsr(0x1B);
}

static void write_sev_status(void)
{
	cpu_wrmsr(0xC0010131, 0);
}

static void vmgexit(void)
{
	cpu_vmgexit();
}

static void vmgexit_without_machine(void)
{
	snp_machine_destroy(snp_machine_current());
	cpu_vmgexit();
}

/* Confirm SVSM bugs abort: unmodelled MSRs, no machine, VMGEXIT when dead. */
static void cpu_bugs_abort(void **state)
{
	assert_true(aborts(read_unmodelled_msr));
	assert_true(aborts(write_sev_status));
	assert_true(aborts(vmgexit_without_machine));
	cpu_wrmsr(MSR_GHCB, GHCB_MSR_HV_FT_REQ);
	assert_false(aborts(vmgexit)); /* a live VM answers */
	tm_vmpl0_msr(GHCB_MSR_TERM(0, 1));
	assert_true(snp_machine_terminated(*state, NULL, NULL));
	assert_true(aborts(vmgexit));
}

int machine_test_cpu(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(cpu_rmp_ops, tm_setup,
						tm_teardown),
		cmocka_unit_test_setup_teardown(cpu_trapped_copies, tm_setup,
						tm_teardown),
		cmocka_unit_test_setup_teardown(cpu_misc, tm_setup,
						tm_teardown),
		cmocka_unit_test_setup_teardown(cpu_bugs_abort, tm_setup,
						tm_teardown),
	};

	return cmocka_run_group_tests_name("machine_cpu", tests, NULL, NULL);
}
