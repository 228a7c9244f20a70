/* SPDX-License-Identifier: MIT */
/*
 * Secrets the panic path wipes before it reports: common code registers
 * its long-lived secret buffers (the KBS resource slot, the vTPM state
 * key) here. Each build provides these: the kernel's panic.c (the same
 * functions as <kernel/secrets.h>) and the hosted build's svsm/sim/log.c.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/** Remember [ptr, ptr + len) for wiping; false if the table is full. */
bool secrets_register(void *ptr, size_t len);

/** Zero every registered secret; returns how many regions were wiped. */
unsigned int secrets_wipe(void);
