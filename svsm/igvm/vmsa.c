// SPDX-License-Identifier: MIT
/*
 * The SNP VMSA as QEMU/KVM launch it from an IGVM VP context.
 *
 * QEMU accepts only the fields it can hand to KVM (target/i386/sev.c,
 * check_vmsa_supported: segments, descriptor tables, EFER, CR0/3/4, XCR0,
 * DR6/7, the GPRs, RIP, RFLAGS, PAT, x87 FCW, MXCSR, SEV_FEATURES), loads
 * them into the vCPU, and KVM rebuilds the VMSA from the vCPU when it
 * measures it (sev_es_sync_vmsa): EFER gains SVME (svm_set_efer), CR4
 * gains MCE (svm_set_cr4, a Linux host runs with CR4.MCE), CR0 gains ET
 * (QEMU's cpu_x86_update_cr0) and loses CD/NW (KVM_X86_QUIRK_CD_NW_CLEARED),
 * RFLAGS bit 1 is set (QEMU's cpu_load_eflags), CPL is SS.DPL
 * (svm_set_segment), segment attributes keep their 12 defined bits,
 * descriptor tables keep base and a 16-bit limit, XCR0 keeps x87 (KVM
 * refuses an XCR0 without it and keeps its reset value 1). Every other
 * field is zero. The hardware-measured vectors of sev-snp-measure (SVSM
 * launches) match this with CR0 0x11, CR4 0x40, EFER 0x1000.
 */
#include <string.h>

#include "igvm_internal.h"

#define CR0_PE 0x1ULL
#define CR0_ET 0x10ULL
#define CR0_NW (1ULL << 29)
#define CR0_CD (1ULL << 30)
#define CR4_MCE 0x40ULL
#define RFLAGS_FIXED 0x2ULL
#define XCR0_X87 0x1ULL
#define SEG_ATTRIB_BITS 0x0FFFU

static void copy_seg(struct vmsa_segment *d, const struct vmsa_segment *s)
{
	d->selector = s->selector;
	d->attrib = s->attrib & SEG_ATTRIB_BITS;
	d->limit = s->limit;
	d->base = s->base;
}

static void copy_table(struct vmsa_segment *d, const struct vmsa_segment *s)
{
	d->selector = 0;
	d->attrib = 0;
	d->limit = s->limit & 0xFFFFU;
	d->base = s->base;
}

void igvm_snp_vmsa_normalize(struct sev_vmsa *out, const uint8_t *igvm_vmsa)
{
	struct sev_vmsa in;

	memcpy(&in, igvm_vmsa, sizeof(in));
	memset(out, 0, sizeof(*out));
	copy_seg(&out->es, &in.es);
	copy_seg(&out->cs, &in.cs);
	copy_seg(&out->ss, &in.ss);
	copy_seg(&out->ds, &in.ds);
	copy_seg(&out->fs, &in.fs);
	copy_seg(&out->gs, &in.gs);
	copy_seg(&out->ldtr, &in.ldtr);
	copy_seg(&out->tr, &in.tr);
	copy_table(&out->gdtr, &in.gdtr);
	copy_table(&out->idtr, &in.idtr);
	out->cpl = (uint8_t)((in.ss.attrib >> 5) & 3);
	out->efer = in.efer | EFER_SVME;
	out->cr0 = (in.cr0 | CR0_ET) & ~(CR0_CD | CR0_NW);
	out->cr3 = in.cr3;
	out->cr4 = in.cr4 | CR4_MCE;
	out->dr6 = in.dr6;
	out->dr7 = in.dr7;
	out->rflags = in.rflags | RFLAGS_FIXED;
	out->rip = in.rip;
	out->rsp = in.rsp;
	out->rax = in.rax;
	out->rcx = in.rcx;
	out->rdx = in.rdx;
	out->rbx = in.rbx;
	out->rbp = in.rbp;
	out->rsi = in.rsi;
	out->rdi = in.rdi;
	out->r8 = in.r8;
	out->r9 = in.r9;
	out->r10 = in.r10;
	out->r11 = in.r11;
	out->r12 = in.r12;
	out->r13 = in.r13;
	out->r14 = in.r14;
	out->r15 = in.r15;
	out->g_pat = in.g_pat;
	out->xcr0 = in.xcr0 | XCR0_X87;
	out->x87_fcw = in.x87_fcw;
	out->mxcsr = in.mxcsr;
	out->sev_features = in.sev_features;
}

/* The fields check_vmsa_supported() clears before it wants all zeros. */
struct field {
	uint16_t off;
	uint16_t len;
};

static const struct field accepted[] = {
	{ 0x000, 0xA0 }, /* ES, CS, SS, DS, FS, GS, GDTR, LDTR, IDTR, TR */
	{ VMSA_OFF_EFER, 8 },
	{ 0x148, 24 }, /* CR4, CR3, CR0 */
	{ 0x160, 16 }, /* DR7, DR6 */
	{ 0x170, 16 }, /* RFLAGS, RIP */
	{ VMSA_OFF_RSP, 8 },
	{ VMSA_OFF_RAX, 8 },
	{ 0x268, 8 },	 /* G_PAT */
	{ 0x308, 24 },	 /* RCX, RDX, RBX */
	{ 0x328, 0x58 }, /* RBP, RSI, RDI, R8-R15 */
	{ VMSA_OFF_SEV_FEATURES, 8 },
	{ VMSA_OFF_XCR0, 8 },
	{ 0x408, 4 }, /* MXCSR */
	{ 0x410, 2 }, /* x87 FCW */
};

static bool is_accepted(uint32_t off)
{
	for (size_t i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++)
		if (off >= accepted[i].off &&
		    off < (uint32_t)accepted[i].off + accepted[i].len)
			return true;
	return false;
}

int igvm_snp_vmsa_check(const uint8_t *igvm_vmsa, char *err, size_t errlen)
{
	for (uint32_t off = 0; off < VMSA_SIZE; off++) {
		if (!igvm_vmsa[off] || is_accepted(off))
			continue;
		igvm_format(
			err, errlen,
			"VMSA byte 0x%llx is set: QEMU accepts only segments, "
			"EFER, CRs, XCR0, DR6/7, GPRs, RIP, RFLAGS, PAT, "
			"FCW, MXCSR, SEV_FEATURES",
			(unsigned long long)off);
		return -1;
	}
	return 0;
}
