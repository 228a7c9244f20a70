/* SPDX-License-Identifier: MIT */
/*
 * The software SNP machine: guest memory, vCPUs, the guest's side of the
 * hypervisor interface. The PSP lives in psp.c, the RMP in rmp.c, the
 * hypervisor in hv.c and hv_msr.c; the front ends own the machine's life
 * cycle and its vCPUs' execution (machine_hosted.c and fiber.c in the
 * hosted build, snp-emu/vm.c in the emulator).
 */
#include <string.h>

#include "machine_internal.h"

#include "abi/ghcb.h"
#include "abi/sev_status.h"
#include "abi/vmsa.h"

/** True if `cfg` is a configuration the model supports. */
bool snp_machine_config_ok(const struct snp_machine_config *cfg)
{
	return cfg->mem_bytes != 0 && (cfg->mem_bytes & SNP_2M_MASK) == 0 &&
	       cfg->mem_bytes <= SNP_MACHINE_MAX_MEM && cfg->vcpus != 0 &&
	       cfg->vcpus <= SNP_MACHINE_MAX_VCPUS;
}

/** Fill `m` over storage its front end owns (see machine_internal.h). */
void snp_machine_setup(struct snp_machine *m,
		       const struct snp_machine_config *cfg, uint8_t *mem,
		       struct rmp_entry *rmp, struct snp_vcpu *vcpus)
{
	unsigned i;

	memset(m, 0, sizeof(*m));
	m->cfg = *cfg;
	m->mem_size = cfg->mem_bytes;
	m->pages = cfg->mem_bytes / SNP_PAGE_SIZE;
	m->mem = mem;
	m->rmp = rmp;
	m->vcpus = vcpus;
	for (i = 0; i < cfg->vcpus; i++) {
		m->vcpus[i].apic_id = i;
	}
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

typedef uint64_t snp_v2 __attribute__((vector_size(16)));

/*
 * Unchecked reads (GCC builds the ASan flavour, clang the fuzzers): guest
 * memory was unpoisoned when its mapping was kept, and the hosted front end
 * also reads ASan's own shadow with snp_bytes_are_zero().
 */
#if defined(__clang__)
#define NO_CHECKS __attribute__((no_sanitize("address", "coverage")))
#else
#define NO_CHECKS __attribute__((no_sanitize_address))
#endif

/*
 * Two words at a time: a hosted run touches a few MiB of its memory, and
 * reading the rest of it costs half of rewriting it. (Freestanding builds
 * have no SSE: the compiler splits the vector into words.)
 */
NO_CHECKS bool snp_bytes_are_zero(const uint8_t *p, size_t len)
{
	const snp_v2 *v = (const snp_v2 *)(const void *)p;
	snp_v2 acc = { 0, 0 };
	size_t i;

	for (i = 0; i < len / sizeof(*v); i += 4) {
		acc |= v[i] | v[i + 1] | v[i + 2] | v[i + 3];
	}
	return (acc[0] | acc[1]) == 0;
}

/*
 * Reading a page costs less than rewriting it, and a page not written is
 * not dirtied: the hosted front end clears only the pages written since a
 * kept mapping was armed (dirty.c).
 */
void snp_zero_page(uint8_t *p)
{
	if (!snp_bytes_are_zero(p, SNP_PAGE_SIZE)) {
		memset(p, 0, SNP_PAGE_SIZE);
	}
}

/** The configuration in use. */
const struct snp_machine_config *snp_machine_config(const struct snp_machine *m)
{
	return &m->cfg;
}

/** The VMSA page at `vmsa_gpa`: in guest memory or the hypervisor's own. */
uint8_t *snp_vmsa_page(const struct snp_machine *m, uint64_t vmsa_gpa)
{
	if (m->ext_vmsa != NULL && vmsa_gpa == m->ext_vmsa_gpa) {
		return m->ext_vmsa;
	}
	return m->mem + vmsa_gpa;
}

/** Read a qword of the VMSA page at `vmsa_gpa`. */
uint64_t snp_vmsa_read64(const struct snp_machine *m, uint64_t vmsa_gpa,
			 unsigned off)
{
	uint64_t v;

	memcpy(&v, snp_vmsa_page(m, vmsa_gpa) + off, sizeof(v));
	return v;
}

/** Write a qword of the VMSA page at `vmsa_gpa`. */
void snp_vmsa_write64(struct snp_machine *m, uint64_t vmsa_gpa, unsigned off,
		      uint64_t val)
{
	memcpy(snp_vmsa_page(m, vmsa_gpa) + off, &val, sizeof(val));
}

/** True if the hypervisor can run `vmpl` of `v`: a registered VMSA page. */
bool snp_vmsa_runnable(const struct snp_machine *m, const struct snp_vcpu *v,
		       unsigned vmpl)
{
	const struct rmp_entry *e;

	if (!v->vmsa_valid[vmpl]) {
		return false;
	}
	if (m->ext_vmsa != NULL && v->vmsa_gpa[vmpl] == m->ext_vmsa_gpa) {
		return true; /* the hypervisor's own launch VMSA */
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
