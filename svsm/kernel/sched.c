/* SPDX-License-Identifier: MIT */
/*
 * The scheduler (see <kernel/sched.h>). Tasks never migrate, so only a
 * CPU itself dequeues from its run queue and switches contexts; other CPUs
 * only enqueue (under `rq_lock`). Interrupts are off everywhere except in
 * the idle loop's `sti; hlt`, so nothing here is preempted.
 *
 * A task's stack cannot be freed while it runs on it: an exiting task is
 * marked TASK_EXITING, and the next context to run on that CPU marks it
 * TASK_DEAD and wakes its joiners (`finish_switch()`).
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kernel/sched.h>
#include <x86/asm.h>
#include <x86/percpu.h>
#include <x86/smp.h>
#include <svsm/log.h>
#include <svsm/mm.h>

void task_switch(uint64_t *save_rsp, uint64_t new_rsp);
void task_start(void);
_Noreturn void task_entry(struct task *t);

/** The task running on this CPU. */
struct task *task_current(void)
{
	return this_cpu()->current;
}

/** Context switches on this CPU since boot. */
unsigned long sched_switch_count(void)
{
	return this_cpu()->switches;
}

static void rq_push(struct percpu *pc, struct task *t)
{
	t->next = NULL;
	if (pc->rq_tail == NULL) {
		pc->rq_head = t;
	} else {
		pc->rq_tail->next = t;
	}
	pc->rq_tail = t;
}

static struct task *rq_pop(struct percpu *pc)
{
	struct task *t = pc->rq_head;

	if (t != NULL) {
		pc->rq_head = t->next;
		if (pc->rq_head == NULL) {
			pc->rq_tail = NULL;
		}
		t->next = NULL;
	}
	return t;
}

/** Run on the new context right after a switch. */
static void finish_switch(struct percpu *pc)
{
	struct task *prev = pc->prev;

	pc->prev = NULL;
	if (prev != NULL && atomic_load(&prev->state) == TASK_EXITING) {
		atomic_store(&prev->state, TASK_DEAD);
		waitq_wake_all(&prev->exit_wq);
	}
}

/**
 * Switch to the next runnable task on this CPU (the idle task if none).
 * The current task is requeued if it is still runnable.
 */
static void schedule(void)
{
	struct percpu *pc = this_cpu();
	struct task *cur = pc->current;
	struct task *next;

	spin_lock(&pc->rq_lock);
	if (cur != pc->idle && atomic_load(&cur->state) == TASK_RUNNING) {
		rq_push(pc, cur);
	}
	next = rq_pop(pc);
	if (next == NULL) {
		next = pc->idle;
	}
	if (next == cur) {
		spin_unlock(&pc->rq_lock);
		return;
	}
	pc->current = next;
	pc->prev = cur;
	pc->switches++;
	spin_unlock(&pc->rq_lock);
	if (!next->started) {
		next->started = true;
		kstack_flush_local(&next->stack);
	}
	task_switch(&cur->rsp, next->rsp);
	finish_switch(this_cpu());
}

/** First C code of a new task (from task_start in entry.S). */
_Noreturn void task_entry(struct task *t)
{
	finish_switch(this_cpu());
	t->entry(t->arg);
	task_exit();
}

/** End the calling task; its joiner frees it. */
_Noreturn void task_exit(void)
{
	struct task *t = task_current();

	CHECK(t != this_cpu()->idle);
	atomic_store(&t->state, TASK_EXITING);
	schedule();
	panic("exited task %s was scheduled again", t->name);
}

/** Run the other runnable tasks of this CPU first. */
void task_yield(void)
{
	schedule();
}

/** Turn the calling context into this CPU's idle task. */
bool sched_init_cpu(struct percpu *pc)
{
	struct task *idle = kzalloc(sizeof(*idle));

	if (idle == NULL) {
		return false;
	}
	idle->name = "idle";
	idle->cpu = pc->index;
	idle->started = true;
	atomic_store(&idle->state, TASK_RUNNING);
	waitq_init(&idle->exit_wq);
	pc->idle = idle;
	pc->current = idle;
	return true;
}

/** The idle task: run queued work, else halt with interrupts on. */
_Noreturn void sched_idle_loop(void)
{
	struct percpu *pc = this_cpu();

	for (;;) {
		irq_disable();
		smp_poll();
		if (pc->rq_head != NULL) {
			schedule();
			continue;
		}
		/* An IPI after the check stays pending until `hlt`. */
		irq_enable_and_halt();
		irq_disable();
	}
}

