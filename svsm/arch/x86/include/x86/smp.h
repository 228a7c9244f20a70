/* SPDX-License-Identifier: MIT */
/*
 * SMP: starting the APs listed in the MADT, and cross-CPU calls.
 *
 * The kernel runs with interrupts disabled except while a CPU is idle, so a
 * cross-CPU call runs when the target is idle or itself waiting in
 * `smp_call()` (which polls for incoming calls): never in the middle of a
 * task.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/**
 * Start every CPU in `apic_ids` (the boot CPU's ID is skipped) and wait for
 * each to come online. Returns the number of CPUs online afterwards.
 */
unsigned int smp_boot(const uint32_t *apic_ids, unsigned int count);

/** Run `fn(arg)` on CPU `index` and wait for it; false if it is offline. */
bool smp_call(unsigned int index, void (*fn)(void *arg), void *arg);

/** Run an incoming cross-CPU call, if one is pending for this CPU. */
void smp_poll(void);

/** Interrupt a halted CPU so it re-checks its run queue. */
void smp_wake(unsigned int index);

/** Reload CR3 on every online CPU (the TLB flush without INVLPGB). */
void smp_flush_tlb_all(void);

/** Halt every other CPU with an NMI (panic); they never return. */
void smp_stop_others(void);
bool smp_stopping(void);

/** IPI handler (from `trap_dispatch()`). */
void smp_handle_ipi(unsigned int vector);

/** Mark `pc` online (the boot CPU calls this for itself). */
struct percpu;
void smp_cpu_online(struct percpu *pc);

/** Fill a new CPU's zeroed area and publish it as CPU `index`. */
void smp_percpu_setup(struct percpu *pc, unsigned int index, uint32_t apic_id,
		      uint64_t stack_top);

/** CPUs that reported online. */
unsigned int smp_online_count(void);
