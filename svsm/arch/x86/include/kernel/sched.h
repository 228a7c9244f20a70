/* SPDX-License-Identifier: MIT */
/*
 * A cooperative per-CPU task scheduler. Each task is pinned to the CPU it
 * was created for and runs until it blocks, yields or exits; each CPU runs
 * its queue round-robin and halts (interrupts on) when it is empty. Other
 * CPUs make a task runnable with `waitq_wake_all()`, which posts it on its
 * CPU's queue and sends a wake-up IPI.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <svsm/lock.h>
#include <x86/stack.h>

struct percpu;
struct task;

enum task_state {
	TASK_RUNNING, /* running or on a run queue */
	TASK_BLOCKED, /* on a wait queue */
	TASK_EXITING, /* finished; its stack is still in use */
	TASK_DEAD,    /* switched away from for good: may be joined */
};

/** A list of blocked tasks. */
struct waitq {
	struct spinlock lock;
	struct task *head;
	struct task *tail;
};

#define WAITQ_INIT                                                             \
	{                                                                      \
		.lock = SPINLOCK_INIT, .head = NULL, .tail = NULL              \
	}

struct task {
	uint64_t rsp;	   /* saved stack pointer (task_switch) */
	struct task *next; /* run queue or wait queue link */
	_Atomic enum task_state state;
	unsigned int cpu;
	void (*entry)(void *arg);
	void *arg;
	struct kstack stack; /* base == 0 for a CPU's idle task */
	bool started;
	const char *name;
	struct waitq exit_wq;
};

/** Make the calling CPU's current context its idle task. */
bool sched_init_cpu(struct percpu *pc);

/** Halt until work arrives, run it, forever (the idle task's body). */
_Noreturn void sched_idle_loop(void);

/**
 * A new task running `entry(arg)` on CPU `cpu`, queued to run; NULL if the
 * CPU is offline or memory ran out (nothing allocated then).
 */
struct task *task_create(const char *name, unsigned int cpu,
			 void (*entry)(void *arg), void *arg);

/** Wait for `t` to finish and free it. */
void task_join(struct task *t);

/** End the calling task (returning from `entry` does the same). */
_Noreturn void task_exit(void);

/** Let the other tasks on this CPU run. */
void task_yield(void);

struct task *task_current(void);

void waitq_init(struct waitq *wq);

/**
 * Block the calling task on `wq` until `cond(arg)` is true. The condition
 * is evaluated with the task already queued, so a wake-up between the test
 * and the block is never lost. The idle task may not wait.
 */
void waitq_wait(struct waitq *wq, bool (*cond)(void *arg), void *arg);

/** Make every task waiting on `wq` runnable again. */
void waitq_wake_all(struct waitq *wq);

/** Task switches on this CPU since boot (tests). */
unsigned long sched_switch_count(void);
