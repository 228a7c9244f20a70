/* SPDX-License-Identifier: MIT */
/*
 * The software SNP machine: guest memory, vCPUs, the guest's side of the
 * hypervisor interface, and the machine's life cycle. The PSP lives in
 * psp.c, the RMP in rmp.c, the hypervisor in hv.c and the fibers in fiber.c.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "machine_internal.h"

#include "abi/ghcb.h"
#include "abi/sev_status.h"
#include "abi/vmsa.h"

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

/** The live machine, or NULL. */
struct snp_machine *snp_machine_current(void)
{
	return live_machine;
}

static bool config_ok(const struct snp_machine_config *cfg)
{
	return cfg->mem_bytes != 0 && (cfg->mem_bytes & SNP_2M_MASK) == 0 &&
	       cfg->mem_bytes <= SNP_MACHINE_MAX_MEM && cfg->vcpus != 0 &&
	       cfg->vcpus <= SNP_MACHINE_MAX_VCPUS;
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
	unsigned i;

	if (cfg == NULL) {
		cfg = &def;
	}
	if (live_machine != NULL || !config_ok(cfg)) {
		return NULL;
	}
	m = snp_calloc(1, sizeof(*m));
	if (m == NULL) {
		return NULL;
	}
	m->cfg = *cfg;
	m->mem_size = cfg->mem_bytes;
	m->pages = cfg->mem_bytes / SNP_PAGE_SIZE;
	m->mem = snp_map(m->mem_size);
	if (m->mem == NULL) {
		goto out_free;
	}
	m->rmp = snp_calloc(m->pages, sizeof(*m->rmp));
	if (m->rmp == NULL) {
		goto out_unmap;
	}
	m->vcpus = snp_calloc(cfg->vcpus, sizeof(*m->vcpus));
	if (m->vcpus == NULL) {
		goto out_rmp;
	}
	for (i = 0; i < cfg->vcpus; i++) {
		m->vcpus[i].apic_id = i;
	}
	live_machine = m;
	return m;

out_rmp:
	free(m->rmp);
out_unmap:
	munmap(m->mem, m->mem_size);
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
	explicit_bzero(m->vmpck, sizeof(m->vmpck));
	free(m->vcpus);
	free(m->rmp);
	munmap(m->mem, m->mem_size);
	if (live_machine == m) {
		live_machine = NULL;
	}
	free(m);
}

/** Host view of guest memory. */
uint8_t *snp_machine_mem(struct snp_machine *m)
{
	return m->mem;
}

/** Bytes of guest memory. */
uint64_t snp_machine_mem_size(const struct snp_machine *m)
{
	return m->mem_size;
}

/** The configuration in use. */
const struct snp_machine_config *snp_machine_config(const struct snp_machine *m)
{
	return &m->cfg;
}

/** Read a qword of the VMSA page at `vmsa_gpa` (in memory). */
uint64_t snp_vmsa_read64(const struct snp_machine *m, uint64_t vmsa_gpa,
			 unsigned off)
{
	uint64_t v;

	memcpy(&v, m->mem + vmsa_gpa + off, sizeof(v));
	return v;
}

/** Write a qword of the VMSA page at `vmsa_gpa` (in memory). */
void snp_vmsa_write64(struct snp_machine *m, uint64_t vmsa_gpa, unsigned off,
		      uint64_t val)
{
	memcpy(m->mem + vmsa_gpa + off, &val, sizeof(val));
}

/** True if the hypervisor can run `vmpl` of `v`: a registered VMSA page. */
bool snp_vmsa_runnable(const struct snp_machine *m, const struct snp_vcpu *v,
		       unsigned vmpl)
{
	const struct rmp_entry *e;

	if (!v->vmsa_valid[vmpl]) {
		return false;
	}
	e = &m->rmp[v->vmsa_gpa[vmpl] / SNP_PAGE_SIZE];
	return e->assigned && e->vmsa;
}

/** Stop the VM for good (a VMPL0 request or a fatal hypervisor error). */
void snp_machine_kill(struct snp_machine *m, unsigned set, unsigned code)
{
	if (m->terminated) {
		return;
	}
	m->terminated = true;
	m->term_set = set;
	m->term_code = code;
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

/** Termination state (see machine.h). */
bool snp_machine_terminated(const struct snp_machine *m, unsigned *set,
			    unsigned *code)
{
	if (m->terminated) {
		if (set != NULL) {
			*set = m->term_set;
		}
		if (code != NULL) {
			*code = m->term_code;
		}
	}
	return m->terminated;
}

/** Registered VMSA GPA for (`apic_id`, `vmpl`), or 0. */
uint64_t snp_machine_vmsa_gpa(const struct snp_machine *m, unsigned apic_id,
			      unsigned vmpl)
{
	if (apic_id >= m->cfg.vcpus || vmpl >= SNP_VMPL_COUNT ||
	    !m->vcpus[apic_id].vmsa_valid[vmpl]) {
		return 0;
	}
	return m->vcpus[apic_id].vmsa_gpa[vmpl];
}

/** Guest RDMSR (see machine.h); unknown MSRs and bad operands read 0. */
uint64_t snp_machine_guest_rdmsr(struct snp_machine *m, unsigned apic_id,
				 unsigned vmpl, uint32_t msr)
{
	if (apic_id >= m->cfg.vcpus || vmpl >= SNP_VMPL_COUNT) {
		return 0;
	}
	if (msr == MSR_GHCB) {
		return m->vcpus[apic_id].ghcb_msr[vmpl];
	}
	if (msr == MSR_SEV_STATUS) {
		return m->cfg.sev_status;
	}
	return 0;
}

/** Guest WRMSR (see machine.h); only the GHCB MSR is writable. */
void snp_machine_guest_wrmsr(struct snp_machine *m, unsigned apic_id,
			     unsigned vmpl, uint32_t msr, uint64_t value)
{
	if (apic_id >= m->cfg.vcpus || vmpl >= SNP_VMPL_COUNT) {
		return;
	}
	if (msr == MSR_GHCB) {
		m->vcpus[apic_id].ghcb_msr[vmpl] = value;
	}
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

/** Install the guest-request handler. */
void snp_machine_set_guest_request_handler(struct snp_machine *m,
					   snp_guest_request_fn fn, void *ctx)
{
	m->greq_fn = fn;
	m->greq_ctx = ctx;
}

/** TLB flushes so far. */
unsigned long snp_machine_tlb_flushes(const struct snp_machine *m)
{
	return m->tlb_flushes;
}
