/* SPDX-License-Identifier: MIT */
/*
 * CPU state that library code compiled for Linux relies on (Debian's
 * libtpms.a and libcrypto.a, linked through the shim in svsm/lib/tpm/):
 *
 * - SSE: the libraries' compiled code uses XMM registers. The kernel's own
 *   code is built with -mno-sse and never touches them. XMM registers are
 *   caller-saved in the SysV ABI and tasks switch only through calls (the
 *   scheduler is cooperative; interrupts are enabled only in the idle
 *   loop, and exception handlers are kernel code), so no FPU state needs
 *   saving on a task switch. XSAVE stays off: CPUID then reports
 *   OSXSAVE=0 and OpenSSL's capability probe leaves AVX unused.
 * - FS: the stack protector reads its canary at %fs:0x28; each CPU gets
 *   its own TCB block (`struct cpu_tcb` in its `struct percpu`).
 */
#include <x86/asm.h>
#include <x86/percpu.h>
#include <svsm/cpu.h>
#include <svsm/log.h>

#define MSR_FS_BASE 0xc0000100
#define CR0_MP (1UL << 1)
#define CR0_EM (1UL << 2)
#define CR0_TS (1UL << 3)
#define CR4_OSFXSR (1UL << 9)
#define CR4_OSXMMEXCPT (1UL << 10)

static inline void write_cr4_libc(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

/* A canary from RDRAND when the CPU has it, else mixed TSC readings. */
static uint64_t canary_value(void)
{
	uint32_t a, b, c, d;
	uint64_t v = 0, t;
	unsigned int i;
	unsigned char ok = 0;

	cpuid_count(1, 0, &a, &b, &c, &d);
	for (i = 0; ((c >> 30) & 1) && i < 10 && !ok; i++) {
		__asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok));
	}
	if (!ok) {
		t = rdtsc();
		v = (t * 0x9e3779b97f4a7c15UL) ^ (t >> 29) ^ (uint64_t)&v;
	}
	/* A zero low byte stops string overflows from writing a match. */
	return v & ~0xffUL;
}

/** Enable SSE and point FS at `pc`'s TCB (see the file comment). */
void cpu_libc_init(struct percpu *pc)
{
	write_cr0((read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP);
	write_cr4_libc(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	/* MXCSR keeps its reset value (0x1f80): nothing in the kernel sets it. */
	__asm__ volatile("fninit" : : : "memory");
	pc->tcb.self = &pc->tcb;
	pc->tcb.stack_guard = canary_value();
	pc->tcb.pointer_guard = canary_value();
	cpu_wrmsr(MSR_FS_BASE, (uint64_t)&pc->tcb);
}

/** True when SSE is enabled on this CPU (CR4.OSFXSR). */
bool cpu_sse_enabled(void)
{
	return (read_cr4() & CR4_OSFXSR) != 0;
}
