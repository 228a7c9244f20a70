/* SPDX-License-Identifier: MIT */
/*
 * snp-emu: the L1 hypervisor's internal interfaces (console, traps, SMP,
 * ports). See README.md for how the pieces fit.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "layout.h"

/* isa-debug-exit (QEMU exits with status (value << 1) | 1). */
#define EMU_EXIT_PORT 0xF4
#define EMU_EXIT_PASS 0x10 /* status 0x21: what the test scripts expect */
#define EMU_EXIT_FAIL 0x11 /* status 0x23 */

/** Print one formatted message on COM1, each line prefixed `snp-emu: `. */
void emu_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** Raw bytes of the SNP VM's console (no prefix), sent a line at a time. */
void emu_console_raw(uint8_t c);
/**
 * Send every CPU's unfinished VM line: at exit only (another CPU may still
 * be adding to its line; what it adds then is lost with the run anyway).
 */
void emu_console_flush(void);
/** Print and stop QEMU with a failure status. */
_Noreturn void emu_fatal(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
/** Leave QEMU through isa-debug-exit with `value`. */
_Noreturn void emu_exit(uint8_t value);

/** Install the IDT on this CPU (the first call builds it). */
void emu_traps_init(void);

/** Microsecond delay calibrated against the PIT (smp.c). */
void emu_udelay(unsigned long us);
/** TSC ticks per microsecond (after `emu_time_init()`). */
uint64_t emu_tsc_per_us(void);
void emu_time_init(void);

/** L1 CPUs found in the MADT (APIC IDs), the boot CPU first. */
struct emu_cpus {
	unsigned count;
	uint32_t apic_id[EMU_MAX_CPUS];
};
/** Read the MADT from the ACPI tables (`rsdp` 0: search the BIOS area). */
bool emu_acpi_cpus(uint64_t rsdp, struct emu_cpus *out);
/** Start L1 CPU `index` (INIT-SIPI-SIPI); it calls `emu_ap_main(index)`. */
bool emu_start_ap(unsigned index, uint32_t apic_id);
void emu_ap_main(unsigned index);
/** Called by a started AP once it runs C on its own stack. */
void emu_ap_online(unsigned index);
/** Index of the calling L1 CPU (0 = boot CPU). */
unsigned emu_cpu_index(void);
/** Enable this CPU's local APIC for wake-up IPIs. */
void emu_lapic_init(void);
/** Wake L1 CPU `index` from emu_sleep() (a fixed IPI; no-op if awake). */
void emu_wake(unsigned index);
/** Sleep until an IPI (emu_wake) arrives; interrupts stay off otherwise. */
void emu_sleep(void);
#define EMU_WAKE_VECTOR 0xF0
#define EMU_SPURIOUS_VECTOR 0xFF
