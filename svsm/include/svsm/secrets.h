/* SPDX-License-Identifier: MIT */
/*
 * Secrets every panic path wipes before it prints anything or halts: the
 * VMPCKs of the SNP secrets page, the KBS resource slot, the vTPM state
 * key. The registry is svsm/core/secrets.c, shared by the kernel and the
 * hosted build.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/** Remember [ptr, ptr + len) for wiping; false if the table is full. */
bool secrets_register(void *ptr, size_t len);

/** Zero every registered secret; returns how many regions were wiped. */
unsigned int secrets_wipe(void);
