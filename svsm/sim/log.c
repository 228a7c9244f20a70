/* SPDX-License-Identifier: MIT */
/*
 * Logging and panics of the hosted build: messages go to stderr; a panic
 * reports and aborts the process (the simulated VM cannot outlive the SVSM).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "svsm/log.h"
#include "svsm/secrets.h"

enum log_level log_level_max = LOG_WARN;

static const char *const level_names[] = {
	[LOG_ERROR] = "error",	   [LOG_WARN] = "warn",
	[LOG_NOTICE] = "notice",   [LOG_INFO] = "info",
	[LOG_VERBOSE] = "verbose",
};

/** Print a message at `level` if `log_level_max` lets it through. */
void log_vprintf(enum log_level level, const char *fmt, va_list ap)
{
	if (level > log_level_max) {
		return;
	}
	fprintf(stderr, "svsm[%s]: ",
		(unsigned)level <= LOG_VERBOSE ? level_names[level] : "?");
	vfprintf(stderr, fmt, ap);
}

/** As `log_vprintf()`. */
void log_printf(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf(level, fmt, ap);
	va_end(ap);
}

/** Wipe the registered secrets (KBS resource, vTPM state key), report, abort. */
_Noreturn void panic(const char *fmt, ...)
{
	va_list ap;

	secrets_wipe();
	fputs("svsm: PANIC: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}
