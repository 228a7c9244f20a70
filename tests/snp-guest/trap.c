/* SPDX-License-Identifier: MIT */
/*
 * The 64-bit IDT and the #VC handler. Under SNP, port I/O, CPUID and MSR
 * accesses raise #VC (vector 29) with the SVM exit code as the error code:
 * IOIO and MSR are forwarded through the GHCB, CPUID is answered from the
 * CPUID page (as SNP requires). Any other trap ends the run.
 */
#include <stdio.h>
#include <string.h>

#include "abi/snp_cpuid.h"
#include <x86/desc.h> /* struct trap_frame: boot.S pushes the same */

#include "abi/sev_status.h"
#include "ghcb.h"
#include "guest.h"
#include "svsm.h"

#define VEC_VC 29U
#define IDT_ENTRIES 32U
#define STUB_SIZE 16U
#define SEL_CODE64 0x18U

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, rsvd;
};

_Static_assert(sizeof(struct trap_frame) == 22 * 8, "boot.S trap_common");

extern const uint8_t trap_stubs[];
static struct idt_gate idt[IDT_ENTRIES];

void trap_init(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed))
	desc = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };
	unsigned v;

	for (v = 0; v < IDT_ENTRIES; v++) {
		uint64_t a = (uint64_t)(uintptr_t)(trap_stubs + v * STUB_SIZE);

		idt[v] = (struct idt_gate){ .off_lo = (uint16_t)a,
					    .sel = SEL_CODE64,
					    .type = 0x8E,
					    .off_mid = (uint16_t)(a >> 16),
					    .off_hi = (uint32_t)(a >> 32) };
	}
	__asm__ volatile("lidt %0" : : "m"(desc));
}

/* CPUID from the CPUID page; leaves it lacks read as zero. */
static void vc_cpuid(struct trap_frame *f)
{
	const struct snp_cpuid_page *t =
		(const struct snp_cpuid_page *)(uintptr_t)env.boot->cpuid_gpa;
	uint32_t leaf = (uint32_t)f->rax, sub = (uint32_t)f->rcx, i, n;

	f->rax = f->rbx = f->rcx = f->rdx = 0;
	if (t == NULL) {
		return;
	}
	n = t->count < SNP_CPUID_COUNT_MAX ? t->count : SNP_CPUID_COUNT_MAX;
	for (i = 0; i < n; i++) {
		const struct snp_cpuid_fn *e = &t->fn[i];

		if (e->eax_in == leaf && (e->ecx_in == sub || e->ecx_in == 0)) {
			f->rax = e->eax;
			f->rbx = e->ebx;
			f->rcx = e->ecx;
			f->rdx = e->edx;
			if (e->ecx_in == sub) {
				break;
			}
		}
	}
	/* As Linux does: tell CPUID readers an SVSM runs below (58019 4.2). */
	if (leaf == SNP_CPUID_SEV_LEAF && env.svsm_size != 0) {
		f->rax |= SNP_CPUID_SEV_SVSM;
	}
}

/* IN/OUT with the port in DX or an imm8, optional 0x66 prefix. */
static int vc_ioio(struct trap_frame *f)
{
	const uint8_t *ip = (const uint8_t *)(uintptr_t)f->rip;
	unsigned len = 1, size = 4;
	uint16_t port = (uint16_t)f->rdx;
	uint32_t val, mask;
	bool in;

	if (ip[0] == 0x66) {
		size = 2;
		ip++;
		len++;
	}
	switch (ip[0]) {
	case 0xE4: /* in al, imm8 */
	case 0xE5:
	case 0xE6: /* out imm8, al */
	case 0xE7:
		port = ip[1];
		len++;
		break;
	case 0xEC: /* in al, dx */
	case 0xED:
	case 0xEE: /* out dx, al */
	case 0xEF:
		break;
	default:
		return -1;
	}
	if ((ip[0] & 1) == 0) {
		size = 1;
	}
	in = (ip[0] & 2) == 0;
	mask = size == 4 ? 0xFFFFFFFFU : (1U << (8 * size)) - 1;
	val = (uint32_t)f->rax & mask;
	if (ghcb_io(port, size, in, &val) != 0) {
		return -1;
	}
	if (in) {
		f->rax = (f->rax & ~(uint64_t)mask) | (val & mask);
	}
	f->rip += len;
	return 0;
}

static int vc_msr(struct trap_frame *f)
{
	const uint8_t *ip = (const uint8_t *)(uintptr_t)f->rip;
	bool write = ip[1] == 0x30;
	uint64_t v = (f->rdx << 32) | (uint32_t)f->rax;

	if (ip[0] != 0x0F || (ip[1] != 0x30 && ip[1] != 0x32)) {
		return -1;
	}
	/* The CA MSR is the guest's own answer, never the hypervisor's. */
	if ((uint32_t)f->rcx == MSR_SVSM_CAA) {
		if (write) {
			return -1;
		}
		v = svsm_ca_gpa;
	} else if (ghcb_msr((uint32_t)f->rcx, write, &v) != 0) {
		return -1;
	}
	if (!write) {
		f->rax = (uint32_t)v;
		f->rdx = v >> 32;
	}
	f->rip += 2;
	return 0;
}

static int vc_handle(struct trap_frame *f)
{
	switch (f->error_code) {
	case SVM_VMGEXIT_CPUID:
		vc_cpuid(f);
		f->rip += 2;
		return 0;
	case SVM_VMGEXIT_IOIO:
		return vc_ioio(f);
	case SVM_VMGEXIT_MSR:
		return vc_msr(f);
	default:
		return -1;
	}
}

/* Called by boot.S's trap_common with interrupts off. */
void trap_dispatch(struct trap_frame *f)
{
	static unsigned depth;

	if (f->vector == VEC_VC && depth == 0) {
		depth++;
		if (vc_handle(f) == 0) {
			depth--;
			return;
		}
		depth--;
	}
	/*
	 * The console needs the GHCB: without one (or from inside a trap)
	 * the run ends through the MSR protocol, reason = the vector.
	 */
	if (env.snp && (!ghcb_ready() || depth > 0)) {
		ghcb_terminate((unsigned)f->vector);
	}
	depth++;
	guest_fatal("trap %lu error 0x%lx at rip 0x%lx (rax 0x%lx rcx 0x%lx "
		    "rdx 0x%lx)",
		    (unsigned long)f->vector, (unsigned long)f->error_code,
		    (unsigned long)f->rip, (unsigned long)f->rax,
		    (unsigned long)f->rcx, (unsigned long)f->rdx);
}
