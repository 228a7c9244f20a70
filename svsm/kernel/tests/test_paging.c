/* SPDX-License-Identifier: MIT */
/*
 * In-kernel tests of the page tables: section permissions of the image,
 * the non-executable direct map, map/translate/unmap, guard pages.
 */
#include <stdint.h>
#include <string.h>

#include <kernel/ktest.h>
#include <x86/layout.h>
#include <x86/paging.h>
#include <x86/stack.h>
#include <svsm/cpu.h>
#include <svsm/mm.h>

#define TEST_VA (MMIO_BASE + (64UL << 20))

extern const char __rodata_start[];
static uint64_t data_word = 1;
static const uint64_t rodata_word = 2;

KTEST(paging_image_permissions)
{
	uint64_t pa;
	uint64_t flags;

	/* Text: present, read-only, executable. */
	KTEST_CHECK(paging_translate(
		(uint64_t)&ktest_desc_paging_image_permissions.fn, &pa,
		&flags));
	KTEST_CHECK(paging_translate(
		(uint64_t)ktest_fn_paging_image_permissions, &pa, &flags));
	KTEST_CHECK((flags & PTE_RW) == 0 && (flags & PTE_NX) == 0);
	/* Read-only data: not writable, not executable. */
	KTEST_CHECK(paging_translate((uint64_t)&rodata_word, &pa, &flags));
	KTEST_CHECK((flags & PTE_RW) == 0 && (flags & PTE_NX) != 0);
	/* Data: writable, not executable. */
	KTEST_CHECK(paging_translate((uint64_t)&data_word, &pa, &flags));
	KTEST_CHECK((flags & PTE_RW) != 0 && (flags & PTE_NX) != 0);
	KTEST_CHECK(pa == (uint64_t)&data_word - KERNEL_VIRT_BASE);
	return true;
}

KTEST(paging_text_not_writable)
{
	uint8_t byte = 0xcc;

	/* A write to text faults; the trapped copy reports it. */
	KTEST_CHECK(!cpu_copy_to_trapped(
		(void *)ktest_fn_paging_text_not_writable, &byte, 1));
	KTEST_CHECK(!cpu_copy_to_trapped((void *)&rodata_word, &byte, 1));
	KTEST_CHECK(rodata_word == 2);
	return true;
}

KTEST(paging_direct_map_nx)
{
	uint8_t *page = page_alloc(0);
	uint64_t pa;
	uint64_t flags;

	KTEST_CHECK(page != NULL);
	KTEST_CHECK(paging_translate((uint64_t)page, &pa, &flags));
	KTEST_CHECK((flags & PTE_NX) != 0 && (flags & PTE_RW) != 0);
	KTEST_CHECK(pa == virt_to_phys(page));
	KTEST_CHECK(phys_to_virt(pa) == page);
	page_free(page, 0);
	return true;
}

KTEST(paging_map_unmap)
{
	uint8_t *page = page_alloc(0);
	volatile uint64_t *alias = (volatile uint64_t *)TEST_VA;
	uint64_t pa;
	uint64_t flags;
	uint64_t v = 0;

	KTEST_CHECK(page != NULL);
	KTEST_CHECK(!paging_translate(TEST_VA, &pa, &flags));
	KTEST_CHECK(paging_map(TEST_VA, virt_to_phys(page), PAGE_SIZE,
			       PAGE_KERNEL_RW));
	/* Mapping twice fails and changes nothing. */
	KTEST_CHECK(!paging_map(TEST_VA, virt_to_phys(page), PAGE_SIZE,
				PAGE_KERNEL_RW));
	KTEST_CHECK(!paging_map(TEST_VA + 1, 0, PAGE_SIZE, PAGE_KERNEL_RW));
	KTEST_CHECK(paging_translate(TEST_VA + 8, &pa, &flags));
	KTEST_CHECK(pa == virt_to_phys(page) + 8);
	*alias = 0x1122334455667788UL;
	KTEST_CHECK(*(uint64_t *)page == 0x1122334455667788UL);
	paging_unmap(TEST_VA, PAGE_SIZE);
	KTEST_CHECK(!paging_translate(TEST_VA, &pa, &flags));
	KTEST_CHECK(!cpu_copy_from_trapped(&v, (const void *)TEST_VA, 8));
	page_free(page, 0);
	return true;
}

