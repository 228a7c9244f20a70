/* SPDX-License-Identifier: MIT */
/*
 * Secrets the panic path must wipe before it prints anything or halts
 * (the VMPCKs in the SNP secrets page, vTPM seeds).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/** Remember [ptr, ptr + len) for wiping; false if the table is full. */
bool secrets_register(void *ptr, size_t len);

/** Zero every registered secret; returns how many regions were wiped. */
unsigned int secrets_wipe(void);
