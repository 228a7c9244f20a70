/* SPDX-License-Identifier: MIT */
/*
 * The machine interface (<svsm/cpu.h>) of the hosted build: every call acts
 * on the live machine's vCPU whose VMPL0 fiber is running. Outside any fiber
 * (unit tests of platform code run in the main context) the calls act on
 * vCPU 0 at VMPL0, and a RUN_VMPL request is refused because the main
 * context cannot switch away.
 *
 * SVSM virtual addresses of guest memory are the machine's memory buffer:
 * the platform maps GPA 0 at `snp_machine_mem()`. An address outside it
 * makes PVALIDATE/RMPADJUST fail with FAIL_INPUT and trapped copies return
 * false. Using the interface without a machine, or an MSR the machine does
 * not model, is an SVSM bug and aborts. So is a VMGEXIT from the main
 * context once the VM terminated (it would otherwise spin forever in a
 * "terminate and never return" loop).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/cpu.h"

#include "machine_internal.h"

#include "abi/ghcb.h"
#include "abi/sev_status.h"
#include "abi/snp_rmp.h"

static struct snp_machine *machine(const char *what)
{
	struct snp_machine *m = snp_machine_current();

	if (m == NULL) {
		fprintf(stderr, "%s: no software SNP machine\n", what);
		abort();
	}
	return m;
}

static struct snp_vcpu *cur_vcpu(struct snp_machine *m)
{
	return m->cur != NULL ? m->cur : &m->vcpus[0];
}

/* GPA of `va` if [va, va + len) lies in guest memory. */
static bool va_to_gpa(const struct snp_machine *m, const void *va, uint64_t len,
		      uint64_t *gpa)
{
	uintptr_t base = (uintptr_t)m->mem;
	uintptr_t p = (uintptr_t)va;

	if (p < base || !snp_range_ok(m, p - base, len)) {
		return false;
	}
	*gpa = p - base;
	return true;
}

/** PVALIDATE (see <svsm/cpu.h>). */
uint32_t cpu_pvalidate(const void *va, enum cpu_page_size size, bool validate,
		       bool *cf)
{
	struct snp_machine *m = machine(__func__);
	uint64_t gpa;

	if (!va_to_gpa(m, va, 1, &gpa)) {
		*cf = false;
		return PVALIDATE_FAIL_INPUT;
	}
	return snp_machine_pvalidate(m, gpa, (unsigned)size, validate, cf);
}

/** RMPADJUST at VMPL0 (see <svsm/cpu.h>). */
uint32_t cpu_rmpadjust(const void *va, enum cpu_page_size size, uint64_t attrs)
{
	struct snp_machine *m = machine(__func__);
	uint64_t gpa;

	if (!va_to_gpa(m, va, 1, &gpa)) {
		return RMPADJUST_FAIL_INPUT;
	}
	return snp_machine_rmpadjust(m, 0, gpa, (unsigned)size, attrs);
}

/** VMGEXIT from VMPL0 (see <svsm/cpu.h> and machine.h). */
void cpu_vmgexit(void)
{
	struct snp_machine *m = machine(__func__);
	struct snp_vcpu *v = cur_vcpu(m);
	bool in_fiber = m->cur != NULL;
	struct snp_hv_result res;

	if (m->terminated) {
		if (in_fiber) {
			snp_fiber_abandon(m, v->fiber);
		}
		/* Nothing can ever resume this context: do not spin. */
		fprintf(stderr, "cpu_vmgexit: the VM terminated; the main "
				"context cannot continue\n");
		abort();
	}
	snp_hv_vmgexit(m, v, 0, in_fiber, &res);
	switch (res.next) {
	case SNP_HV_RUN_VMPL:
		snp_fiber_yield(m, v->fiber,
				snp_vmsa_runnable(m, v, res.vmpl) ?
					SNP_FIBER_RUN_VMPL :
					SNP_FIBER_PARKED,
				res.vmpl);
		break;
	case SNP_HV_START_AP:
		snp_fiber_resume(m, res.ap->fiber);
		break;
	case SNP_HV_DONE:
	case SNP_HV_TERMINATED:
		break;
	}
	if (m->terminated && in_fiber) {
		snp_fiber_abandon(m, v->fiber);
	}
}

