/* SPDX-License-Identifier: MIT */
/*
 * Privileged instructions the emulator uses (it does not link the kernel's
 * <svsm/cpu.h> implementation).
 */
#pragma once

#include <stdint.h>

#include <x86/asm.h>

/* RDMSR/WRMSR are the ones of <x86/asm.h>, under the emulator's names. */
static inline uint64_t emu_rdmsr(uint32_t msr)
{
	return rdmsr(msr);
}

static inline void emu_wrmsr(uint32_t msr, uint64_t v)
{
	wrmsr(msr, v);
}

static inline void emu_write_cr4(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static inline uint64_t emu_read_xcr0(void)
{
	uint32_t lo, hi;

	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((uint64_t)hi << 32) | lo;
}
