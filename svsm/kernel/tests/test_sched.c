/* SPDX-License-Identifier: MIT */
/*
 * In-kernel scheduler tests: tasks on every CPU, cooperative yield order,
 * wait queues across CPUs (a ping-pong), joins free everything.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include <kernel/ktest.h>
#include <kernel/sched.h>
#include <x86/percpu.h>
#include <x86/smp.h>
#include <x86/stack.h>
#include <svsm/cpu.h>
#include <svsm/mm.h>

static atomic_uint ran_on[MAX_CPUS];

static void note_cpu(void *arg)
{
	atomic_fetch_add(&ran_on[this_cpu()->index], 1);
}

KTEST(sched_task_per_cpu)
{
	struct task *t[MAX_CPUS];
	unsigned int stacks = kstack_count();
	size_t mem = mm_allocated_bytes();
	unsigned int n = cpu_count;
	unsigned int i;

	for (i = 0; i < n; i++) {
		atomic_store(&ran_on[i], 0);
		t[i] = task_create("percpu", i, note_cpu, NULL);
		KTEST_CHECK(t[i] != NULL);
	}
	for (i = 0; i < n; i++) {
		task_join(t[i]);
		KTEST_CHECK(atomic_load(&ran_on[i]) == 1);
	}
	KTEST_CHECK(task_create("offline", MAX_CPUS, note_cpu, NULL) == NULL);
	KTEST_CHECK(kstack_count() == stacks);
	KTEST_CHECK(mm_allocated_bytes() == mem);
	return true;
}

static char order[16];
static atomic_uint order_len;

static void yielder(void *arg)
{
	char tag = (char)(uintptr_t)arg;
	int i;

	for (i = 0; i < 3; i++) {
		order[atomic_fetch_add(&order_len, 1)] = tag;
		task_yield();
	}
}

KTEST(sched_yield_round_robin)
{
	unsigned int cpu = this_cpu()->index;
	struct task *a;
	struct task *b;

	atomic_store(&order_len, 0);
	/*
	 * On our own CPU both are queued before either runs (we do not yield
	 * in between): strict alternation once we block in the join.
	 */
	a = task_create("a", cpu, yielder, (void *)(uintptr_t)'a');
	b = task_create("b", cpu, yielder, (void *)(uintptr_t)'b');
	KTEST_CHECK(a != NULL && b != NULL);
	task_join(a);
	task_join(b);
	KTEST_CHECK(atomic_load(&order_len) == 6);
	order[6] = '\0';
	log_printf(LOG_INFO, "  order %s", order);
	KTEST_CHECK(strcmp(order, "ababab") == 0);
	return true;
}

/** Two tasks on different CPUs passing a token through two wait queues. */
struct pingpong {
	struct waitq wq[2];
	atomic_uint turn; /* whose turn: 0 or 1 */
	unsigned int rounds;
	atomic_uint done[2];
};

struct player {
	struct pingpong *pp;
	unsigned int me;
};

static struct pingpong pp;
static struct player players[2];

static bool my_turn(void *arg)
{
	struct player *p = arg;

	return atomic_load(&p->pp->turn) == p->me;
}

static void player_task(void *arg)
{
	struct player *p = arg;
	unsigned int i;

	for (i = 0; i < p->pp->rounds; i++) {
		waitq_wait(&p->pp->wq[p->me], my_turn, p);
		atomic_fetch_add(&p->pp->done[p->me], 1);
		atomic_store(&p->pp->turn, 1 - p->me);
		waitq_wake_all(&p->pp->wq[1 - p->me]);
	}
}

KTEST(sched_waitq_pingpong)
{
	unsigned int other = cpu_count > 1 ? cpu_count - 1 : 0;
	struct task *t0;
	struct task *t1;

	waitq_init(&pp.wq[0]);
	waitq_init(&pp.wq[1]);
	atomic_store(&pp.turn, 0);
	atomic_store(&pp.done[0], 0);
	atomic_store(&pp.done[1], 0);
	pp.rounds = 200;
	players[0] = (struct player){ &pp, 0 };
	players[1] = (struct player){ &pp, 1 };
	t1 = task_create("pong", other, player_task, &players[1]);
	t0 = task_create("ping", 0, player_task, &players[0]);
	KTEST_CHECK(t0 != NULL && t1 != NULL);
	task_join(t0);
	task_join(t1);
	KTEST_CHECK(atomic_load(&pp.done[0]) == 200);
	KTEST_CHECK(atomic_load(&pp.done[1]) == 200);
	return true;
}

static atomic_bool flag;
static struct waitq flag_wq = WAITQ_INIT;

static bool flag_set(void *arg)
{
	return atomic_load(&flag);
}

static void waiter(void *arg)
{
	waitq_wait(&flag_wq, flag_set, NULL);
	atomic_fetch_add(&ran_on[this_cpu()->index], 1);
}

KTEST(sched_waitq_wakes_all)
{
	struct task *t[MAX_CPUS];
	unsigned int i;
	unsigned int total = 0;
	unsigned int n = cpu_count;

	atomic_store(&flag, false);
	for (i = 0; i < n; i++) {
		atomic_store(&ran_on[i], 0);
		t[i] = task_create("waiter", i, waiter, NULL);
		KTEST_CHECK(t[i] != NULL);
	}
	/* Let them block, then release all of them at once. */
	task_yield();
	atomic_store(&flag, true);
	waitq_wake_all(&flag_wq);
	for (i = 0; i < n; i++) {
		task_join(t[i]);
		total += atomic_load(&ran_on[i]);
	}
	KTEST_CHECK(total == n);
	return true;
}

#define RING_TASKS_PER_CPU 3
#define RING_LAPS 50

/** A token passed around a ring of tasks spread over every CPU. */
struct ring {
	struct waitq wq;
	atomic_uint holder; /* index of the task that may run */
	unsigned int size;
	atomic_uint passes;
};

struct ring_member {
	struct ring *ring;
	unsigned int me;
};

static struct ring ring;
static struct ring_member members[MAX_CPUS * RING_TASKS_PER_CPU];

static bool ring_my_turn(void *arg)
{
	struct ring_member *m = arg;

	return atomic_load(&m->ring->holder) == m->me;
}

static void ring_task(void *arg)
{
	struct ring_member *m = arg;
	unsigned int lap;

	for (lap = 0; lap < RING_LAPS; lap++) {
		waitq_wait(&m->ring->wq, ring_my_turn, m);
		atomic_fetch_add(&m->ring->passes, 1);
		atomic_store(&m->ring->holder, (m->me + 1) % m->ring->size);
		waitq_wake_all(&m->ring->wq);
	}
}

KTEST(sched_token_ring)
{
	struct task *t[MAX_CPUS * RING_TASKS_PER_CPU];
	unsigned int n = cpu_count * RING_TASKS_PER_CPU;
	unsigned int stacks = kstack_count();
	unsigned int i;

	/* Neighbours in the ring sit on different CPUs. */
	waitq_init(&ring.wq);
	atomic_store(&ring.holder, 0);
	atomic_store(&ring.passes, 0);
	ring.size = n;
	for (i = 0; i < n; i++) {
		members[i] = (struct ring_member){ &ring, i };
		t[i] = task_create("ring", i % cpu_count, ring_task,
				   &members[i]);
		KTEST_CHECK(t[i] != NULL);
	}
	for (i = 0; i < n; i++) {
		task_join(t[i]);
	}
	KTEST_CHECK(atomic_load(&ring.passes) == n * RING_LAPS);
	KTEST_CHECK(kstack_count() == stacks);
	return true;
}
