/* SPDX-License-Identifier: MIT */
/*
 * COM1 serial console. Output polls the transmitter-empty bit; there is no
 * input. The console lock is the innermost lock (see lock.h).
 */
#include <stddef.h>
#include <stdint.h>

#include <kernel/console.h>
#include <kernel/platform.h>
#include <svsm/lock.h>

#define COM1 0x3f8
#define UART_THR 0
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LSR_THRE 0x20
#define LCR_DLAB 0x80

static struct spinlock console_lock = SPINLOCK_INIT;

/** Program COM1 for 115200 8N1 with FIFOs. */
void console_init(void)
{
	platform_outb(COM1 + UART_IER, 0);
	platform_outb(COM1 + UART_LCR, LCR_DLAB);
	platform_outb(COM1 + 0, 1); /* divisor 1: 115200 baud */
	platform_outb(COM1 + 1, 0);
	platform_outb(COM1 + UART_LCR, 0x03); /* 8N1 */
	platform_outb(COM1 + UART_FCR, 0xc7);
	platform_outb(COM1 + UART_MCR, 0x03);
}

static void uart_putc(char c)
{
	unsigned int spins = 0;

	/* Bounded wait: a missing UART must not hang the kernel. */
	while ((platform_inb(COM1 + UART_LSR) & LSR_THRE) == 0 &&
	       spins < 100000) {
		spins++;
	}
	platform_outb(COM1 + UART_THR, (uint8_t)c);
}

/** Write `len` bytes under the console lock ("\n" becomes "\r\n"). */
void console_write(const char *s, size_t len)
{
	size_t i;

	spin_lock(&console_lock);
	for (i = 0; i < len; i++) {
		if (s[i] == '\n') {
			uart_putc('\r');
		}
		uart_putc(s[i]);
	}
	spin_unlock(&console_lock);
}

/** Release the console lock whoever holds it (panic only). */
void console_bust(void)
{
	spin_lock_init(&console_lock);
}
