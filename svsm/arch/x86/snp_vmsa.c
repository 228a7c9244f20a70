/* SPDX-License-Identifier: MIT */
/*
 * The kernel's half of the SNP AP start (see <svsm/boot.h>): the state of a
 * VMPL0 VMSA that starts a vCPU directly in 64-bit mode on the kernel's page
 * tables and boot GDT, at `info->ap_entry_rip` with RDI = its APIC ID, on a
 * fresh guarded stack, with the IDT loaded (#VC works from its first
 * instruction) and GS at a new per-CPU area.
 */
#include <stdint.h>
#include <string.h>

#include <x86/asm.h>
#include <x86/desc.h>
#include <x86/layout.h>
#include <x86/paging.h>
#include <x86/percpu.h>
#include <x86/smp.h>
#include <x86/stack.h>
#include <svsm/boot.h>
#include <svsm/log.h>
#include <svsm/mm.h>

/* VMSA segment attributes: type[3:0] S[4] DPL[6:5] P[7] L[9] DB[10] G[11]. */
#define ATTR_CODE64 0x0a9b
#define ATTR_DATA 0x0c93
#define ATTR_TSS64 0x008b
#define CR0_PE_ET_WP_PG 0x80010011UL
#define CR4_PAE 0x20UL
#define EFER_LME_LMA_NXE 0x0d00UL
#define PAT_DEFAULT 0x0007040600070406UL

extern const uint64_t boot_gdt[];

static void seg(struct vmsa_segment *s, uint16_t sel, uint16_t attrib)
{
	s->selector = sel;
	s->attrib = attrib;
	s->limit = 0xffffffff;
	s->base = 0;
}

/** VMPL0 VMSA state for an AP: 64-bit mode, kernel tables, own stack. */
void svsm_arch_init_ap_vmsa(struct sev_vmsa *vmsa,
			    const struct svsm_boot_info *info, uint32_t apic_id)
{
	struct percpu *pc;
	struct kstack st;

	if (cpu_count == MAX_CPUS) {
		panic("more than %u CPUs", MAX_CPUS);
	}
	pc = kzalloc(sizeof(*pc));
	if (pc == NULL || !kstack_alloc(&st)) {
		panic("no memory for the VMPL0 context of APIC ID %u", apic_id);
	}
	smp_percpu_setup(pc, cpu_count++, apic_id, st.top);
	seg(&vmsa->cs, GDT_CODE64, ATTR_CODE64);
	seg(&vmsa->ds, GDT_DATA, ATTR_DATA);
	seg(&vmsa->es, GDT_DATA, ATTR_DATA);
	seg(&vmsa->ss, GDT_DATA, ATTR_DATA);
	seg(&vmsa->fs, GDT_DATA, ATTR_DATA);
	seg(&vmsa->gs, GDT_DATA, ATTR_DATA);
	vmsa->gs.base = (uint64_t)pc;
	idt_desc(&vmsa->idtr.base, &vmsa->idtr.limit);
	vmsa->tr.attrib = ATTR_TSS64;
	vmsa->tr.limit = 0x67;
	vmsa->gdtr.base = (uint64_t)boot_gdt;
	vmsa->gdtr.limit = 4 * 8 - 1;
	vmsa->cr0 = CR0_PE_ET_WP_PG;
	vmsa->cr3 = paging_root_pa();
	vmsa->cr4 = CR4_PAE;
	vmsa->efer = EFER_LME_LMA_NXE;
	vmsa->g_pat = PAT_DEFAULT;
	vmsa->xcr0 = 1;
	vmsa->rflags = 0x2;
	vmsa->rip = info->ap_entry_rip;
	vmsa->rsp = st.top;
	vmsa->rdi = apic_id;
	vmsa->dr6 = 0xffff0ff0;
	vmsa->dr7 = 0x400;
	vmsa->mxcsr = 0x1f80;
	vmsa->x87_fcw = 0x37f;
}
