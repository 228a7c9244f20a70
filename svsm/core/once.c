/* SPDX-License-Identifier: MIT */
/*
 * Run-once starts (see svsm/once.h).
 */
#include "svsm/once.h"

/** See svsm/once.h. */
bool svsm_once_run(struct svsm_once *once, bool (*fn)(void))
{
	int idle = SVSM_ONCE_IDLE;

	if (atomic_compare_exchange_strong(&once->state, &idle,
					   SVSM_ONCE_RUNNING)) {
		atomic_store(&once->state,
			     fn() ? SVSM_ONCE_DONE : SVSM_ONCE_FAILED);
	}
	while (atomic_load(&once->state) == SVSM_ONCE_RUNNING) {
		__builtin_ia32_pause();
	}
	return atomic_load(&once->state) == SVSM_ONCE_DONE;
}

/** See svsm/once.h. */
bool svsm_once_pending(struct svsm_once *once)
{
	int s = atomic_load(&once->state);

	return s == SVSM_ONCE_IDLE || s == SVSM_ONCE_RUNNING;
}
