/* SPDX-License-Identifier: MIT */
/*
 * Kernel page tables. Physical memory is reached through the direct map at
 * PHYSMAP_BASE once `paging_init()` has switched to the new tables; before
 * that, the early tables map the first GiB at KERNEL_VIRT_BASE, which is
 * where the boot pool (in .bss) lives.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <x86/asm.h>
#include <x86/layout.h>
#include <x86/paging.h>
#include <svsm/lock.h>
#include <svsm/log.h>
#include <svsm/mm.h>

#define PT_ENTRIES 512
#define BOOT_POOL_PAGES 48
#define LARGE_2M (2UL << 20)
/* The canonical halves: [0, VA_LOW_END) and [VA_HIGH_START, 2^64). */
#define VA_LOW_END (1UL << 47)
#define VA_HIGH_START 0xffff800000000000UL

extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __kernel_end[], boot_stack_guard[];

static uint64_t kernel_pml4[PT_ENTRIES] __attribute__((aligned(4096)));
static uint8_t boot_pool[BOOT_POOL_PAGES][4096] __attribute__((aligned(4096)));
static unsigned int boot_pool_used;
static bool physmap_active;
static uint64_t physmap_top;
static struct spinlock paging_lock = SPINLOCK_INIT;
/* SNP: the C-bit, set in every private mapping and table entry (0 native). */
static uint64_t pte_cbit;

#if defined(__FRAMAC__)
/* make verify-pt: the model of the tables, the allocator's contract. */
#include "fc_pt.h"
#endif

/** Physical address in a table entry (the C-bit is not part of it). */
/*@ terminates \true;
    assigns \nothing;
    ensures \result == pt_addr(e) && \result <= PTE_ADDR_MASK;
 */
static uint64_t pte_addr(uint64_t e)
{
	return e & PTE_ADDR_MASK & ~pte_cbit;
}

/** Leaf bits for `flags`: PTE_SHARED becomes "no C-bit". */
/*@ terminates \true;
    assigns \nothing;
    ensures \result == PT_BITS(flags);
    ensures PT_PRESENT(flags) ==> PT_PRESENT(\result);
 */
static uint64_t pte_bits(uint64_t flags)
{
	if ((flags & PTE_SHARED) != 0) {
		return flags & ~PTE_SHARED;
	}
	return flags | pte_cbit;
}

/** Set the C-bit position before `paging_init()` (SNP boot only). */
void paging_set_cbit(unsigned int pos)
{
	pte_cbit = 1UL << pos;
}

/** The C-bit mask in use (0 when native). */
uint64_t paging_cbit(void)
{
	return pte_cbit;
}

/** Kernel address of the page-table page at physical `pa`. */
void *paging_table_va(uint64_t pa)
{
	if (physmap_active) {
		return (void *)(PHYSMAP_BASE + pa);
	}
	return (void *)(KERNEL_VIRT_BASE + pa);
}

/** Physical address of an image or direct-map address, else 0. */
uint64_t virt_to_phys(const void *va)
{
	uint64_t v = (uint64_t)va;

	if (v >= KERNEL_VIRT_BASE) {
		return v - KERNEL_VIRT_BASE;
	}
	if (v >= PHYSMAP_BASE && v < PHYSMAP_BASE + physmap_top) {
		return v - PHYSMAP_BASE;
	}
	return 0;
}

/** Direct-map address of physical `pa`. */
void *phys_to_virt(uint64_t pa)
{
	return (void *)(PHYSMAP_BASE + pa);
}

/** Physical address of the kernel's PML4. */
uint64_t paging_root_pa(void)
{
	return virt_to_phys(kernel_pml4);
}

#if !defined(__FRAMAC__) /* make verify-pt: contracts (verify/fc_pt.h) */
/** The table page at physical `pa`. */
static uint64_t *table_at(uint64_t pa)
{
	return paging_table_va(pa);
}

