/* SPDX-License-Identifier: MIT */
/*
 * Spinlocks (C11 atomics: identical in the kernel and the hosted build).
 *
 * Lock order, outermost first (write new locks into this list):
 *   core_lock (serialises the core protocol's state changes)
 *   -> page_alloc lock -> slab cache locks -> console lock
 * No lock is held across a VMPL switch (VMGEXIT).
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
