/* SPDX-License-Identifier: MIT */
/*
 * `struct hvm_start_info` (Xen PVH ABI, svsm-abi-facts 5.2). The structure,
 * its command line and memory map are copied into `boot_info` once; the
 * copies are then checked and used.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <kernel/boot.h>
#include <x86/layout.h>

#define EARLY_MAP_LIMIT (1UL << 30) /* the early tables map the first GiB */

/** The PVH start info, version 1 (56 bytes). */
struct hvm_start_info {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr;
	uint32_t memmap_entries;
	uint32_t reserved;
};

/** One memory map entry of the start info (24 bytes). */
struct hvm_memmap_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
	uint32_t reserved;
};

_Static_assert(sizeof(struct hvm_start_info) == 56, "hvm_start_info");
_Static_assert(sizeof(struct hvm_memmap_entry) == 24, "hvm_memmap_entry");

struct boot_info boot_info;

/** Early pointer to physical [pa, pa + len), or NULL past the early map. */
static const void *early_ptr(uint64_t pa, uint64_t len)
{
	if (pa == 0 || pa > EARLY_MAP_LIMIT || len > EARLY_MAP_LIMIT - pa) {
		return NULL;
	}
	return (const void *)(KERNEL_VIRT_BASE + pa);
}

static void copy_cmdline(uint64_t pa)
{
	const char *src = early_ptr(pa, 1);
	size_t i;

	if (src == NULL) {
		return;
	}
	for (i = 0; i + 1 < CMDLINE_MAX && pa + i < EARLY_MAP_LIMIT; i++) {
		if (src[i] == '\0') {
			break;
		}
		boot_info.cmdline[i] = src[i];
	}
	boot_info.cmdline[i] = '\0';
}

static void copy_memmap(uint64_t pa, uint32_t count)
{
	const struct hvm_memmap_entry *src;
	unsigned int i;

	if (count > MEMMAP_MAX) {
		count = MEMMAP_MAX;
	}
	src = early_ptr(pa, (uint64_t)count * sizeof(*src));
	if (src == NULL) {
		return;
	}
	for (i = 0; i < count; i++) {
		struct hvm_memmap_entry e;
		uint64_t end;

		memcpy(&e, &src[i], sizeof(e));
		if (e.size == 0 || e.addr + e.size < e.addr) {
			continue;
		}
		end = e.addr + e.size;
		boot_info.memmap[boot_info.memmap_count].addr = e.addr;
		boot_info.memmap[boot_info.memmap_count].size = e.size;
		boot_info.memmap[boot_info.memmap_count].type = e.type;
		boot_info.memmap_count++;
		if (e.type == MEMMAP_RAM) {
			boot_info.ram_bytes += e.size;
		}
		if ((e.type == MEMMAP_RAM || e.type == MEMMAP_ACPI ||
		     e.type == MEMMAP_NVS) &&
		    end > boot_info.phys_top) {
			boot_info.phys_top = end;
		}
	}
}

/** Copy and check the PVH start info at physical `pa` (see boot.h). */
bool boot_info_parse(uint64_t pa)
{
	const struct hvm_start_info *src = early_ptr(pa, sizeof(*src));
	struct hvm_start_info si;

	if (src == NULL) {
		return false;
	}
	memcpy(&si, src, sizeof(si));
	if (si.magic != HVM_START_MAGIC) {
		return false;
	}
	copy_cmdline(si.cmdline_paddr);
	boot_info.rsdp_pa = si.rsdp_paddr;
	if (si.version >= 1) {
		copy_memmap(si.memmap_paddr, si.memmap_entries);
	}
	/* The direct map is made of 2 MiB pages: the firmware's tables in
	 * the reserved tail of the last RAM page are reachable too. */
	boot_info.phys_top =
		(boot_info.phys_top + (2UL << 20) - 1) & ~((2UL << 20) - 1);
	return boot_info.memmap_count > 0;
}

/** The start of `word` as a whole space-separated token (or `word=`). */
static const char *cmdline_find(const char *word)
{
	const char *p = boot_info.cmdline;
	size_t n = strlen(word);

	while (*p != '\0') {
		while (*p == ' ') {
			p++;
		}
		if (strncmp(p, word, n) == 0 &&
		    (p[n] == '\0' || p[n] == ' ' || p[n] == '=')) {
			return p;
		}
		while (*p != '\0' && *p != ' ') {
			p++;
		}
	}
	return NULL;
}

/** True if the command line holds `word` or `word=...`. */
bool cmdline_has(const char *word)
{
	return cmdline_find(word) != NULL;
}

/** Copy the value of `key=value` into `buf`; false if absent. */
bool cmdline_get(const char *key, char *buf, size_t size)
{
	const char *p = cmdline_find(key);
	size_t i = 0;

	if (p == NULL || size == 0) {
		return false;
	}
	p += strlen(key);
	if (*p != '=') {
		return false;
	}
	p++;
	while (p[i] != '\0' && p[i] != ' ' && i + 1 < size) {
		buf[i] = p[i];
		i++;
	}
	buf[i] = '\0';
	return true;
}