/** A zeroed page for a page table: physical address, or 0 on failure. */
static uint64_t table_alloc(void)
{
	void *page;

	if (!physmap_active) {
		if (boot_pool_used == BOOT_POOL_PAGES) {
			return 0;
		}
		page = boot_pool[boot_pool_used++];
		memset(page, 0, 4096);
		return virt_to_phys(page);
	}
	page = page_alloc(0);
	return page == NULL ? 0 : virt_to_phys(page);
}
#endif

/** The index of `va`'s entry in its table at `level` (3 = PML4 ... 0). */
/*@ requires 0 <= level <= 3;
    terminates \true;
    assigns \nothing;
    ensures \result == pt_idx(va, level) && \result <= 511;
 */
static unsigned int pt_index(uint64_t va, int level)
{
	return (va >> (12 + 9 * level)) & 0x1ff;
}

/* Set an entry that is not present (so no mapping goes through it). */
/*@ requires \valid(e) && !PT_PRESENT(*e);
    terminates \true;
    assigns *e;
    ensures *e == v;
    ensures pt_write{Pre, Post}(e);
    ensures pt_kept{Pre, Post};
    ensures \forall uint64_t va; \forall integer l; 0 <= l <= 3 ==>
      pt_reach{Pre}(va, l) ==>
      pt_reach(va, l) && pt_tbl(va, l) == \at(pt_tbl(va, l), Pre);
 */
static void pte_set(uint64_t *e, uint64_t v)
{
	*e = v;
	/*@ assert pt_write{Pre, Here}(e); */
}

/**
 * The entry for `va` at `level` (3 = PDPT entry ... 0 = PTE), creating
 * missing tables on the way down; NULL if a table could not be allocated
 * or a large page is in the way.
 */
/*@ requires 0 <= level <= 3;
    requires create ==> pt_cbit_ok;
    terminates \true;
    assigns kernel_pml4[0 .. 511], fc_pt_mem[0 .. FC_PT_PAGES * 512 - 1];
    behavior lookup:
      assumes !create;
      assigns \nothing;
      ensures \result != \null ==>
        pt_reach(va, level) && \result == pt_ent(va, level) &&
        \valid(\result) && 0 <= pt_idx(va, level) <= 511;
      ensures pt_reach(va, level) ==> \result != \null;
      ensures pt_no_new{Pre, Post};
    behavior create:
      assumes create;
      assigns kernel_pml4[0 .. 511],
              fc_pt_mem[0 .. FC_PT_PAGES * 512 - 1];
      ensures \result != \null ==>
        pt_reach(va, level) && \result == pt_ent(va, level) &&
        \valid(\result) && 0 <= pt_idx(va, level) <= 511;
      ensures pt_kept{Pre, Post};
    complete behaviors;
    disjoint behaviors;
 */
static uint64_t *walk(uint64_t va, int level, bool create)
{
	uint64_t *table = kernel_pml4;
	int l;

	/*@ loop invariant level <= l <= 3;
	    loop invariant table == pt_tbl(va, l);
	    loop invariant \valid(table + (0 .. 511)) && pt_is_table(table);
	    loop invariant pt_reach(va, l);
	    for create: loop invariant pt_kept{Pre, Here};
	    for lookup: loop invariant pt_no_new{Pre, Here};
	    for lookup: loop assigns l, table;
	    for create: loop assigns l, table, kernel_pml4[0 .. 511],
	                fc_pt_mem[0 .. FC_PT_PAGES * 512 - 1];
	    loop variant l;
	 */
	for (l = 3; l > level; l--) {
		uint64_t *e = &table[pt_index(va, l)];

		if ((*e & PTE_P) == 0) {
			uint64_t pa;

			if (!create) {
				return NULL;
			}
			pa = table_alloc();
			if (pa == 0) {
				return NULL;
			}
			/*@ assert e == pt_ent(va, l) && pt_reach(va, l); */
			pte_set(e, pa | pte_cbit | PTE_P | PTE_RW);
			/*@ assert PT_LINK(*e); */
			/*@ assert pt_reach(va, l) && e == pt_ent(va, l); */
		} else if ((*e & PTE_PS) != 0) {
			return NULL;
		}
		/*@ assert pt_reach(va, l) && e == pt_ent(va, l) && PT_LINK(*e); */
		table = table_at(pte_addr(*e));
		/*@ assert pt_reach(va, l - 1) && table == pt_tbl(va, l - 1); */
	}
	return &table[pt_index(va, level)];
}

