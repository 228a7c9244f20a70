/* SPDX-License-Identifier: MIT */
/*
 * Small x86-64 instruction wrappers for kernel-only code (svsm/arch/x86,
 * svsm/kernel, svsm/platform/native) and the SNP test guest
 * (tests/snp-guest). Shared code uses <svsm/cpu.h> instead.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "abi/sev_status.h" /* MSR_SEV_STATUS */

#define MSR_EFER 0xc0000080
#define MSR_GS_BASE 0xc0000101
#define MSR_APIC_BASE 0x1b

#define X86_EFER_NXE (1UL << 11)
#define CR0_WP (1UL << 16)
#define RFLAGS_IF (1UL << 9)

#if defined(__FRAMAC__)
/*
 * `make verify` (verify-pt, docs/VERIFICATION.md): the instructions
 * svsm/arch/x86/paging.c uses, as contracts. None writes memory the
 * analysis sees; the TLB and the control registers are not modelled.
 */
/*@ terminates \true;
    assigns \nothing; */
void invlpg(const void *va);
/*@ assigns \result \from \nothing; */
uint64_t read_cr0(void);
/*@ assigns \nothing; */
void write_cr0(uint64_t v);
/*@ assigns \nothing; */
void write_cr3(uint64_t v);
#else

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;

	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr"
			 :
			 : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
			 : "memory");
}

static inline void cpuid_count(uint32_t leaf, uint32_t sub, uint32_t *a,
			       uint32_t *b, uint32_t *c, uint32_t *d)
{
	__asm__ volatile("cpuid"
			 : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
			 : "a"(leaf), "c"(sub));
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo;
	uint32_t hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t read_cr0(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline void write_cr0(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

static inline uint64_t read_cr2(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_cr3(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline void write_cr3(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline uint64_t read_cr4(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline void invlpg(const void *va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline uint64_t read_rflags(void)
{
	uint64_t v;

	__asm__ volatile("pushfq; popq %0" : "=r"(v));
	return v;
}

static inline void irq_disable(void)
{
	__asm__ volatile("cli" : : : "memory");
}

static inline void irq_enable(void)
{
	__asm__ volatile("sti" : : : "memory");
}

/** Enable interrupts and halt until one arrives (no lost wake-up). */
static inline void irq_enable_and_halt(void)
{
	__asm__ volatile("sti; hlt" : : : "memory");
}

static inline void cpu_relax(void)
{
	__builtin_ia32_pause();
}

static inline void *read_frame_pointer(void)
{
	void *fp;

	__asm__ volatile("mov %%rbp, %0" : "=r"(fp));
	return fp;
}

_Noreturn static inline void halt_forever(void)
{
	for (;;) {
		__asm__ volatile("cli; hlt");
	}
}

/**
 * RDMSR that survives a #GP (an MSR the CPU does not have): returns false
 * and leaves `*value` untouched. Implemented with the exception fixup table.
 */
bool cpu_rdmsr_safe(uint32_t msr, uint64_t *value);
#endif
