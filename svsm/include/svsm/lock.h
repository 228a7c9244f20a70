/* SPDX-License-Identifier: MIT */
/*
 * Spinlocks (C11 atomics: identical in the kernel and the hosted build).
 *
 * Lock order, outermost first: a lock may be taken while holding only
 * locks above it (write new locks into this list, where the code puts
 * them):
 *
 *   `vtpm_lock` (svsm/vtpm/protocol.c: the vTPM protocol's command and
 *     response buffers) and `attest.lock` (svsm/attest/protocol.c: one
 *     guest-request sequence at a time); never held together
 *   -> `vtpm.lock` (svsm/vtpm/vtpm.c: libtpms, one global engine),
 *     taken alone or under `vtpm_lock`, never together with `core_lock`
 *   -> `core_lock` (svsm/core/vcpu.c: the vCPU registry and the deposit
 *     pool; the request loop, every core call, and the services' checked
 *     copies to and from guest memory)
 *   -> the page allocator lock (svsm/mm/page_alloc.c)
 *   -> the slab locks (svsm/mm/slab.c: the list-of-caches lock before a
 *     cache's lock); the page allocator lock and the slab locks are never
 *     held together
 *   -> the console lock (kernel: svsm/kernel/console.c)
 *
 * Kernel only: the paging lock (svsm/arch/x86/paging.c) -> the page
 * allocator lock; a wait queue's lock -> the run queue locks
 * (svsm/kernel/sched.c).
 *
 * VMGEXITs. No lock is held across RUN_VMPL: the guest runs until the host
 * enters VMPL0 again, and this vCPU's request loop then takes `core_lock`
 * itself. GHCB calls that are part of a state change do happen under a
 * lock, by design:
 *   - AP creation and destruction (CREATE_VCPU, DELETE_VCPU) and PSMASH
 *     (DEPOSIT_MEM) under `core_lock`: the host's answer decides whether
 *     the registry or the deposit pool changes, and doing both in one
 *     critical section keeps every other vCPU from seeing (or deleting, or
 *     depositing over) a half-registered VMSA or a half-split page.
 *     Dropping the lock around the call would need "reserved" states that
 *     every ownership check honours.
 *   - The guest request to the PSP under `attest.lock`: messages must
 *     reach the PSP one at a time, in sequence-number order.
 * The host can delay such a call and so stall other vCPUs' calls that need
 * the same lock; that is a denial of service, which the host can cause
 * anyway by not running vCPUs, never a safety problem.
 */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>

struct spinlock {
	atomic_flag flag;
};

#define SPINLOCK_INIT                                                          \
	{                                                                      \
		.flag = ATOMIC_FLAG_INIT                                       \
	}

#if defined(__FRAMAC__)
/*
 * `make verify` (verify/): the lock operations are atomic read-modify-writes
 * whose spinning Frama-C need not model. Contracts: each touches the lock
 * word only. Mutual exclusion itself is not proved (docs/VERIFICATION.md).
 */
/*@ requires \valid(l);
    assigns *l \from \nothing;
 */
void spin_lock_init(struct spinlock *l);
/*@ requires \valid(l);
    terminates \true;
    assigns *l \from *l;
 */
void spin_lock(struct spinlock *l);
/*@ requires \valid(l);
    assigns *l, \result \from *l;
 */
bool spin_trylock(struct spinlock *l);
/*@ requires \valid(l);
    terminates \true;
    assigns *l \from *l;
 */
void spin_unlock(struct spinlock *l);
#else
static inline void spin_lock_init(struct spinlock *l)
{
	atomic_flag_clear_explicit(&l->flag, memory_order_release);
}

static inline void spin_lock(struct spinlock *l)
{
	while (atomic_flag_test_and_set_explicit(&l->flag,
						 memory_order_acquire)) {
#if defined(__x86_64__)
		__builtin_ia32_pause();
#endif
	}
}

static inline bool spin_trylock(struct spinlock *l)
{
	return !atomic_flag_test_and_set_explicit(&l->flag,
						  memory_order_acquire);
}

static inline void spin_unlock(struct spinlock *l)
{
	atomic_flag_clear_explicit(&l->flag, memory_order_release);
}
#endif
