/* SPDX-License-Identifier: MIT */
/*
 * The in-kernel test runner (test build only). It runs as a task on the
 * boot CPU, so tests may block, create tasks and call other CPUs. Command
 * line options:
 *   ktest.fail        also run a test that fails on purpose (proves that a
 *                     failure makes `make test-in-svsm` fail)
 *   ktest.panic       panic on purpose with a registered fake secret
 *   ktest.crash       execute UD2 without a fixup (the fatal-exception path)
 *   ktest.overflow    overflow a task's stack into its guard page (#PF
 *                     that cannot be delivered, so #DF on its IST stack)
 *   ktest.only=NAME   run only the test NAME
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <kernel/boot.h>
#include <kernel/ktest.h>
#include <kernel/platform.h>
#include <kernel/sched.h>
#include <svsm/secrets.h>
#include <x86/time.h>
#include <svsm/log.h>

extern const struct ktest __ktests_start[], __ktests_end[];

static unsigned int passed;
static unsigned int failed;

static void run_one(const char *name, bool (*fn)(void))
{
	uint64_t t0 = time_us();
	bool ok;

	log_printf(LOG_INFO, "ktest: %s ...\n", name);
	ok = fn();
	log_printf(LOG_INFO, "ktest: %s %s (%lu us)\n", name,
		   ok ? "ok" : "FAILED", (unsigned long)(time_us() - t0));
	if (ok) {
		passed++;
	} else {
		failed++;
	}
}

/** The deliberately failing test of `ktest.fail`. */
static bool deliberate_failure(void)
{
	KTEST_CHECK(1 + 1 == 3);
	return true;
}

static void deliberate_panic(void)
{
	static char fake_vmpck[32] = "not-a-real-key-but-wipe-it";

	secrets_register(fake_vmpck, sizeof(fake_vmpck));
	panic("ktest.panic: deliberate panic");
}

/* Not constant-foldable: the compiler cannot prove the recursion endless. */
static volatile unsigned long recurse_limit = ~0UL;

/** Recurse until the stack runs into its guard page. */
static unsigned long recurse(unsigned long depth)
{
	volatile uint8_t frame[256];

	frame[0] = (uint8_t)depth;
	if (depth == recurse_limit) {
		return 0;
	}
	return recurse(depth + 1) + frame[0];
}

static void overflow_task(void *arg)
{
	log_printf(LOG_INFO, "ktest.overflow: %lu\n", recurse(0));
}

static void ktest_task(void *arg)
{
	const struct ktest *t;
	char only[64];
	bool filter = cmdline_get("ktest.only", only, sizeof(only));

	if (cmdline_has("ktest.panic")) {
		deliberate_panic();
	}
	if (cmdline_has("ktest.crash")) {
		__asm__ volatile("ud2");
	}
	if (cmdline_has("ktest.overflow")) {
		task_join(task_create("overflow", 0, overflow_task, NULL));
	}
	for (t = __ktests_start; t < __ktests_end; t++) {
		if (!filter || strcmp(t->name, only) == 0) {
			run_one(t->name, t->fn);
		}
	}
	if (cmdline_has("ktest.fail")) {
		run_one("deliberate_failure", deliberate_failure);
	}
	log_printf(LOG_INFO, "ktest: %u passed, %u failed\n", passed, failed);
	log_printf(LOG_INFO, "ktest: %s\n",
		   failed == 0 && passed > 0 ? "SUCCESS" : "FAILURE");
	platform_halt(failed == 0 && passed > 0);
}

/** Start the in-kernel tests (see ktest.h). */
bool ktest_start(void)
{
	if (task_create("ktest", 0, ktest_task, NULL) == NULL) {
		panic("cannot start the test task");
	}
	return true;
}
