/* SPDX-License-Identifier: MIT */
/*
 * The local APIC (xAPIC, memory-mapped at MMIO_BASE).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/** Map the local APIC (once) and enable it on the calling CPU. */
bool apic_init(uint64_t apic_pa);
/** Enable the APIC of the calling CPU (APs; the mapping exists). */
void apic_enable_local(void);
uint32_t apic_local_id(void);
void apic_eoi(void);
/** A fixed IPI with `vector` to the CPU with APIC ID `dest`. */
void apic_send_ipi(uint32_t dest, uint8_t vector);
/** An NMI to the CPU with APIC ID `dest`. */
void apic_send_nmi(uint32_t dest);
/** INIT (assert): the CPU resets and waits for a start-up IPI. */
void apic_send_init(uint32_t dest);
/** Two start-up IPIs for the real-mode code at `page` << 12. */
void apic_send_sipi(uint32_t dest, uint8_t page);