/*
 * The entry for `va` at level 1 (its PDE) if `pde`, else at level 0 (its
 * PTE), if the walk reaches it, else NULL. No level to check: every
 * lookup is verified against walk()'s precondition here.
 */
/*@ terminates \true;
    assigns kernel_pml4[0 .. 511], fc_pt_mem[0 .. FC_PT_PAGES * 512 - 1];
    ensures pt_no_new{Pre, Post};
    ensures \result != \null ==>
      pt_reach(va, pde ? 1 : 0) && \result == pt_ent(va, pde ? 1 : 0) &&
      \valid(\result);
    ensures pt_reach(va, pde ? 1 : 0) ==> \result != \null;
 */
static uint64_t *lookup(uint64_t va, bool pde)
{
	return walk(va, pde ? 1 : 0, false);
}

/* Clear an entry: the walks through it stop there, no mapping is added. */
/*@ requires \valid(e);
    terminates \true;
    assigns *e;
    ensures *e == 0;
    ensures pt_write{Pre, Post}(e);
    ensures pt_no_new{Pre, Post};
 */
static void pte_clear(uint64_t *e)
{
	*e = 0;
	/*@ assert pt_write{Pre, Here}(e); */
}

/* Unmap the 4 KiB page at `va` if there is one. */
/*@ requires pt_cbit_ok;
    terminates \true;
    assigns kernel_pml4[0 .. 511], fc_pt_mem[0 .. FC_PT_PAGES * 512 - 1];
    ensures pt_no_new{Pre, Post};
    ensures pt_unmapped(va, 1);
 */
static void unmap_page(uint64_t va)
{
	uint64_t *pte = lookup(va, false);

	if (pte != NULL) {
		pte_clear(pte);
		invlpg((void *)va);
	}
	/*@ assert !pt_mapped(va); */
}

/* Unmap `pages` pages from page-aligned `va` (counted: no end to wrap). */
/*@ requires pt_cbit_ok;
    requires pages == 0 || va + (pages - 1) * 4096 <= UINT64_MAX;
    terminates \true;
    assigns kernel_pml4[0 .. 511], fc_pt_mem[0 .. FC_PT_PAGES * 512 - 1];
    ensures pt_no_new{Pre, Post};
    ensures pt_unmapped(va, pages);
 */
static void unmap_locked(uint64_t va, uint64_t pages)
{
	uint64_t i;

	/*@ loop invariant 0 <= i <= pages;
	    loop invariant pt_no_new{Pre, Here};
	    loop invariant pt_unmapped(va, i);
	    loop assigns i, kernel_pml4[0 .. 511],
	                 fc_pt_mem[0 .. FC_PT_PAGES * 512 - 1];
	    loop variant pages - i;
	 */
	for (i = 0; i < pages; i++) {
		unmap_page(va + i * 4096);
		/*@ assert pt_unmapped(va, i); */
		/*@ assert pt_unmapped(va, i + 1); */
	}
}

/*
 * Map the 4 KiB page at `va` to `pa` with the leaf bits `bits`, unless a
 * table could not be allocated or something is mapped there: the leaf
 * written was not present, so every mapping is kept.
 */
/*@ requires pt_cbit_ok && PT_PRESENT(bits);
    terminates \true;
    assigns kernel_pml4[0 .. 511], fc_pt_mem[0 .. FC_PT_PAGES * 512 - 1];
    ensures pt_kept{Pre, Post};
    ensures \result ==> pt_maps(va, pa, 1, bits);
 */
static bool map_page(uint64_t va, uint64_t pa, uint64_t bits)
{
	uint64_t *pte = walk(va, 0, true);

	if (pte == NULL || (*pte & PTE_P) != 0) {
		return false;
	}
	pte_set(pte, pa | bits);
	/*@ assert pt_mapped(va) && pt_leaf(va) == (pa | bits); */
	/*@ assert pt_leaf(va) == pt_entry(pa, bits); */
	return true;
}

