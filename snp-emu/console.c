/* SPDX-License-Identifier: MIT */
/*
 * The emulator's console: COM1, polled. The emulator's own lines carry the
 * prefix `snp-emu: `; the SNP VM's bytes (GHCB IOIO to COM1) go out as they
 * come. One lock keeps lines of different L1 CPUs apart.
 */
#include <stdarg.h>
#include <stdio.h>

#include <svsm/lock.h>
#include <x86/asm.h>

#include "emu.h"

#define COM1 0x3F8
#define LSR_THRE 0x20

static struct spinlock console_lock;
static bool at_line_start = true;

static void com1_put(uint8_t c)
{
	unsigned spins = 0;

	while ((inb(COM1 + 5) & LSR_THRE) == 0 && spins++ < 100000) {
		cpu_relax();
	}
	outb(COM1, c);
}

static void put_locked(const char *s)
{
	static const char prefix[] = "snp-emu: ";
	const char *p;

	for (; *s != '\0'; s++) {
		if (at_line_start) {
			for (p = prefix; *p != '\0'; p++) {
				com1_put((uint8_t)*p);
			}
			at_line_start = false;
		}
		com1_put((uint8_t)*s);
		at_line_start = *s == '\n';
	}
}

static void emu_vprintf(const char *fmt, va_list ap)
{
	char buf[256];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	spin_lock(&console_lock);
	if (!at_line_start) {
		com1_put('\n');
		at_line_start = true;
	}
	put_locked(buf);
	if (!at_line_start) {
		com1_put('\n');
		at_line_start = true;
	}
	spin_unlock(&console_lock);
}

/** Print a message (see emu.h). */
void emu_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emu_vprintf(fmt, ap);
	va_end(ap);
}

/** A byte of the SNP VM's console. */
void emu_console_raw(uint8_t c)
{
	spin_lock(&console_lock);
	com1_put(c);
	at_line_start = c == '\n';
	spin_unlock(&console_lock);
}

/** Leave QEMU (see emu.h). */
_Noreturn void emu_exit(uint8_t value)
{
	outb(EMU_EXIT_PORT, value);
	halt_forever();
}

/** Print and fail the run. */
_Noreturn void emu_fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emu_vprintf(fmt, ap);
	va_end(ap);
	emu_exit(EMU_EXIT_FAIL);
}
