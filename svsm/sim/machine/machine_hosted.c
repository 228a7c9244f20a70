/* SPDX-License-Identifier: MIT */
/*
 * The hosted front end of the software SNP machine: the machine's life
 * cycle over calloc() and mmap(), VMPL0 contexts as fibers (fiber.c), and
 * the guest's VMGEXIT from the calling thread.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "machine_internal.h"

#include "abi/vmsa.h"

#if defined(SVSM_ASAN)
#include <sanitizer/asan_interface.h>
#endif

/*
 * Mappings kept for the next machine. The first touch of an anonymous
 * page costs a page fault (25 us on a virtualised host, measured), and the
 * fuzzers boot a machine per input: faulting in the SVSM region and the
 * fiber stacks again each time was most of a boot. So a destroyed
 * machine's guest memory (up to KEEP_MAX) and fiber stacks are kept and
 * handed to the next caller asking for the same length. Only one machine
 * lives at a time, so a few slots cover its memory and a few vCPUs.
 */
#define KEEP_SLOTS 8
#define KEEP_MAX (64UL << 20)

struct kept_map {
	void *p;
	size_t len;
	bool zero; /* all zero (guest memory) */
};

static struct kept_map kept[KEEP_SLOTS];
static struct snp_machine *live_machine;
static unsigned long alloc_fail_nth;

/** Make the n-th allocation of the machine from now fail (0: never). */
void snp_machine_fail_alloc_nth(unsigned long n)
{
	alloc_fail_nth = n;
}

static bool alloc_fails(void)
{
	if (alloc_fail_nth == 0) {
		return false;
	}
	return --alloc_fail_nth == 0;
}

/** calloc() that fault injection can fail. */
void *snp_calloc(size_t n, size_t size)
{
	return alloc_fails() ? NULL : calloc(n, size);
}