/*
 * Map [va, va + len) to [pa, pa + len) with 4 KiB pages; on failure the
 * pages mapped so far are unmapped.
 */
/*@ requires pt_cbit_ok;
    requires len % 4096 == 0;
    requires va + len <= UINT64_MAX && pa + len <= UINT64_MAX;
    requires PT_PRESENT(flags);
    terminates \true;
    assigns kernel_pml4[0 .. 511], fc_pt_mem[0 .. FC_PT_PAGES * 512 - 1];
    ensures \result ==> pt_maps(va, pa, len / 4096, PT_BITS(flags));
    ensures \result ==> pt_kept{Pre, Post};
 */
static bool map_locked(uint64_t va, uint64_t pa, size_t len, uint64_t flags)
{
	uint64_t bits = pte_bits(flags);
	uint64_t pages = len / 4096;
	uint64_t i;

	/*@ assert PT_PRESENT(bits); */
	/*@ loop invariant 0 <= i <= pages;
	    loop invariant pt_kept{Pre, Here};
	    loop invariant pt_maps(va, pa, i, bits);
	    loop assigns i, kernel_pml4[0 .. 511],
	                 fc_pt_mem[0 .. FC_PT_PAGES * 512 - 1];
	    loop variant pages - i;
	 */
	for (i = 0; i < pages; i++) {
		if (!map_page(va + i * 4096, pa + i * 4096, bits)) {
			unmap_locked(va, i);
			return false;
		}
		/*@ assert pt_maps(va, pa, i, bits); */
		/*@ assert pt_maps(va, pa, i + 1, bits); */
	}
	return true;
}

/*
 * The lock of the tables, taken only here: make verify-pt proves the lock
 * contracts' preconditions at these two calls.
 */
/*@ terminates \true;
    assigns paging_lock;
 */
static void tables_lock(void)
{
	spin_lock(&paging_lock);
}

/*@ terminates \true;
    assigns paging_lock;
 */
static void tables_unlock(void)
{
	spin_unlock(&paging_lock);
}

/*
 * [va, va + len) lies in one canonical half of the address space: the walk
 * uses bits 12-47 only, so a non-canonical page would alias a canonical one.
 */
/*@ requires va + len <= UINT64_MAX;
    terminates \true;
    assigns \nothing;
    ensures \result <==> va + len <= VA_LOW_END || va >= VA_HIGH_START;
 */
static bool range_canonical(uint64_t va, size_t len)
{
	return va + len <= VA_LOW_END || va >= VA_HIGH_START;
}

/*
 * [pa, pa + len) fits the address field of an entry below the C-bit: an
 * address bit beyond it would become a flag (NX) or the C-bit of the entry.
 */
/*@ terminates \true;
    assigns \nothing;
    ensures \result <==> pa < pt_pa_limit && pa + len <= pt_pa_limit;
 */
static bool range_physical(uint64_t pa, size_t len)
{
	uint64_t limit = pte_cbit != 0 ? pte_cbit : PTE_ADDR_MASK + 1;

	return pa < limit && len <= limit - pa;
}

/** Map a page-aligned range with 4 KiB pages (see paging.h). */
/*@ requires pt_cbit_ok;
    terminates \true;
    assigns paging_lock, kernel_pml4[0 .. 511],
            fc_pt_mem[0 .. FC_PT_PAGES * 512 - 1];
    ensures \result ==>
      va % 4096 == 0 && pa % 4096 == 0 && len % 4096 == 0 &&
      (va + len <= VA_LOW_END || va >= VA_HIGH_START) &&
      pa + len <= pt_pa_limit && (flags & PTE_ADDR_MASK) == 0 &&
      PT_PRESENT(flags);
    ensures \result ==> pt_maps(va, pa, len / 4096, PT_BITS(flags));
    ensures \result ==> pt_kept{Pre, Post};
 */
