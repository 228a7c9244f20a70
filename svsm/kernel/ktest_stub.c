/* SPDX-License-Identifier: MIT */
/* The normal kernel build has no in-kernel tests. */
#include <stdbool.h>

#include <kernel/ktest.h>

/** Start the in-kernel tests (see ktest.h). */
bool ktest_start(void)
{
	return false;
}
