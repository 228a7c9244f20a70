/* SPDX-License-Identifier: MIT */
/*
 * A start that runs once, whoever asks first, while others wait for its
 * result (the kernel's vTPM: manufactured on one vCPU while another may
 * already need it). Lock-free: a state word moved by compare-and-swap.
 */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>

enum svsm_once_state {
	SVSM_ONCE_IDLE = 0,
	SVSM_ONCE_RUNNING,
	SVSM_ONCE_DONE,
	SVSM_ONCE_FAILED,
};

struct svsm_once {
	atomic_int state;
};

#define SVSM_ONCE_INIT                                                         \
	{                                                                      \
		SVSM_ONCE_IDLE                                                 \
	}

/**
 * Run `fn` if nobody has yet; if another caller is running it, wait for it
 * to finish. Returns whether the one run of `fn` succeeded.
 */
bool svsm_once_run(struct svsm_once *once, bool (*fn)(void));

/** True until the one run has finished (idle or running). */
bool svsm_once_pending(struct svsm_once *once);