bool paging_map(uint64_t va, uint64_t pa, size_t len, uint64_t flags)
{
	bool ok;

	if (va % 4096 != 0 || pa % 4096 != 0 || len % 4096 != 0 ||
	    len > UINT64_MAX - va || !range_canonical(va, len) ||
	    !range_physical(pa, len) || (flags & PTE_ADDR_MASK) != 0 ||
	    (flags & PTE_P) == 0) {
		return false;
	}
	tables_lock();
	ok = map_locked(va, pa, len, flags);
	tables_unlock();
	return ok;
}

/** Unmap a range and flush it from this CPU's TLB. */
/*@ requires pt_cbit_ok;
    terminates \true;
    assigns paging_lock, kernel_pml4[0 .. 511],
            fc_pt_mem[0 .. FC_PT_PAGES * 512 - 1];
    ensures pt_no_new{Pre, Post};
    ensures len != 0 ==> \forall uint64_t v; v % 4096 == 0 &&
      va < v + 4096 && v < va + len ==> !pt_mapped(v);
 */
void paging_unmap(uint64_t va, size_t len)
{
	uint64_t start = va - va % 4096;
	uint64_t last; /* the last byte, clamped to the address space */

	if (len == 0) {
		return;
	}
	last = len - 1 > UINT64_MAX - va ? UINT64_MAX : va + (len - 1);
	tables_lock();
	unmap_locked(start, (last - last % 4096 - start) / 4096 + 1);
	/*@ assert start % 4096 == 0 && start <= va < start + 4096; */
	/*@ assert (last - last % 4096 - start) % 4096 == 0; */
	/*@ assert pt_unmapped(start,
	             (last - last % 4096 - start) / 4096 + 1); */
	/*@ assert pt_unmapped_aligned(start, last - last % 4096 + 4096); */
	/*@ assert last == UINT64_MAX || last == va + len - 1; */
	tables_unlock();
}

/** Walk the tables for `va`: false if it is not mapped. */
bool paging_translate(uint64_t va, uint64_t *pa, uint64_t *flags)
{
	uint64_t *table = kernel_pml4;
	bool found = false;
	int l;

	tables_lock();
	for (l = 3; l >= 0; l--) {
		uint64_t e = table[(va >> (12 + 9 * l)) & 0x1ff];
		uint64_t page_mask = (1UL << (12 + 9 * l)) - 1;

		if ((e & PTE_P) == 0) {
			break;
		}
		if (l == 0 || (e & PTE_PS) != 0) {
			*pa = (pte_addr(e) & ~page_mask) | (va & page_mask);
			*flags = e;
			found = true;
			break;
		}
		table = table_at(pte_addr(e));
	}
	tables_unlock();
	return found;
}

/** Map a piece of the image, [start, end), at its link address. */
/*@ requires pt_cbit_ok && PT_PRESENT(flags);
    requires KERNEL_VIRT_BASE <= start <= end && (end - start) % 4096 == 0;
    terminates \true;
    assigns kernel_pml4[0 .. 511], fc_pt_mem[0 .. FC_PT_PAGES * 512 - 1];
    ensures \result ==> pt_maps(start, start - KERNEL_VIRT_BASE,
                                (end - start) / 4096, PT_BITS(flags));
    ensures \result ==> pt_kept{Pre, Post};
 */
static bool map_image(uint64_t start, uint64_t end, uint64_t flags)
{
	return map_locked(start, start - KERNEL_VIRT_BASE, end - start, flags);
}

/** The direct map [0, top) in 2 MiB pages. */
/*@ requires pt_cbit_ok && top <= PHYSMAP_MAX;
    terminates \true;
    assigns kernel_pml4[0 .. 511], fc_pt_mem[0 .. FC_PT_PAGES * 512 - 1];
 */
