/* SPDX-License-Identifier: MIT */
/*
 * Guarded kernel stacks. The stack area is cut into slots of twice
 * KSTACK_SIZE; in each, the lower half stays unmapped (the guard) and the
 * upper half maps the stack's pages.
 */
#include <stdbool.h>
#include <stdint.h>

#include <x86/asm.h>
#include <x86/layout.h>
#include <x86/paging.h>
#include <x86/stack.h>
#include <svsm/lock.h>
#include <svsm/mm.h>

#define SLOT_SIZE (2UL * KSTACK_SIZE)
#define SLOT_COUNT 1024
#define STACK_ORDER 2 /* 4 pages */

_Static_assert((1UL << STACK_ORDER) == KSTACK_PAGES, "stack order");

static uint64_t slot_used[SLOT_COUNT / 64];
static unsigned int stacks_live;
static struct spinlock stack_lock = SPINLOCK_INIT;

static int slot_get(void)
{
	unsigned int i;
	int slot = -1;

	spin_lock(&stack_lock);
	for (i = 0; i < SLOT_COUNT; i++) {
		if ((slot_used[i / 64] & (1UL << (i % 64))) == 0) {
			slot_used[i / 64] |= 1UL << (i % 64);
			stacks_live++;
			slot = (int)i;
			break;
		}
	}
	spin_unlock(&stack_lock);
	return slot;
}

static void slot_put(unsigned int slot)
{
	spin_lock(&stack_lock);
	slot_used[slot / 64] &= ~(1UL << (slot % 64));
	stacks_live--;
	spin_unlock(&stack_lock);
}

/** Allocate and map a guarded stack; false leaves nothing behind. */
bool kstack_alloc(struct kstack *st)
{
	void *pages;
	uint64_t base;
	int slot;

	slot = slot_get();
	if (slot < 0) {
		return false;
	}
	pages = page_alloc(STACK_ORDER);
	if (pages == NULL) {
		goto out_slot;
	}
	base = STACK_AREA_BASE + (uint64_t)slot * SLOT_SIZE + KSTACK_SIZE;
	if (!paging_map(base, virt_to_phys(pages), KSTACK_SIZE,
			PAGE_KERNEL_RW)) {
		goto out_pages;
	}
	st->base = base;
	st->top = base + KSTACK_SIZE;
	kstack_flush_local(st);
	return true;

out_pages:
	page_free(pages, STACK_ORDER);
out_slot:
	slot_put((unsigned int)slot);
	return false;
}

/** Unmap and free a stack from `kstack_alloc()`. */
void kstack_free(const struct kstack *st)
{
	uint64_t pa;
	uint64_t flags;
	unsigned int slot;

	if (!paging_translate(st->base, &pa, &flags)) {
		return;
	}
	paging_unmap(st->base, KSTACK_SIZE);
	page_free(phys_to_virt(pa), STACK_ORDER);
	slot = (unsigned int)((st->base - STACK_AREA_BASE) / SLOT_SIZE);
	slot_put(slot);
}

/** Drop this CPU's TLB entries for the stack's pages. */
void kstack_flush_local(const struct kstack *st)
{
	uint64_t va;

	for (va = st->base; va < st->top; va += 4096) {
		invlpg((void *)va);
	}
}

/** Stacks currently allocated. */
unsigned int kstack_count(void)
{
	return stacks_live;
}