/** RDMSR at VMPL0: the GHCB MSR and SEV_STATUS. */
uint64_t cpu_rdmsr(uint32_t msr)
{
	struct snp_machine *m = machine(__func__);

	if (msr == MSR_GHCB) {
		return cur_vcpu(m)->ghcb_msr[0];
	}
	if (msr == MSR_SEV_STATUS) {
		return m->cfg.sev_status;
	}
	fprintf(stderr, "cpu_rdmsr: MSR %#x is not modelled\n", msr);
	abort();
}

/** WRMSR at VMPL0: the GHCB MSR only. */
void cpu_wrmsr(uint32_t msr, uint64_t value)
{
	struct snp_machine *m = machine(__func__);

	if (msr == MSR_GHCB) {
		cur_vcpu(m)->ghcb_msr[0] = value;
		return;
	}
	fprintf(stderr, "cpu_wrmsr: MSR %#x is not modelled\n", msr);
	abort();
}

/** Counted, so tests can check that permission reductions flush. */
void cpu_flush_tlb_all(void)
{
	machine(__func__)->tlb_flushes++;
}

/** No encryption in the software machine: every mapping reaches the page. */
bool cpu_map_shared(void *va)
{
	(void)va;
	return true;
}

/** No #VC in the software machine: the GHCB is only used explicitly. */
void cpu_ghcb_set(struct ghcb *ghcb)
{
	(void)ghcb;
}

/** APIC ID of the running vCPU. */
uint32_t cpu_apic_id(void)
{
	struct snp_machine *m = machine(__func__);

	return cur_vcpu(m)->apic_id;
}

/* Every page of [va, va + len) accessible at VMPL0 (shared pages are). */
static bool trapped_ok(const struct snp_machine *m, const void *va,
		       uint64_t len, bool write)
{
	uint64_t gpa, page;

	if (!va_to_gpa(m, va, len, &gpa)) {
		return false;
	}
	for (page = gpa & ~SNP_PAGE_MASK; page < gpa + len;
	     page += SNP_PAGE_SIZE) {
		if (snp_access_check(m, 0, page, write, true) != 0) {
			return false;
		}
	}
	return true;
}

/** Copy from memory that may fault (see <svsm/cpu.h>). */
bool cpu_copy_from_trapped(void *dst, const void *src_va, uint64_t len)
{
	struct snp_machine *m = machine(__func__);

	if (!trapped_ok(m, src_va, len, false)) {
		return false;
	}
	memmove(dst, src_va, len);
	return true;
}

/** Trapped writes to one page fault from now on (a test knob). */
void snp_machine_fail_writes(struct snp_machine *m, uint64_t gpa, bool on)
{
	m->fail_writes = on;
	m->fail_writes_page = gpa & ~SNP_PAGE_MASK;
}

/* The write knob covers a page of [va, va + len). */
static bool write_knob_hit(const struct snp_machine *m, const void *va,
			   uint64_t len)
{
	uint64_t gpa;

	if (!m->fail_writes || !va_to_gpa(m, va, len, &gpa)) {
		return false;
	}
	return gpa < m->fail_writes_page + SNP_PAGE_SIZE &&
	       m->fail_writes_page < gpa + len;
}

/** Copy to memory that may fault (see <svsm/cpu.h>). */
bool cpu_copy_to_trapped(void *dst_va, const void *src, uint64_t len)
{
	struct snp_machine *m = machine(__func__);

	if (!trapped_ok(m, dst_va, len, true) ||
	    write_knob_hit(m, dst_va, len)) {
		return false;
	}
	memmove(dst_va, src, len);
	return true;
}
