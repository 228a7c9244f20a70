/* SPDX-License-Identifier: MIT */
/*
 * The machine interface (<svsm/cpu.h>) on real hardware: inline assembly.
 * The SNP instructions are emitted as bytes so any assembler accepts them:
 *   PVALIDATE F2 0F 01 FF, RMPADJUST F3 0F 01 FE, VMGEXIT F3 0F 01 D9,
 *   INVLPGB 0F 01 FE, TLBSYNC 0F 01 FF.
 * Trapped copies and the probing RDMSR use the exception fixup table.
 */
#include <stdbool.h>
#include <stdint.h>

#include <kernel/platform.h>
#include <kernel/vc.h>
#include <x86/asm.h>
#include <x86/extable.h>
#include <x86/paging.h>
#include <x86/smp.h>
#include <svsm/cpu.h>

/** PVALIDATE (F2 0F 01 FF): EAX, and rFLAGS.CF in `*cf`. */
uint32_t cpu_pvalidate(const void *va, enum cpu_page_size size, bool validate,
		       bool *cf)
{
	uint32_t ret;
	bool carry;

	__asm__ volatile(".byte 0xf2, 0x0f, 0x01, 0xff"
			 : "=a"(ret), "=@ccc"(carry)
			 : "a"(va), "c"((uint64_t)size), "d"((uint64_t)validate)
			 : "memory");
	*cf = carry;
	return ret;
}

/** RMPADJUST (F3 0F 01 FE): EAX. */
uint32_t cpu_rmpadjust(const void *va, enum cpu_page_size size, uint64_t attrs)
{
	uint32_t ret;

	__asm__ volatile(".byte 0xf3, 0x0f, 0x01, 0xfe"
			 : "=a"(ret)
			 : "a"(va), "c"((uint64_t)size), "d"(attrs)
			 : "memory");
	return ret;
}

/** VMGEXIT (F3 0F 01 D9). */
void cpu_vmgexit(void)
{
	__asm__ volatile(".byte 0xf3, 0x0f, 0x01, 0xd9" : : : "memory");
}

/** RDMSR. */
uint64_t cpu_rdmsr(uint32_t msr)
{
	uint32_t lo;
	uint32_t hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

/** WRMSR. */
void cpu_wrmsr(uint32_t msr, uint64_t value)
{
	__asm__ volatile("wrmsr"
			 :
			 : "c"(msr), "a"((uint32_t)value),
			   "d"((uint32_t)(value >> 32))
			 : "memory");
}

/** RDMSR that returns false instead of faulting (#GP fixed up). */
bool cpu_rdmsr_safe(uint32_t msr, uint64_t *value)
{
	uint32_t lo = 0;
	uint32_t hi = 0;
	uint32_t ok = 0;

	__asm__ volatile("1: rdmsr\n\t"
			 "mov $1, %k[ok]\n\t"
			 "2:\n\t" EXTABLE(1b, 2b)
			 : "+a"(lo), "+d"(hi), [ok] "+r"(ok)
			 : "c"(msr));
	if (ok != 0) {
		*value = ((uint64_t)hi << 32) | lo;
	}
	return ok != 0;
}

/** True if the CPU has INVLPGB/TLBSYNC (CPUID 0x80000008 EBX bit 3). */
static bool cpu_has_invlpgb(void)
{
	uint32_t a;
	uint32_t b;
	uint32_t c;
	uint32_t d;

	cpuid_count(0x80000000, 0, &a, &b, &c, &d);
	if (a < 0x80000008) {
		return false;
	}
	cpuid_count(0x80000008, 0, &a, &b, &c, &d);
	return (b & (1U << 3)) != 0;
}

/** Flush every CPU's TLB: INVLPGB + TLBSYNC, else IPIs. */
void cpu_flush_tlb_all(void)
{
	static int has_invlpgb = -1;

	if (has_invlpgb < 0) {
		has_invlpgb = cpu_has_invlpgb() ? 1 : 0;
	}
	if (has_invlpgb == 0 && platform_get() == PLATFORM_SNP) {
		/*
		 * SNP hardware has INVLPGB; a machine without it (snp-emu)
		 * flushes every TLB itself when the RMP changes, and SNP has
		 * no IPIs here (no APIC access): flush this CPU only.
		 */
		write_cr3(read_cr3());
		return;
	}
	if (has_invlpgb == 0) {
		/* No broadcast flush: IPI every CPU to reload CR3. */
		smp_flush_tlb_all();
		return;
	}
	/* INVLPGB: no VA/PCID/ASID valid bits, include global (RAX bit 3). */
	__asm__ volatile(".byte 0x0f, 0x01, 0xfe\n\t"
			 ".byte 0x0f, 0x01, 0xff"
			 :
			 : "a"(8UL), "c"(0UL), "d"(0UL)
			 : "memory");
}

/** Map `va` without the C-bit (see <svsm/cpu.h>). */
bool cpu_map_shared(void *va)
{
	return paging_set_shared(va, true);
}

/** The #VC handler of this CPU uses `ghcb` from now on. */
void cpu_ghcb_set(struct ghcb *ghcb)
{
	vc_set_ghcb(ghcb);
}

/** This CPU's initial APIC ID (CPUID 1, EBX[31:24]). */
uint32_t cpu_apic_id(void)
{
	uint32_t a;
	uint32_t b;
	uint32_t c;
	uint32_t d;

	cpuid_count(1, 0, &a, &b, &c, &d);
	return b >> 24;
}

/** `rep movsb` that returns false instead of dying on a fault. */
static bool copy_trapped(void *dst, const void *src, uint64_t len)
{
	uint32_t ok = 0;

	__asm__ volatile("1: rep movsb\n\t"
			 "mov $1, %k[ok]\n\t"
			 "2:\n\t" EXTABLE(1b, 2b)
			 : "+D"(dst), "+S"(src), "+c"(len), [ok] "+r"(ok)
			 :
			 : "memory");
	return ok != 0;
}

/** Copy from memory that may fault; false if it did. */
bool cpu_copy_from_trapped(void *dst, const void *src_va, uint64_t len)
{
	return copy_trapped(dst, src_va, len);
}

/** Copy to memory that may fault; false if it did. */
bool cpu_copy_to_trapped(void *dst_va, const void *src, uint64_t len)
{
	return copy_trapped(dst_va, src, len);
}
