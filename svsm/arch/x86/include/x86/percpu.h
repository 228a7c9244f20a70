/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU areas. Each CPU's GS base points at its `struct percpu`, whose
 * first field points at itself so `this_cpu()` is one load. The areas of
 * all CPUs are reachable through `percpu_of()` (the scheduler enqueues on
 * remote run queues, SMP calls post work to remote CPUs).
 */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <svsm/lock.h>

#define MAX_CPUS 64
#define IST_DF 1
#define IST_NMI 2
#define IST_MC 3
#define IST_COUNT 3

struct task;
struct ghcb;

/** The 64-bit task-state segment (only the IST stacks are used). */
struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

_Static_assert(sizeof(struct tss) == 104, "TSS is 104 bytes");

/** A cross-CPU function call posted to one CPU (see smp.h). */
struct smp_call {
	void (*fn)(void *arg);
	void *arg;
	atomic_bool pending;
};

/**
 * What the C-library ABI expects at %fs (glibc's TCB head): a pointer to
 * itself at 0, the stack protector's canary at 0x28. FS points here on
 * every CPU so Debian's libtpms.a and libcrypto.a, built with the stack
 * protector, run in the kernel.
 */
struct cpu_tcb {
	struct cpu_tcb *self;
	uint64_t reserved[4];
	uint64_t stack_guard; /* %fs:0x28 */
	uint64_t pointer_guard;
	uint64_t reserved2;
};

_Static_assert(__builtin_offsetof(struct cpu_tcb, stack_guard) == 0x28,
	       "the stack protector reads %fs:0x28");

struct percpu {
	struct percpu *self; /* must stay first: %gs:0 */
	unsigned int index;  /* 0 = boot CPU, in MADT order */
	uint32_t apic_id;
	atomic_bool online;
	/* Scheduler: the running task, the idle task, the run queue. */
	struct task *current;
	struct task *idle;
	struct task *prev; /* task switched away from (finish_switch) */
	struct spinlock rq_lock;
	struct task *rq_head;
	struct task *rq_tail;
	unsigned long switches;
	/* Incoming cross-CPU call (one at a time, serialised by the caller). */
	struct spinlock call_lock;
	struct smp_call call;
	atomic_ulong ipis_received;
	/* Descriptor tables. */
	uint64_t gdt[7] __attribute__((aligned(16)));
	struct tss tss __attribute__((aligned(16)));
	uint64_t stack_top;
	struct ghcb *ghcb; /* SNP: this CPU's registered GHCB (#VC) */
	struct cpu_tcb tcb __attribute__((aligned(64))); /* FS base */
};

extern struct percpu *percpu_areas[MAX_CPUS];
extern unsigned int cpu_count;

/**
 * Set up what library code compiled for Linux needs on this CPU: SSE state
 * (CR0.MP, CR4.OSFXSR|OSXMMEXCPT, a clean x87/MXCSR) and FS at `pc->tcb`
 * with a fresh stack-protector canary (svsm/arch/x86/libc_cpu.c).
 */
void cpu_libc_init(struct percpu *pc);

/** True when SSE is enabled on this CPU (CR4.OSFXSR). */
bool cpu_sse_enabled(void);

static inline struct percpu *this_cpu(void)
{
	struct percpu *p;

	__asm__ volatile("mov %%gs:0, %0" : "=r"(p));
	return p;
}

static inline struct percpu *percpu_of(unsigned int index)
{
	return index < MAX_CPUS ? percpu_areas[index] : (struct percpu *)0;
}
