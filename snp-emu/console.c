/* SPDX-License-Identifier: MIT */
/*
 * The emulator's console: COM1, polled. The emulator's own lines carry the
 * prefix `snp-emu: `. The SNP VM's bytes (GHCB IOIO to COM1) are gathered
 * per L1 CPU and go out a line at a time: the SVSM and the guest on two
 * vCPUs write the one port byte by byte, and the tests grep their lines.
 * One lock keeps the lines of different L1 CPUs apart.
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

/* A VM line in the making on each L1 CPU (a longer one goes out in parts). */
struct vm_line {
	unsigned len;
	char buf[160];
};
static struct vm_line vm_lines[EMU_MAX_CPUS];

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

/* Send what L1 CPU `cpu` has gathered of a VM line. Under the lock. */
static void vm_line_flush_locked(unsigned cpu)
{
	struct vm_line *l = &vm_lines[cpu];
	unsigned i;

	for (i = 0; i < l->len; i++) {
		com1_put((uint8_t)l->buf[i]);
	}
	if (l->len != 0) {
		at_line_start = l->buf[l->len - 1] == '\n';
	}
	l->len = 0;
}

static unsigned this_line_cpu(void)
{
	unsigned cpu = emu_cpu_index();

	return cpu < EMU_MAX_CPUS ? cpu : 0;
}

static void emu_vprintf(const char *fmt, va_list ap)
{
	char buf[256];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	spin_lock(&console_lock);
	/* This CPU's VM bytes came first (a panic's last words, say). */
	vm_line_flush_locked(this_line_cpu());
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

/** A byte of the SNP VM's console: out with the rest of its line. */
void emu_console_raw(uint8_t c)
{
	unsigned cpu = this_line_cpu();
	struct vm_line *l = &vm_lines[cpu];

	/* Only this CPU fills its line; the lock orders the flushes. */
	l->buf[l->len++] = (char)c;
	if (c == '\n' || l->len == sizeof(l->buf)) {
		spin_lock(&console_lock);
		vm_line_flush_locked(cpu);
		spin_unlock(&console_lock);
	}
}

/** Send every CPU's unfinished VM line (see emu.h). */
void emu_console_flush(void)
{
	unsigned cpu;

	spin_lock(&console_lock);
	for (cpu = 0; cpu < EMU_MAX_CPUS; cpu++) {
		vm_line_flush_locked(cpu);
	}
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
	emu_console_flush();
	emu_exit(EMU_EXIT_FAIL);
}
