/* SPDX-License-Identifier: MIT */
/* 16550 UARTs, polled: the console and the TPM bridge's channels. */
#include "guest.h"

#define UART_DATA 0U
#define UART_IER 1U
#define UART_LCR 3U
#define UART_MCR 4U
#define UART_LSR 5U
#define UART_SCR 7U
#define LSR_DR 0x01U
#define LSR_THRE 0x20U

/* The scratch register holds what is written only where a UART exists. */
bool uart_present(uint16_t base)
{
	outb((uint16_t)(base + UART_SCR), 0x5A);
	if (inb((uint16_t)(base + UART_SCR)) != 0x5A) {
		return false;
	}
	outb((uint16_t)(base + UART_SCR), 0xA5);
	if (inb((uint16_t)(base + UART_SCR)) != 0xA5) {
		return false;
	}
	/* Polled, 8N1, DTR and RTS. The FIFO control stays as it is: a
	 * change clears what the host may already have sent. */
	outb((uint16_t)(base + UART_IER), 0x00);
	outb((uint16_t)(base + UART_LCR), 0x03);
	outb((uint16_t)(base + UART_MCR), 0x03);
	return true;
}

bool uart_ready(uint16_t base)
{
	return (inb((uint16_t)(base + UART_LSR)) & LSR_DR) != 0;
}

uint8_t uart_getc(uint16_t base)
{
	while (!uart_ready(base)) {
		cpu_relax();
	}
	return inb((uint16_t)(base + UART_DATA));
}

void uart_putc(uint16_t base, uint8_t c)
{
	while ((inb((uint16_t)(base + UART_LSR)) & LSR_THRE) == 0) {
		cpu_relax();
	}
	outb((uint16_t)(base + UART_DATA), c);
}
