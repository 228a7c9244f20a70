/* SPDX-License-Identifier: MIT */
/*
 * <svsm/log.h> for the emulator: what the model and the libc shim log goes
 * to the emulator's console; a panic stops the run.
 */
#include <stdarg.h>
#include <stdio.h>

#include <svsm/log.h>

#include "emu.h"

enum log_level log_level_max = LOG_INFO;

/** Log a formatted message at `level`. */
void log_vprintf(enum log_level level, const char *fmt, va_list ap)
{
	char buf[256];

	if (level > log_level_max) {
		return;
	}
	vsnprintf(buf, sizeof(buf), fmt, ap);
	emu_printf("%s", buf);
}

/** Log a formatted message at `level`. */
void log_printf(enum log_level level, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	if (level <= log_level_max) {
		va_start(ap, fmt);
		vsnprintf(buf, sizeof(buf), fmt, ap);
		va_end(ap);
		emu_printf("%s", buf);
	}
}

/** An emulator bug: report and fail the run. */
_Noreturn void panic(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	emu_fatal("panic: %s", buf);
}