/* Whether `va` is mapped (its translation is not needed). */
static bool va_mapped(uint64_t va)
{
	uint64_t pa;
	uint64_t flags;

	return paging_translate(va, &pa, &flags);
}

/*
 * A range paging_map() cannot install as asked is rejected and maps
 * nothing: a physical address beyond the entry's address field, flags
 * with address bits, a non-canonical range (the walk would map the
 * canonical alias; here TEST_VA itself).
 */
KTEST(paging_map_rejects_inexact)
{
	uint8_t *page = page_alloc(0);

	KTEST_CHECK(page != NULL);
	KTEST_CHECK(!paging_map(TEST_VA, PTE_ADDR_MASK + 1, PAGE_SIZE,
				PAGE_KERNEL_RW));
	KTEST_CHECK(!paging_map(TEST_VA, PTE_ADDR_MASK + 1 - PAGE_SIZE,
				2 * PAGE_SIZE, PAGE_KERNEL_RW));
	KTEST_CHECK(!paging_map(TEST_VA, virt_to_phys(page), PAGE_SIZE,
				PAGE_KERNEL_RW | PAGE_SIZE));
	KTEST_CHECK(!paging_map(TEST_VA ^ (1UL << 50), virt_to_phys(page),
				PAGE_SIZE, PAGE_KERNEL_RW));
	/* Flags without PTE_P would "map" the range but leave it unmapped. */
	KTEST_CHECK(!paging_map(TEST_VA, virt_to_phys(page), PAGE_SIZE,
				PAGE_KERNEL_RW & ~PTE_P));
	KTEST_CHECK(!va_mapped(TEST_VA) && !va_mapped(TEST_VA + PAGE_SIZE));
	page_free(page, 0);
	return true;
}

/* An unaligned range unmaps every page it touches (here two). */
KTEST(paging_unmap_unaligned)
{
	uint8_t *page = page_alloc(1);

	KTEST_CHECK(page != NULL);
	KTEST_CHECK(paging_map(TEST_VA, virt_to_phys(page), 2 * PAGE_SIZE,
			       PAGE_KERNEL_RW));
	paging_unmap(TEST_VA + PAGE_SIZE / 2, PAGE_SIZE);
	KTEST_CHECK(!va_mapped(TEST_VA) && !va_mapped(TEST_VA + PAGE_SIZE));
	page_free(page, 1);
	return true;
}

KTEST(stack_guard_pages)
{
	unsigned int before = kstack_count();
	struct kstack st;
	uint64_t pa;
	uint64_t flags;
	uint8_t b = 0;

	KTEST_CHECK(kstack_alloc(&st));
	KTEST_CHECK(st.top - st.base == KSTACK_SIZE);
	KTEST_CHECK(paging_translate(st.base, &pa, &flags));
	KTEST_CHECK(paging_translate(st.top - 1, &pa, &flags));
	KTEST_CHECK((flags & PTE_NX) != 0);
	/* The page below the stack is a guard: unmapped, access faults. */
	KTEST_CHECK(!paging_translate(st.base - 1, &pa, &flags));
	KTEST_CHECK(!cpu_copy_from_trapped(&b, (const void *)(st.base - 1), 1));
	KTEST_CHECK(cpu_copy_to_trapped((void *)st.base, &b, 1));
	kstack_free(&st);
	KTEST_CHECK(!paging_translate(st.base, &pa, &flags));
	KTEST_CHECK(kstack_count() == before);
	return true;
}
