/* SPDX-License-Identifier: MIT */
/*
 * The SNP boot's inputs, checked (svsm/kernel/snp_boot.c): the IGVM
 * parameter block (measured, but still checked for consistency), the
 * loader-filled parameter areas (memory map, MADT, vCPU count: hostile
 * host input) and the SNP CPUID page. Pure functions over copies the
 * caller made, so the hosted tests and the fuzzer run them as they are.
 * Checks return NULL when the input is good, else what is wrong.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kernel/acpi.h>
#include <kernel/boot.h>
#include <svsm/igvm_params.h>
#include "abi/snp_cpuid.h"

/* Everything the SNP entry reads before its own page tables must be in the
 * early map of the first GiB (svsm/arch/x86/boot.S). */
#define SNP_EARLY_LIMIT (1ULL << 30)

/* IGVM memory map entry types (IGVM_VHS_MEMORY_MAP_ENTRY.entry_type). */
#define IGVM_MEMMAP_MEMORY 0U
#define IGVM_MEMMAP_PLATFORM_RESERVED 1U
#define IGVM_MEMMAP_PERSISTENT 2U
#define IGVM_MEMMAP_VTL2_PROTECTABLE 3U

/** One IGVM memory map entry (24 bytes); a zero page count ends the map. */
struct igvm_memmap_entry {
	uint64_t gpa_page;
	uint64_t pages;
	uint16_t type;
	uint16_t flags;
	uint32_t reserved;
};

_Static_assert(sizeof(struct igvm_memmap_entry) == 24, "IGVM memory map entry");

/** Structure of the parameter block: ranges, alignment, no overlaps. */
const char *snp_params_check(const struct svsm_igvm_params *p);

/** The SVSM region and the guest's ranges lie below `phys_top`. */
const char *snp_params_check_top(const struct svsm_igvm_params *p,
				 uint64_t phys_top);

/**
 * Parse the loader's memory map (`size` bytes at `area`) into `bi`
 * (memmap, memmap_count, ram_bytes, phys_top rounded up to 2 MiB).
 * Entries must be sorted, not overlap, fit in 52 bits and number at most
 * MEMMAP_MAX, with at least one RAM entry.
 */
const char *snp_memmap_parse(const void *area, size_t size,
			     struct boot_info *bi);

/**
 * The loader's vCPU count against the MADT it gave: the same count, and
 * APIC IDs 0 .. count - 1 each once (the SVSM indexes vCPUs by APIC ID).
 */
const char *snp_cpus_check(uint32_t vp_count, const struct acpi_info *madt);

/** The CPUID page's count is in range. */
const char *snp_cpuid_check(const struct snp_cpuid_page *page);

/**
 * CPUID (`leaf`, `subleaf`) from the page into out[0..3] (EAX..EDX);
 * false (out zeroed) if the page has no such function. Leaves with
 * subleaves match ECX too; others take the first entry of the leaf.
 */
bool snp_cpuid_lookup(const struct snp_cpuid_page *page, uint32_t leaf,
		      uint32_t subleaf, uint32_t out[4]);

/** The C-bit position (CPUID 0x8000001F EBX[5:0]), or -1 if absent. */
int snp_cpuid_cbit(const struct snp_cpuid_page *page);

/** The guest's CPUID page: `src` with 0x8000001F EAX bit 28 (SVSM) set. */
void snp_cpuid_for_guest(struct snp_cpuid_page *dst,
			 const struct snp_cpuid_page *src);
