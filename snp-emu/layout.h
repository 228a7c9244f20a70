/* SPDX-License-Identifier: MIT */
/*
 * The emulator's own memory layout (shared by its assembly and C): it is
 * linked at 1 MiB and runs on an identity map of the first 4 GiB of L1
 * physical memory.
 */
#pragma once

#define EMU_LINK_BASE 0x100000
/* Where the AP start-up code is copied (below 1 MiB, page-aligned). */
#define EMU_TRAMPOLINE 0x8000
/* Stack of each L1 CPU. */
#define EMU_STACK_SIZE 0x40000 /* libcrypto (the PSP) runs on it */
#define EMU_MAX_CPUS 16
/* GDT selectors (boot.S builds the GDT). */
#define EMU_CS32 0x08
#define EMU_DS 0x10
#define EMU_CS64 0x18
#define EMU_TSS 0x20