static bool map_physmap(uint64_t top)
{
	uint64_t pa;

	/*@ loop invariant 0 <= pa <= PHYSMAP_MAX + LARGE_2M;
	    loop assigns pa, kernel_pml4[0 .. 511],
	                 fc_pt_mem[0 .. FC_PT_PAGES * 512 - 1];
	    loop variant top - pa;
	 */
	for (pa = 0; pa < top; pa += LARGE_2M) {
		uint64_t *pde = walk(PHYSMAP_BASE + pa, 1, true);

		if (pde == NULL) {
			return false;
		}
		*pde = pa | pte_cbit | PTE_P | PTE_RW | PTE_NX | PTE_PS;
	}
	return true;
}

/** Build the kernel's tables and switch this CPU to them. */
bool paging_init(uint64_t phys_top)
{
	uint64_t top = (phys_top + LARGE_2M - 1) & ~(LARGE_2M - 1);
	const char *stack_guard_end = boot_stack_guard + 4096;

	if (top > PHYSMAP_MAX) {
		top = PHYSMAP_MAX;
	}
	if (!map_image((uint64_t)__text_start, (uint64_t)__text_end,
		       PAGE_KERNEL_RX) ||
	    !map_image((uint64_t)__rodata_start, (uint64_t)__rodata_end,
		       PAGE_KERNEL_RO) ||
	    !map_image((uint64_t)__data_start, (uint64_t)boot_stack_guard,
		       PAGE_KERNEL_RW) ||
	    !map_image((uint64_t)stack_guard_end, (uint64_t)__kernel_end,
		       PAGE_KERNEL_RW) ||
	    !map_physmap(top)) {
		return false;
	}
	/* Enforce read-only pages in supervisor mode as well. */
	write_cr0(read_cr0() | CR0_WP);
	write_cr3(virt_to_phys(kernel_pml4));
	physmap_top = top;
	physmap_active = true;
	return true;
}

/* Split the 2 MiB direct-map page `pde` into 4 KiB pages (same bits). */
/*@ requires \valid(pde) && pt_cbit_ok;
    requires pt_in_tables(pde);
    terminates \true;
    assigns kernel_pml4[0 .. 511], fc_pt_mem[0 .. FC_PT_PAGES * 512 - 1];
 */
static bool split_2m(uint64_t *pde)
{
	uint64_t pa = table_alloc();
	uint64_t *pt;
	uint64_t base = pte_addr(*pde) & ~(LARGE_2M - 1);
	uint64_t bits = (*pde & ~PTE_ADDR_MASK & ~PTE_PS) | (*pde & pte_cbit);
	unsigned int i;

	if (pa == 0) {
		return false;
	}
	/*@ assert base <= PTE_ADDR_MASK; */
	pt = table_at(pa);
	/*@ loop invariant 0 <= i <= PT_ENTRIES;
	    loop assigns i, kernel_pml4[0 .. 511],
	                 fc_pt_mem[0 .. FC_PT_PAGES * 512 - 1];
	    loop variant PT_ENTRIES - i;
	 */
	for (i = 0; i < PT_ENTRIES; i++) {
		pt[i] = (base + i * 4096UL) | bits;
	}
	*pde = pa | pte_cbit | PTE_P | PTE_RW;
	return true;
}

/**
 * Map the page at kernel address `va` (image or direct map) shared (no
 * C-bit) or private again, splitting a 2 MiB direct-map page if needed,
 * and flush it from this CPU's TLB. False if it is not mapped or a table
 * could not be allocated.
 */
bool paging_set_shared(const void *va, bool shared)
{
	uint64_t v = (uint64_t)va & ~0xfffUL;
	uint64_t *e;
	bool ok = false;

	if (pte_cbit == 0) {
		return true; /* native: nothing is encrypted */
	}
	tables_lock();
	e = lookup(v, false);
	if (e == NULL) {
		uint64_t *pde = lookup(v, true);

		if (pde != NULL && (*pde & PTE_PS) != 0 && split_2m(pde)) {
			e = lookup(v, false);
		}
	}
	if (e != NULL && (*e & PTE_P) != 0) {
		*e = shared ? (*e & ~pte_cbit) : (*e | pte_cbit);
		invlpg((const void *)v);
		ok = true;
	}
	tables_unlock();
	return ok;
}
