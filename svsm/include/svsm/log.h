/* SPDX-License-Identifier: MIT */
/*
 * Logging and panics. Levels: ERROR is an SVSM bug, never a misbehaving guest
 * (use NOTICE for that); only VERBOSE may print sensitive values; key
 * material (VMPCKs, TPM seeds) is never printed at any level.
 *
 * `log_write()` and `panic_halt()` are provided by each build (the kernel's
 * serial console; stderr in the hosted build).
 */
#pragma once

#include <stdarg.h>

enum log_level {
	LOG_ERROR = 0,
	LOG_WARN = 1,
	LOG_NOTICE = 2,
	LOG_INFO = 3,
	LOG_VERBOSE = 4,
};

extern enum log_level log_level_max;

void log_printf(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void log_vprintf(enum log_level level, const char *fmt, va_list ap);

/** Wipe secrets, print the message and stop this SVSM for good. */
_Noreturn void panic(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

#define pr_err(...) log_printf(LOG_ERROR, __VA_ARGS__)
#define pr_warn(...) log_printf(LOG_WARN, __VA_ARGS__)
#define pr_notice(...) log_printf(LOG_NOTICE, __VA_ARGS__)
#define pr_info(...) log_printf(LOG_INFO, __VA_ARGS__)
#define pr_verbose(...) log_printf(LOG_VERBOSE, __VA_ARGS__)

/**
 * CHECK(x): always compiled in, panics when false. For internal invariants
 * only: never for anything a guest or the host can make false.
 */
#define CHECK(x)                                                               \
	do {                                                                   \
		if (!(x)) {                                                    \
			panic("CHECK failed: %s at %s:%d", #x, __FILE__,       \
			      __LINE__);                                       \
		}                                                              \
	} while (0)
