/* SPDX-License-Identifier: MIT */
/* Logging and panic for the vTPM unit tests (the harness has its own). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "svsm/log.h"

enum log_level log_level_max = LOG_WARN;

void log_vprintf(enum log_level level, const char *fmt, va_list ap)
{
	if (level <= log_level_max) {
		vfprintf(stderr, fmt, ap);
	}
}

void log_printf(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf(level, fmt, ap);
	va_end(ap);
}

_Noreturn void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}
