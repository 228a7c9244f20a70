/* SPDX-License-Identifier: MIT */
/*
 * The serial console (COM1, 16550 UART, 115200 8N1) behind `log_printf()`.
 */
#pragma once

#include <stddef.h>

void console_init(void);
/** Write `len` bytes, turning "\n" into "\r\n". Takes the console lock. */
void console_write(const char *s, size_t len);
/** Forget whoever holds the console lock (panic on a stopped system). */
void console_bust(void);