/** Private anonymous lazily-zeroed mapping (fault-injectable), or NULL. */
void *snp_map(size_t len)
{
	void *p;

	if (alloc_fails()) {
		return NULL;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

/*
 * A mapping of `len` bytes kept by snp_unmap() with the same `zero` (all
 * zero if set, else as left), or a new one (all zero; *fresh set).
 */
void *snp_map_kept(size_t len, bool zero, bool *fresh)
{
	unsigned i;

	for (i = 0; i < KEEP_SLOTS; i++) {
		if (kept[i].p != NULL && kept[i].len == len &&
		    kept[i].zero == zero) {
			void *p = kept[i].p;

			/* The same failure points as a new mapping. */
			if (alloc_fails()) {
				return NULL;
			}
			kept[i].p = NULL;
			*fresh = false;
			return p;
		}
	}
	*fresh = true;
	return snp_map(len);
}

/*
 * Clear what the mapping's last user poisoned, so that it cannot trip the
 * next one. Only where needed, and a shadow page at a time: ASan drops
 * the shadow of a large unpoisoned range (re-mapping it), and every page
 * of shadow read or written after that costs a page fault (over 20 us on
 * a virtualised host) - which is what reading all of it to look for
 * poison did too. Shadow pages not mapped in (mincore) are all zero.
 */
static void unpoison(void *p, size_t len)
{
#if defined(SVSM_ASAN)
	size_t scale, shadow;
	uintptr_t s0, s1, pg;

	__asan_get_shadow_mapping(&scale, &shadow);
	s0 = ((uintptr_t)p >> scale) + shadow;
	s1 = (((uintptr_t)p + len) >> scale) + shadow;
	if ((s0 | s1) % 64 != 0) {
		__asan_unpoison_memory_region(p, len);
		return;
	}
	for (pg = s0 & ~(uintptr_t)SNP_PAGE_MASK; pg < s1;
	     pg += 64 * SNP_PAGE_SIZE) {
		unsigned char in[64];
		size_t n = (s1 - pg + SNP_PAGE_MASK) / SNP_PAGE_SIZE;
		size_t i;

		n = n < 64 ? n : 64;
		if (mincore((void *)pg, n * SNP_PAGE_SIZE, in) != 0) {
			memset(in, 1, sizeof(in)); /* look at all of it */
		}
		for (i = 0; i < n; i++) {
			uintptr_t a = pg + i * SNP_PAGE_SIZE;
			uintptr_t b = a + SNP_PAGE_SIZE;

			a = a < s0 ? s0 : a;
			b = b > s1 ? s1 : b;
			/* 32 KiB of memory: ASan clears its shadow in
			 * place. */
			if ((in[i] & 1) &&
			    !snp_bytes_are_zero((const uint8_t *)a, b - a)) {
				__asan_unpoison_memory_region(
					(void *)((a - shadow) << scale),
					(b - a) << scale);
			}
		}
	}
#else
	(void)p;
	(void)len;
#endif
}

/*
 * Keep a mapping for snp_map_kept(), zeroed first if `zero` (guest
 * memory: a new machine's memory is all zero), or unmap it. Where the
 * kernel tracks writes (dirty.c), only the pages written in the first
 * `tracked` bytes since the last time are looked at, and all the rest.
 */
static void unmap_or_keep(void *p, size_t len, bool zero, size_t tracked)
{
	uint8_t *b = p;
	size_t off;
	unsigned i;

	if (len <= KEEP_MAX) {
		for (i = 0; i < KEEP_SLOTS; i++) {
			if (kept[i].p != NULL) {
				continue;
			}
			unpoison(p, len);
			/* Rewriting resident pages costs far less than
			 * faulting them in again. */
			if (zero) {
				bool known = snp_dirty_each(p, tracked,
							    snp_zero_page) == 0;

				for (off = known ? tracked : 0; off < len;
				     off += SNP_PAGE_SIZE) {
					snp_zero_page(b + off);
				}
				if (!known) {
					snp_dirty_arm(p, len, tracked);
				}
			}
			kept[i] = (struct kept_map){ p, len, zero };
			return;
		}
	}
#if defined(SVSM_ASAN)
	/* In one go: reading a large shadow range would fault it in. */
	__asan_unpoison_memory_region(p, len);
#endif
	snp_dirty_forget(p, len);
	munmap(p, len);
}

/** See unmap_or_keep(): nothing tracked. */
void snp_unmap(void *p, size_t len, bool zero)
{
	unmap_or_keep(p, len, zero, 0);
}

/** See machine.h. */
void snp_machine_hint_busy_top(struct snp_machine *m, uint64_t bytes)
{
	m->busy_top = bytes < m->mem_size ? bytes : m->mem_size;
}

/** The live machine, or NULL. */
struct snp_machine *snp_machine_current(void)
{
	return live_machine;
}

/** Create the machine (see machine.h). */
struct snp_machine *snp_machine_create(const struct snp_machine_config *cfg)
{
	struct snp_machine_config def = {
		.mem_bytes = SNP_MACHINE_DEFAULT_MEM,
		.vcpus = 1,
		.sev_status = SNP_MACHINE_DEFAULT_SEV_STATUS,
	};
	struct snp_machine *m;
	uint8_t *mem;
	struct rmp_entry *rmp;
	bool fresh;
	struct snp_vcpu *vcpus;

	if (cfg == NULL) {
		cfg = &def;
	}
	if (live_machine != NULL || !snp_machine_config_ok(cfg)) {
		return NULL;
	}
	m = snp_calloc(1, sizeof(*m));
	if (m == NULL) {
		return NULL;
	}
	mem = snp_map_kept(cfg->mem_bytes, true, &fresh);
	if (mem == NULL) {
		goto out_free;
	}
	rmp = snp_calloc(cfg->mem_bytes / SNP_PAGE_SIZE, sizeof(*rmp));
	if (rmp == NULL) {
		goto out_unmap;
	}
	vcpus = snp_calloc(cfg->vcpus, sizeof(*vcpus));
	if (vcpus == NULL) {
		goto out_rmp;
	}
	snp_machine_setup(m, cfg, mem, rmp, vcpus);
	live_machine = m;
	return m;

out_rmp:
	free(rmp);
out_unmap:
	snp_unmap(mem, cfg->mem_bytes, true);
out_free:
	free(m);
	return NULL;
}

/** Destroy the machine; never from inside one of its fibers. */
void snp_machine_destroy(struct snp_machine *m)
{
	unsigned i;

	if (m == NULL) {
		return;
	}
	if (m->cur != NULL) {
		abort();
	}
	for (i = 0; i < m->cfg.vcpus; i++) {
		snp_fiber_free(m->vcpus[i].fiber);
	}
	snp_wipe(m->vmpck, sizeof(m->vmpck));
	free(m->vcpus);
	free(m->rmp);
	unmap_or_keep(m->mem, m->mem_size, true, m->mem_size - m->busy_top);
	if (live_machine == m) {
		live_machine = NULL;
	}
	free(m);
}

/** Boot a vCPU's VMPL0 context (see machine.h). */
int snp_machine_boot(struct snp_machine *m, unsigned apic_id, uint64_t vmsa_gpa)
{
	const struct rmp_entry *e;
	struct snp_vcpu *v;

	if (m->terminated || apic_id >= m->cfg.vcpus || m->cur != NULL) {
		return -1;
	}
	if ((vmsa_gpa & SNP_PAGE_MASK) != 0 ||
	    !snp_range_ok(m, vmsa_gpa, SNP_PAGE_SIZE)) {
		return -1;
	}
	e = snp_rmp_at(m, vmsa_gpa);
	if (!e->assigned || !e->vmsa || m->mem[vmsa_gpa + VMSA_OFF_VMPL] != 0) {
		return -1;
	}
	v = &m->vcpus[apic_id];
	if (v->fiber != NULL && v->fiber->active) {
		return -1;
	}
	m->launch_finished = true;
	v->vmsa_valid[0] = true;
	v->vmsa_gpa[0] = vmsa_gpa;
	if (!snp_vcpu_start_fiber(m, v, vmsa_gpa)) {
		return -1;
	}
	snp_fiber_resume(m, v->fiber);
	return m->terminated ? -1 : 0;
}

/* Resume the VMPL0 fiber for the guest at `vmpl`; 0 once control is back. */
static int guest_run_vmpl0(struct snp_machine *m, struct snp_vcpu *v,
			   unsigned vmpl)
{
	struct snp_fiber *f = v->fiber;

	snp_fiber_resume(m, f);
	if (m->terminated) {
		return -1;
	}
	return f->exit == SNP_FIBER_RUN_VMPL && f->exit_vmpl == vmpl ? 0 : -1;
}

/** The guest's VMGEXIT (see machine.h). */
int snp_machine_guest_vmgexit(struct snp_machine *m, unsigned apic_id,
			      unsigned vmpl)
{
	struct snp_hv_result res;
	struct snp_vcpu *v;

	if (m->terminated || m->cur != NULL || apic_id >= m->cfg.vcpus ||
	    vmpl == 0 || vmpl >= SNP_VMPL_COUNT) {
		return -1;
	}
	v = &m->vcpus[apic_id];
	if (!snp_vmsa_runnable(m, v, vmpl)) {
		return -1;
	}
	snp_vmsa_write64(m, v->vmsa_gpa[vmpl], VMSA_OFF_GUEST_EXIT_CODE,
			 SVM_EXIT_VMGEXIT);
	snp_hv_vmgexit(m, v, vmpl, true, &res);
	switch (res.next) {
	case SNP_HV_DONE:
		return res.ok ? 0 : -1;
	case SNP_HV_RUN_VMPL:
		return guest_run_vmpl0(m, v, vmpl);
	case SNP_HV_START_AP:
		snp_fiber_resume(m, res.ap->fiber);
		return m->terminated ? -1 : 0;
	case SNP_HV_TERMINATED:
	default:
		return -1;
	}
}

/*
 * The front-end interface (machine_internal.h): VMPL0 contexts are fibers.
 */

/** True if `v`'s VMPL0 fiber runs now. */
bool snp_fe_vmpl0_running(const struct snp_machine *m, const struct snp_vcpu *v)
{
	(void)m;
	return v->fiber != NULL && v->fiber->active;
}

/** True if `v`'s VMPL0 fiber waits to take the vCPU back. */
bool snp_fe_vmpl0_resumable(const struct snp_machine *m,
			    const struct snp_vcpu *v)
{
	const struct snp_fiber *f = v->fiber;

	return f != NULL && !f->dead && !f->active &&
	       snp_vmsa_runnable(m, v, 0);
}

/** A new fiber for `ap`'s VMPL0, run by the caller once the call is done. */
bool snp_fe_ap_start(struct snp_machine *m, struct snp_vcpu *ap,
		     uint64_t vmsa_gpa)
{
	return snp_vcpu_start_fiber(m, ap, vmsa_gpa);
}

/**
 * VMPL0: free `ap`'s fiber. The other VMPLs are the harness's thread,
 * which runs only inside its own calls: nothing runs them to force out.
 */
void snp_fe_ap_destroy(struct snp_machine *m, struct snp_vcpu *ap,
		       unsigned vmpl)
{
	(void)m;
	if (vmpl != 0) {
		return;
	}
	snp_fiber_free(ap->fiber);
	ap->fiber = NULL;
}

/** A VMSA is in use while the VMPL0 fiber started from it runs. */
bool snp_fe_vmsa_in_use(const struct snp_machine *m, uint64_t vmsa_gpa)
{
	unsigned i;

	for (i = 0; i < m->cfg.vcpus; i++) {
		const struct snp_vcpu *v = &m->vcpus[i];

		if (v->fiber != NULL && v->fiber->active && v->vmsa_valid[0] &&
		    v->vmsa_gpa[0] == vmsa_gpa) {
			return true;
		}
	}
	return false;
}

/** The hosted machine has no I/O ports. */
bool snp_fe_ioio(struct snp_machine *m, uint64_t info1, uint64_t *rax)
{
	(void)m;
	(void)info1;
	(void)rax;
	return false;
}

/** The hosted machine answers CPUID from the hypervisor's fixed table. */
bool snp_fe_cpuid(uint32_t fn, unsigned reg, uint32_t *val)
{
	(void)fn;
	(void)reg;
	(void)val;
	return false;
}
