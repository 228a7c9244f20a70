/* SPDX-License-Identifier: MIT */
/*
 * The #VC handler (see <kernel/vc.h>). It runs from the first C
 * instruction of the SNP boot on: CPUID needs only the CPUID page copy;
 * port I/O, MSRs and RDTSC need this CPU's GHCB (before it exists, port
 * output is dropped and input reads all ones, so the console's polls do
 * not wait; an MSR access then terminates the VM). A request the
 * hypervisor fails resumes at the instruction's fixup if it has one (the
 * probing RDMSR), else it panics; so does an exit code the handler does not
 * know, naming it.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <kernel/snp_boot.h>
#include <kernel/vc.h>
#include <x86/asm.h>
#include <x86/desc.h>
#include <x86/extable.h>
#include <x86/percpu.h>
#include <svsm/log.h>
#include <svsm/snp.h>
#include "abi/ghcb.h"

#define CPUID_1_OSXSAVE (1U << 27)
#define CR4_OSXSAVE (1UL << 18)
#define INSN_MAX 15

static const struct snp_cpuid_page *vc_cpuid;

/** See <kernel/vc.h>. */
void vc_set_cpuid_page(const struct snp_cpuid_page *page)
{
	vc_cpuid = page;
}

/** See <kernel/vc.h>. */
void vc_set_ghcb(struct ghcb *ghcb)
{
	this_cpu()->ghcb = ghcb;
}

/* CPUID from the page, with what differs per CPU filled in as hardware
 * would: the APIC ID and OSXSAVE (CR4). */
static void vc_cpuid_insn(struct trap_frame *f)
{
	uint32_t leaf = (uint32_t)f->rax;
	uint32_t r[4];

	if (vc_cpuid == NULL) {
		snp_terminate(GHCB_TERM_SET_GENERAL, GHCB_TERM_GENERAL);
	}
	(void)snp_cpuid_lookup(vc_cpuid, leaf, (uint32_t)f->rcx, r);
	if (leaf == 1) {
		r[1] = (r[1] & 0x00ffffffU) | (this_cpu()->apic_id << 24);
		r[2] &= ~CPUID_1_OSXSAVE;
		if ((read_cr4() & CR4_OSXSAVE) != 0) {
			r[2] |= CPUID_1_OSXSAVE;
		}
	} else if (leaf == 0xb || leaf == 0x1f) {
		r[3] = this_cpu()->apic_id;
	}
	f->rax = r[0];
	f->rbx = r[1];
	f->rcx = r[2];
	f->rdx = r[3];
}

/* One GHCB exit; false if the hypervisor reported an error. */
static bool vc_exit(struct ghcb *g, uint64_t code, uint64_t info1)
{
	return snp_ghcb_call(g, code, info1, 0) == GHCB_RESULT_OK;
}

static void set_reg(struct ghcb *g, uint64_t *field, uint64_t v)
{
	*field = v;
	snp_ghcb_set_valid(g, (size_t)((uint8_t *)field - (uint8_t *)g));
}

static uint64_t merge(uint64_t old, uint64_t v, unsigned int size)
{
	uint64_t mask = size == 4 ? 0xffffffffUL : (1UL << (size * 8)) - 1;

	/* A 32-bit IN zero-extends into RAX, as hardware does. */
	if (size == 4) {
		return v & mask;
	}
	return (old & ~mask) | (v & mask);
}

static bool vc_ioio(struct trap_frame *f, struct ghcb *g, unsigned int *len)
{
	const uint8_t *insn = (const uint8_t *)f->rip;
	struct vc_ioio io;

	if (!vc_decode_ioio(insn, INSN_MAX, f->rdx, &io)) {
		panic("#VC: unsupported port I/O instruction at %016lx",
		      f->rip);
	}
	*len = io.len;
	if (g == NULL) {
		if (io.in) {
			f->rax = merge(f->rax, ~0UL, io.size);
		}
		return true;
	}
	memset(g->valid_bitmap, 0, sizeof(g->valid_bitmap));
	if (!io.in) {
		set_reg(g, &g->rax, f->rax);
	}
	if (!vc_exit(g, SVM_EXIT_IOIO, io.exitinfo1)) {
		return false;
	}
	if (io.in) {
		f->rax = merge(f->rax, *(volatile uint64_t *)&g->rax, io.size);
	}
	return true;
}

static bool vc_msr(struct trap_frame *f, struct ghcb *g, bool write)
{
	memset(g->valid_bitmap, 0, sizeof(g->valid_bitmap));
	set_reg(g, &g->rcx, f->rcx & 0xffffffffU);
	if (write) {
		set_reg(g, &g->rax, f->rax & 0xffffffffU);
		set_reg(g, &g->rdx, f->rdx & 0xffffffffU);
	}
	if (!vc_exit(g, SVM_EXIT_MSR, write ? 1 : 0)) {
		return false;
	}
	if (!write) {
		f->rax = *(volatile uint64_t *)&g->rax & 0xffffffffU;
		f->rdx = *(volatile uint64_t *)&g->rdx & 0xffffffffU;
	}
	return true;
}

static bool vc_rdtsc(struct trap_frame *f, struct ghcb *g, uint64_t code)
{
	memset(g->valid_bitmap, 0, sizeof(g->valid_bitmap));
	if (!vc_exit(g, code, 0)) {
		return false;
	}
	f->rax = *(volatile uint64_t *)&g->rax & 0xffffffffU;
	f->rdx = *(volatile uint64_t *)&g->rdx & 0xffffffffU;
	if (code == SVM_EXIT_RDTSCP) {
		f->rcx = *(volatile uint64_t *)&g->rcx & 0xffffffffU;
	}
	return true;
}

/*
 * A #VC the handler does not emulate: a page not validated (0x404) or an
 * NPF at an instruction with a fixup (the trapped guest copies) resumes
 * there; anything else is fatal.
 */
static void vc_unknown(struct trap_frame *f)
{
	uint64_t fixup = extable_lookup(f->rip);

	if (fixup == 0) {
		panic("unhandled #VC, exit code %#lx at %016lx", f->error_code,
		      f->rip);
	}
	f->rip = fixup;
}

/** See <kernel/vc.h>. */
void vc_handle(struct trap_frame *f)
{
	struct ghcb *g = this_cpu()->ghcb;
	uint64_t code = f->error_code;
	unsigned int len = 0;
	bool write = false;
	bool ok = true;

	if (code == SVM_EXIT_IOIO) {
		ok = vc_ioio(f, g, &len);
	} else {
		len = vc_decode_simple((const uint8_t *)f->rip, INSN_MAX, code,
				       &write);
		if (len == 0) {
			vc_unknown(f);
			return;
		}
		if (code == SVM_EXIT_CPUID) {
			vc_cpuid_insn(f);
		} else if (g == NULL) {
			/* No GHCB yet: nothing can report this. */
			snp_terminate(GHCB_TERM_SET_GENERAL, GHCB_TERM_GENERAL);
		} else if (code == SVM_EXIT_MSR) {
			ok = vc_msr(f, g, write);
		} else {
			ok = vc_rdtsc(f, g, code);
		}
	}
	if (!ok) {
		uint64_t fixup = extable_lookup(f->rip);

		if (fixup == 0) {
			panic("#VC: the hypervisor failed exit code %#lx at "
			      "%016lx (MSR/port %#lx)",
			      code, f->rip, f->rcx);
		}
		f->rip = fixup;
		return;
	}
	f->rip += len;
}
