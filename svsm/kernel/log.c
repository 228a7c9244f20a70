/* SPDX-License-Identifier: MIT */
/*
 * The kernel's logging (<svsm/log.h>) on the serial console. Each message
 * is formatted into a stack buffer and written in one piece under the
 * console lock, so lines of different CPUs do not interleave. A missing
 * final newline is added.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <kernel/console.h>
#include <svsm/log.h>

#define LOG_LINE_MAX 512

enum log_level log_level_max = LOG_INFO;

static const char *const level_prefix[] = {
	[LOG_ERROR] = "ERROR: ",   [LOG_WARN] = "WARNING: ",
	[LOG_NOTICE] = "NOTICE: ", [LOG_INFO] = "",
	[LOG_VERBOSE] = "",
};

/** Format and write one message if `level` is enabled. */
void log_vprintf(enum log_level level, const char *fmt, va_list ap)
{
	char buf[LOG_LINE_MAX];
	size_t len;
	int n;

	if (level > log_level_max || level < LOG_ERROR) {
		return;
	}
	n = snprintf(buf, sizeof(buf), "%s", level_prefix[level]);
	vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	len = strlen(buf);
	if (len == 0 || buf[len - 1] != '\n') {
		if (len == sizeof(buf) - 1) {
			len--;
		}
		buf[len++] = '\n';
		buf[len] = '\0';
	}
	console_write(buf, len);
}

/** printf-style `log_vprintf()`. */
void log_printf(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf(level, fmt, ap);
	va_end(ap);
}
