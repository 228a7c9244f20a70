/* SPDX-License-Identifier: MIT */
/*
 * In-kernel tests (the test build of the kernel only). A test is a
 * function returning true on success, registered in section `.ktests`:
 *
 *   KTEST(page_alloc_roundtrip)
 *   {
 *           KTEST_CHECK(page_alloc(0) != NULL);
 *           return true;
 *   }
 *
 * The runner prints one line per test on the console and exits QEMU through
 * isa-debug-exit: 0x10 when every test passed, 0x11 otherwise.
 */
#pragma once

#include <stdbool.h>

#include <svsm/log.h>

/** A registered test. */
struct ktest {
	const char *name;
	bool (*fn)(void);
};

#define KTEST(n)                                                               \
	static bool ktest_fn_##n(void);                                        \
	static const struct ktest ktest_desc_##n __attribute__((               \
		used, section(".ktests"), aligned(8))) = { #n, ktest_fn_##n }; \
	static bool ktest_fn_##n(void)

#define KTEST_CHECK(cond)                                                      \
	do {                                                                   \
		if (!(cond)) {                                                 \
			log_printf(LOG_ERROR, "  check failed: %s (%s:%d)",    \
				   #cond, __FILE__, __LINE__);                 \
			return false;                                          \
		}                                                              \
	} while (0)

/**
 * Start the tests if this is a test build (a task on the boot CPU that
 * ends by halting the machine); in the normal build it returns false.
 */
bool ktest_start(void);
