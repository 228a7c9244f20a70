/* SPDX-License-Identifier: MIT */
/*
 * What the kernel learned at boot from `struct hvm_start_info` (PVH): the
 * command line, the physical memory map and the ACPI RSDP. Everything is
 * copied into kernel memory once, before any of it is interpreted.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HVM_START_MAGIC 0x336ec578
#define MEMMAP_MAX 64
#define CMDLINE_MAX 512

enum memmap_type {
	MEMMAP_RAM = 1,
	MEMMAP_RESERVED = 2,
	MEMMAP_ACPI = 3,
	MEMMAP_NVS = 4,
};

struct memmap_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
};

struct boot_info {
	char cmdline[CMDLINE_MAX];
	struct memmap_entry memmap[MEMMAP_MAX];
	unsigned int memmap_count;
	uint64_t rsdp_pa;
	uint64_t ram_bytes; /* sum of RAM entries */
	uint64_t phys_top;  /* end of the highest RAM/ACPI entry */
};

extern struct boot_info boot_info;

/**
 * Parse the start info at physical `pa` (reachable through the early
 * mapping of the first GiB) into `boot_info`. False if it is not a valid
 * hvm_start_info.
 */
bool boot_info_parse(uint64_t pa);

/** True if the command line holds `word` or `word=...`. */
bool cmdline_has(const char *word);
/** The value of `key=value` copied into `buf` (NUL-terminated), or false. */
bool cmdline_get(const char *key, char *buf, size_t size);
