/* SPDX-License-Identifier: MIT */
/*
 * AP start-up (INIT-SIPI-SIPI into the real-mode trampoline) and cross-CPU
 * calls. APs are started one at a time: the trampoline has one parameter
 * block, and the next AP starts only after the previous one is online.
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <kernel/platform.h>
#include <kernel/sched.h>
#include <x86/apic.h>
#include <x86/asm.h>
#include <x86/desc.h>
#include <x86/layout.h>
#include <x86/paging.h>
#include <x86/percpu.h>
#include <x86/smp.h>
#include <x86/stack.h>
#include <x86/time.h>
#include <svsm/log.h>
#include <svsm/mm.h>

#define AP_START_TIMEOUT_US 1000000

/** Mirror of the parameter block at the end of trampoline.S. */
struct trampoline_params {
	uint64_t cr3;
	uint64_t stack;
	uint64_t percpu;
	uint64_t entry;
};

extern const char trampoline_start[], trampoline_end[];
extern const char trampoline_params[];

struct percpu *percpu_areas[MAX_CPUS];
unsigned int cpu_count = 1;
static atomic_uint online_count;
static atomic_bool stopping;

/** CPUs online. */
unsigned int smp_online_count(void)
{
	return atomic_load(&online_count);
}

/** True once a panic stopped the other CPUs. */
bool smp_stopping(void)
{
	return atomic_load(&stopping);
}

/** Common last steps of bringing a CPU up (boot CPU and APs). */
void smp_cpu_online(struct percpu *pc)
{
	atomic_store(&pc->online, true);
	atomic_fetch_add(&online_count, 1);
}

/** Fill a new CPU's zeroed area and publish it as CPU `index`. */
void smp_percpu_setup(struct percpu *pc, unsigned int index, uint32_t apic_id,
		      uint64_t stack_top)
{
	pc->self = pc;
	pc->index = index;
	pc->apic_id = apic_id;
	pc->stack_top = stack_top;
	spin_lock_init(&pc->rq_lock);
	spin_lock_init(&pc->call_lock);
	percpu_areas[index] = pc;
}

_Noreturn void ap_entry(struct percpu *pc);

/** C entry of an AP (from the trampoline) on its boot stack. */
_Noreturn void ap_entry(struct percpu *pc)
{
	if (!cpu_tables_init(pc)) {
		/* Not online: the boot CPU reports it after its timeout. */
		halt_forever();
	}
	apic_enable_local();
	if (!sched_init_cpu(pc)) {
		halt_forever();
	}
	smp_cpu_online(pc);
	log_printf(LOG_INFO, "CPU %u (APIC ID %u) online\n", pc->index,
		   pc->apic_id);
	sched_idle_loop();
}

/**
 * Allocate a CPU's area and boot stack and start it (it is waiting for a
 * start-up IPI after INIT); false if it failed.
 */
static bool start_one(uint32_t apic_id, unsigned int index)
{
	struct trampoline_params *params;
	struct percpu *pc;
	struct kstack st;
	uint64_t t0;

	pc = kzalloc(sizeof(*pc));
	if (pc == NULL) {
		return false;
	}
	if (!kstack_alloc(&st)) {
		kfree(pc);
		return false;
	}
	smp_percpu_setup(pc, index, apic_id, st.top);

	params = phys_to_virt(TRAMPOLINE_PHYS +
			      (uint64_t)(trampoline_params - trampoline_start));
	params->cr3 = paging_root_pa();
	params->stack = st.top;
	params->percpu = (uint64_t)pc;
	params->entry = (uint64_t)ap_entry;
	atomic_thread_fence(memory_order_seq_cst);

	apic_send_sipi(apic_id, TRAMPOLINE_PHYS >> 12);
	t0 = time_us();
	while (!atomic_load(&pc->online)) {
		if (time_us() - t0 > AP_START_TIMEOUT_US) {
			/* Its area stays allocated: the CPU may still run. */
			log_printf(LOG_WARN,
				   "CPU with APIC ID %u did not start\n",
				   apic_id);
			return false;
		}
		cpu_relax();
	}
	return true;
}

