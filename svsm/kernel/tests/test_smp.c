/* SPDX-License-Identifier: MIT */
/*
 * In-kernel SMP tests: every CPU of the MADT is online, cross-CPU calls
 * run on the right CPU, IPIs arrive, the TLB flush reaches every CPU.
 */
#include <stdatomic.h>
#include <stdint.h>

#include <kernel/acpi.h>
#include <kernel/ktest.h>
#include <x86/apic.h>
#include <x86/percpu.h>
#include <x86/smp.h>
#include <x86/time.h>
#include <svsm/cpu.h>

KTEST(smp_all_cpus_online)
{
	unsigned int i;

	KTEST_CHECK(acpi_info.cpu_count >= 1);
	KTEST_CHECK(smp_online_count() == acpi_info.cpu_count);
	KTEST_CHECK(cpu_count == acpi_info.cpu_count);
	for (i = 0; i < cpu_count; i++) {
		KTEST_CHECK(percpu_of(i) != NULL);
		KTEST_CHECK(atomic_load(&percpu_of(i)->online));
		KTEST_CHECK(percpu_of(i)->index == i);
	}
	log_printf(LOG_INFO, "  %u CPUs online", cpu_count);
	return true;
}

/** Records where it ran. */
struct where {
	uint32_t apic_id;
	unsigned int index;
};

static void record_cpu(void *arg)
{
	struct where *w = arg;

	w->apic_id = cpu_apic_id();
	w->index = this_cpu()->index;
}

KTEST(smp_call_runs_on_target)
{
	unsigned int i;

	for (i = 0; i < cpu_count; i++) {
		struct where w = { 0xffffffff, 0xffffffff };

		KTEST_CHECK(smp_call(i, record_cpu, &w));
		KTEST_CHECK(w.index == i);
		KTEST_CHECK(w.apic_id == percpu_of(i)->apic_id);
		KTEST_CHECK(apic_local_id() == this_cpu()->apic_id);
	}
	KTEST_CHECK(!smp_call(MAX_CPUS, record_cpu, NULL));
	KTEST_CHECK(!smp_call(cpu_count, record_cpu, NULL));
	return true;
}

KTEST(smp_ipis_delivered)
{
	unsigned long before[MAX_CPUS] = { 0 };
	unsigned int n = cpu_count;
	unsigned int i;

	for (i = 1; i < n; i++) {
		before[i] = atomic_load(&percpu_of(i)->ipis_received);
		smp_wake(i);
	}
	for (i = 1; i < n; i++) {
		uint64_t t0 = time_us();

		while (atomic_load(&percpu_of(i)->ipis_received) == before[i]) {
			KTEST_CHECK(time_us() - t0 < 1000000);
		}
	}
	return true;
}

static atomic_uint flushes;

static void count_flush(void *arg)
{
	atomic_fetch_add(&flushes, 1);
}

KTEST(smp_tlb_flush_all)
{
	unsigned int i;

	/* Exercise the broadcast path; every CPU must answer. */
	cpu_flush_tlb_all();
	atomic_store(&flushes, 0);
	for (i = 0; i < cpu_count; i++) {
		KTEST_CHECK(smp_call(i, count_flush, NULL));
	}
	KTEST_CHECK(atomic_load(&flushes) == cpu_count);
	return true;
}
