/* SPDX-License-Identifier: MIT */
/*
 * The kernel's own 4-level page tables (one set shared by every CPU).
 * Mappings are 4 KiB, except the direct map (2 MiB). Intermediate tables
 * come from a static boot pool until the page allocator is up, then from
 * `page_alloc()`. Every function here takes the paging lock (which nests
 * outside the page allocator's lock).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PTE_P (1UL << 0)
#define PTE_RW (1UL << 1)
#define PTE_US (1UL << 2)
#define PTE_PWT (1UL << 3)
#define PTE_PCD (1UL << 4)
#define PTE_A (1UL << 5)
#define PTE_D (1UL << 6)
#define PTE_PS (1UL << 7)
#define PTE_G (1UL << 8)
#define PTE_NX (1UL << 63)
/* Software bit for `paging_map()`: map shared (SNP: without the C-bit). */
#define PTE_SHARED (1UL << 9)
#define PTE_ADDR_MASK 0x000ffffffffff000UL

/* Permission sets for `paging_map()`. */
#define PAGE_KERNEL_RO (PTE_P | PTE_NX)
#define PAGE_KERNEL_RW (PTE_P | PTE_RW | PTE_NX)
#define PAGE_KERNEL_RX (PTE_P)
#define PAGE_KERNEL_MMIO                                                       \
	(PTE_P | PTE_RW | PTE_NX | PTE_PCD | PTE_PWT | PTE_SHARED)

/**
 * Build the kernel's page tables (image with per-section permissions, the
 * direct map of [0, `phys_top`)) and switch to them on this CPU. Returns
 * false (nothing changed) if the boot pool is too small.
 */
bool paging_init(uint64_t phys_top);

/** Physical address of the kernel's PML4 (below 4 GiB, for the AP trampoline). */
uint64_t paging_root_pa(void);

/**
 * Map [va, va + len) to [pa, pa + len) with `flags` (PAGE_KERNEL_*), in
 * 4 KiB pages; all three must be page-aligned and the range unmapped.
 * Returns false, changing nothing, if the input cannot be installed as
 * asked: misaligned, [va, va + len) wraps or is not in one canonical half,
 * [pa, pa + len) does not fit below the C-bit (native: below 2^52), or
 * `flags` has address bits or lacks PTE_P. Returns false if a table could not be
 * allocated or the range is (partly) mapped already; pages mapped before
 * the failure are unmapped again.
 */
bool paging_map(uint64_t va, uint64_t pa, size_t len, uint64_t flags);

/**
 * Unmap every 4 KiB page that [va, va + len) touches (4 KiB mappings; a
 * range reaching the top of the address space included) and flush this
 * CPU's TLB for it.
 */
void paging_unmap(uint64_t va, size_t len);

/** Translate `va`; false if it is not mapped. `*flags` gets the leaf entry. */
bool paging_translate(uint64_t va, uint64_t *pa, uint64_t *flags);

/** Kernel VA of the page table page at physical `pa`. */
void *paging_table_va(uint64_t pa);

/** Physical address of a direct-map or image address (0 if neither). */
uint64_t virt_to_phys(const void *va);

/** Direct-map address of physical `pa`. */
void *phys_to_virt(uint64_t pa);

/**
 * SNP: every private mapping and table entry gets the C-bit at `pos`
 * from now on (call before `paging_init()`).
 */
void paging_set_cbit(unsigned int pos);

/** The C-bit mask in use (0 when native). */
uint64_t paging_cbit(void);

/**
 * Map the page at kernel address `va` shared (no C-bit) or private
 * again; a 2 MiB direct-map page is split. Flushes this CPU's TLB only.
 */
bool paging_set_shared(const void *va, bool shared);