/** Start the APs of the MADT one by one (see smp.h). */
unsigned int smp_boot(const uint32_t *apic_ids, unsigned int count)
{
	size_t size = (size_t)(trampoline_end - trampoline_start);
	uint32_t self = this_cpu()->apic_id;
	unsigned int i;

	if (!paging_map(TRAMPOLINE_PHYS, TRAMPOLINE_PHYS, 4096,
			PAGE_KERNEL_RX)) {
		log_printf(LOG_WARN, "cannot map the AP trampoline\n");
		return smp_online_count();
	}
	memcpy(phys_to_virt(TRAMPOLINE_PHYS), trampoline_start, size);
	/* INIT every AP, wait the 10 ms once, then start them one by one. */
	for (i = 0; i < count; i++) {
		if (apic_ids[i] != self) {
			apic_send_init(apic_ids[i]);
		}
	}
	udelay(10000);
	for (i = 0; i < count && cpu_count < MAX_CPUS; i++) {
		if (apic_ids[i] == self) {
			continue;
		}
		if (start_one(apic_ids[i], cpu_count)) {
			cpu_count++;
		}
	}
	paging_unmap(TRAMPOLINE_PHYS, 4096);
	smp_flush_tlb_all();
	return smp_online_count();
}

static void run_call(struct percpu *pc)
{
	void (*fn)(void *);
	void *arg;

	if (!atomic_load(&pc->call.pending)) {
		return;
	}
	fn = pc->call.fn;
	arg = pc->call.arg;
	fn(arg);
	atomic_store(&pc->call.pending, false);
}

/** Run a cross-CPU call pending for this CPU, if any. */
void smp_poll(void)
{
	run_call(this_cpu());
}

/** Run `fn(arg)` on CPU `index` and wait (see smp.h). */
bool smp_call(unsigned int index, void (*fn)(void *arg), void *arg)
{
	struct percpu *pc = percpu_of(index);

	if (pc == NULL || !atomic_load(&pc->online)) {
		return false;
	}
	if (pc == this_cpu()) {
		fn(arg);
		return true;
	}
	/* One caller at a time per target; keep serving our own calls. */
	while (!spin_trylock(&pc->call_lock)) {
		smp_poll();
		cpu_relax();
	}
	pc->call.fn = fn;
	pc->call.arg = arg;
	atomic_store(&pc->call.pending, true);
	apic_send_ipi(pc->apic_id, VEC_IPI_CALL);
	while (atomic_load(&pc->call.pending)) {
		smp_poll();
		cpu_relax();
	}
	spin_unlock(&pc->call_lock);
	return true;
}

/** Wake CPU `index` from `hlt` with an IPI. */
void smp_wake(unsigned int index)
{
	struct percpu *pc = percpu_of(index);

	if (pc != NULL && pc != this_cpu() && atomic_load(&pc->online)) {
		apic_send_ipi(pc->apic_id, VEC_IPI_WAKE);
	}
}

static void flush_local(void *arg)
{
	write_cr3(read_cr3());
}

/** Reload CR3 on every online CPU. */
void smp_flush_tlb_all(void)
{
	unsigned int i;

	flush_local(NULL);
	for (i = 0; i < cpu_count; i++) {
		if (percpu_of(i) != this_cpu()) {
			smp_call(i, flush_local, NULL);
		}
	}
}

/** NMI every other online CPU into a halt loop. */
void smp_stop_others(void)
{
	struct percpu *self = this_cpu();
	unsigned int i;

	atomic_store(&stopping, true);
	/* SNP: no APIC access; terminating the VM stops every vCPU. */
	if (platform_get() == PLATFORM_SNP) {
		return;
	}
	for (i = 0; i < cpu_count; i++) {
		struct percpu *pc = percpu_of(i);

		if (pc != NULL && pc != self && atomic_load(&pc->online)) {
			apic_send_nmi(pc->apic_id);
		}
	}
}

/** Acknowledge an IPI and run what it carries. */
void smp_handle_ipi(unsigned int vector)
{
	struct percpu *pc = this_cpu();

	apic_eoi();
	atomic_fetch_add(&pc->ipis_received, 1);
	if (vector == VEC_IPI_CALL) {
		run_call(pc);
	}
}
