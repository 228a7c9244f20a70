/* SPDX-License-Identifier: MIT */
/*
 * The panic path: wipe every registered secret (the VMPCKs of the SNP
 * secrets page, keys) first, stop the other CPUs, then report and halt
 * through the platform. Only the first CPU to panic gets to report; a panic
 * inside the panic path goes straight to the halt.
 */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <kernel/console.h>
#include <kernel/platform.h>
#include <svsm/secrets.h>
#include <x86/asm.h>
#include <x86/desc.h>
#include <x86/smp.h>
#include <svsm/log.h>

static atomic_flag panicking = ATOMIC_FLAG_INIT;

/** Wipe secrets, stop the other CPUs, report and halt (see log.h). */
_Noreturn void panic(const char *fmt, ...)
{
	char msg[256];
	unsigned int wiped;
	va_list ap;

	irq_disable();
	wiped = secrets_wipe();
	if (atomic_flag_test_and_set(&panicking)) {
		halt_forever();
	}
	smp_stop_others();
	console_bust();
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_printf(LOG_ERROR, "PANIC: %s\n", msg);
	log_printf(LOG_ERROR, "secrets wiped: %u region(s)\n", wiped);
	log_printf(LOG_ERROR, "panic backtrace:\n");
	backtrace_print(read_frame_pointer());
	platform_halt(false);
}