/**
 * Make a blocked task runnable: put it on its CPU's queue and wake that
 * CPU. Lock order: a wait queue's lock, then run queue locks.
 */
static void make_runnable(struct task *t)
{
	struct percpu *pc = percpu_of(t->cpu);
	enum task_state blocked = TASK_BLOCKED;

	spin_lock(&pc->rq_lock);
	if (!atomic_compare_exchange_strong(&t->state, &blocked,
					    TASK_RUNNING)) {
		spin_unlock(&pc->rq_lock);
		return;
	}
	/* Still current on its CPU (not switched out yet): just continue. */
	if (pc->current != t) {
		rq_push(pc, t);
	}
	spin_unlock(&pc->rq_lock);
	smp_wake(t->cpu);
}

/** A new runnable task on CPU `cpu`, or NULL (nothing allocated). */
struct task *task_create(const char *name, unsigned int cpu,
			 void (*entry)(void *arg), void *arg)
{
	struct percpu *pc = percpu_of(cpu);
	struct task *t;
	uint64_t *sp;
	int i;

	if (pc == NULL || !atomic_load(&pc->online)) {
		return NULL;
	}
	t = kzalloc(sizeof(*t));
	if (t == NULL) {
		return NULL;
	}
	if (!kstack_alloc(&t->stack)) {
		kfree(t);
		return NULL;
	}
	t->name = name;
	t->cpu = cpu;
	t->entry = entry;
	t->arg = arg;
	waitq_init(&t->exit_wq);
	/* Frame for task_switch: r15 r14 r13 r12 rbx rbp, then task_start. */
	sp = (uint64_t *)t->stack.top;
	*--sp = (uint64_t)task_start; /* RSP = top (aligned) at its call */
	for (i = 0; i < 6; i++) {
		*--sp = 0;
	}
	sp[3] = (uint64_t)t; /* r12 */
	t->rsp = (uint64_t)sp;
	atomic_store(&t->state, TASK_BLOCKED);
	make_runnable(t);
	return t;
}

static bool task_is_dead(void *arg)
{
	struct task *t = arg;

	return atomic_load(&t->state) == TASK_DEAD;
}

/** Wait for `t` to be dead, then free its stack and descriptor. */
void task_join(struct task *t)
{
	if (task_current() == this_cpu()->idle) {
		/* The idle context cannot block: run other work until done. */
		while (!task_is_dead(t)) {
			smp_poll();
			schedule();
			cpu_relax();
		}
	} else {
		waitq_wait(&t->exit_wq, task_is_dead, t);
	}
	kstack_free(&t->stack);
	kfree(t);
}

/** An empty wait queue. */
void waitq_init(struct waitq *wq)
{
	spin_lock_init(&wq->lock);
	wq->head = NULL;
	wq->tail = NULL;
}

static void waitq_remove(struct waitq *wq, struct task *t)
{
	struct task **pp;

	for (pp = &wq->head; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	wq->tail = NULL;
	for (t = wq->head; t != NULL; t = t->next) {
		wq->tail = t;
	}
}

/** Block on `wq` until `cond(arg)` holds (no lost wake-ups). */
void waitq_wait(struct waitq *wq, bool (*cond)(void *arg), void *arg)
{
	struct task *t = task_current();

	CHECK(t != this_cpu()->idle);
	for (;;) {
		spin_lock(&wq->lock);
		atomic_store(&t->state, TASK_BLOCKED);
		t->next = NULL;
		if (wq->tail == NULL) {
			wq->head = t;
		} else {
			wq->tail->next = t;
		}
		wq->tail = t;
		spin_unlock(&wq->lock);
		if (cond(arg)) {
			spin_lock(&wq->lock);
			waitq_remove(wq, t);
			spin_unlock(&wq->lock);
			/* A waker may have requeued us meanwhile: harmless. */
			atomic_store(&t->state, TASK_RUNNING);
			return;
		}
		schedule();
	}
}

/** Make every waiter of `wq` runnable. */
void waitq_wake_all(struct waitq *wq)
{
	struct task *t;

	/* Under the lock: a woken task must not reuse `next` before we did. */
	spin_lock(&wq->lock);
	while (wq->head != NULL) {
		t = wq->head;
		wq->head = t->next;
		t->next = NULL;
		make_runnable(t);
	}
	wq->tail = NULL;
	spin_unlock(&wq->lock);
}
