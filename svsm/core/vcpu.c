/* SPDX-License-Identifier: MIT */
/*
 * The vCPU registry and the ownership checks (see vcpu.h).
 */
#include <string.h>

#include "svsm/cpu.h"
#include "svsm/log.h"
#include "svsm/mm.h"
#include "svsm/physmap.h"
#include "svsm/vcpu.h"

struct spinlock core_lock = SPINLOCK_INIT;
struct svsm_state svsm;

/* Guest VMSAs per vCPU: the current one and one being replaced. */
#define VMSA_SLOTS_PER_CPU 2U

/** Allocate the per-vCPU array and the VMSA slots; false: nothing kept. */
bool vcpu_registry_init(uint32_t cpu_count)
{
	struct svsm_cpu *cpus;
	struct guest_vmsa *vmsas;
	uint32_t i;

	cpus = kcalloc(cpu_count, sizeof(*cpus));
	if (cpus == NULL) {
		return false;
	}
	vmsas = kcalloc((size_t)cpu_count * VMSA_SLOTS_PER_CPU, sizeof(*vmsas));
	if (vmsas == NULL) {
		kfree(cpus);
		return false;
	}
	for (i = 0; i < cpu_count; i++) {
		cpus[i].apic_id = i;
	}
	svsm.cpus = cpus;
	svsm.cpu_count = cpu_count;
	svsm.vmsas = vmsas;
	svsm.vmsa_slots = (size_t)cpu_count * VMSA_SLOTS_PER_CPU;
	return true;
}

/** The state of the vCPU with `apic_id`, or NULL. */
struct svsm_cpu *vcpu_by_apic_id(uint32_t apic_id)
{
	if (svsm.cpus == NULL || apic_id >= svsm.cpu_count) {
		return NULL;
	}
	return &svsm.cpus[apic_id];
}

/** The calling vCPU's state. */
struct svsm_cpu *vcpu_current(void)
{
	return vcpu_by_apic_id(cpu_apic_id());
}

/** The registered VMSA whose page is `gpa`, or NULL. */
struct guest_vmsa *vcpu_find_vmsa(uint64_t gpa)
{
	size_t i;

	for (i = 0; i < svsm.vmsa_slots; i++) {
		if (svsm.vmsas[i].used && svsm.vmsas[i].vmsa_gpa == gpa) {
			return &svsm.vmsas[i];
		}
	}
	return NULL;
}

/** A free VMSA slot, or NULL. */
struct guest_vmsa *vcpu_free_slot(void)
{
	size_t i;

	for (i = 0; i < svsm.vmsa_slots; i++) {
		if (!svsm.vmsas[i].used) {
			return &svsm.vmsas[i];
		}
	}
	return NULL;
}

/*
 * [a, a + alen) and [b, b + blen) overlap. No overflow: callers pass ranges
 * inside guest memory (`svsm_owns_range()` checks it first).
 */
static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* The pool node kept in the first bytes of a deposited (private) range. */
static struct deposit_node *deposit_node(uint64_t gpa)
{
	struct deposit_node *node = physmap_va(gpa, sizeof(*node));

	CHECK(node != NULL);
	return node;
}

/*
 * The deposit map: one bit per 4 KiB page of guest memory, set while the
 * page is in the pool. Ownership checks run under `core_lock` for every
 * PVALIDATE entry; with the map they cost a few word tests instead of a
 * walk of the whole pool (issue 11: 3 s for 510 entries with 100k pages).
 */
#define MAP_BITS 64U

/** Allocate the deposit map for `mem_size` bytes of guest memory. */
bool deposit_init(uint64_t mem_size)
{
	uint64_t pages = mem_size / PAGE_SIZE;
	uint64_t words = (pages + MAP_BITS - 1) / MAP_BITS;

	svsm.deposit_head = DEPOSIT_NONE;
	svsm.deposit_pages = 0;
	svsm.deposit_map = kcalloc(words ? words : 1, sizeof(uint64_t));
	svsm.deposit_map_pages = svsm.deposit_map != NULL ? pages : 0;
	return svsm.deposit_map != NULL;
}

/** True if the pool can take pages (see vcpu.h). */
bool deposit_ready(void)
{
	return svsm.deposit_map != NULL;
}

/* Set or clear the bits of pages [pfn, pfn + n) (inside the map). */
static void map_update(uint64_t pfn, uint64_t n, bool set)
{
	uint64_t i;

	CHECK(svsm.deposit_map != NULL && pfn <= svsm.deposit_map_pages &&
	      n <= svsm.deposit_map_pages - pfn);
	for (i = pfn; i < pfn + n; i++) {
		uint64_t bit = 1ULL << (i % MAP_BITS);

		if (set) {
			svsm.deposit_map[i / MAP_BITS] |= bit;
		} else {
			svsm.deposit_map[i / MAP_BITS] &= ~bit;
		}
	}
}

/** True if a deposited page range overlaps [gpa, gpa + len). */
bool svsm_is_deposited(uint64_t gpa, uint64_t len)
{
	uint64_t pfn, end;

	if (len == 0 || svsm.deposit_map == NULL ||
	    gpa / PAGE_SIZE >= svsm.deposit_map_pages) {
		return false;
	}
	pfn = gpa / PAGE_SIZE;
	end = len - 1 > UINT64_MAX - gpa ? svsm.deposit_map_pages :
					   (gpa + len - 1) / PAGE_SIZE + 1;
	if (end > svsm.deposit_map_pages) {
		end = svsm.deposit_map_pages;
	}
	while (pfn < end) {
		uint64_t shift = pfn % MAP_BITS, n = MAP_BITS - shift;
		uint64_t w = svsm.deposit_map[pfn / MAP_BITS] >> shift;

		if (n > end - pfn) {
			n = end - pfn;
			w &= (1ULL << n) - 1;
		}
		if (w != 0) {
			return true;
		}
		pfn += n;
	}
	return false;
}

/** Add the private range [gpa, gpa + bytes) to the deposit pool. */
void deposit_push(uint64_t gpa, uint64_t bytes)
{
	struct deposit_node *node = deposit_node(gpa);

	map_update(gpa / PAGE_SIZE, bytes / PAGE_SIZE, true);
	node->next = svsm.deposit_head;
	node->bytes = bytes;
	svsm.deposit_head = gpa;
	svsm.deposit_pages += bytes / PAGE_SIZE;
}

/** Remove the first range of the pool; false if the pool is empty. */
bool deposit_pop(uint64_t *gpa, uint64_t *bytes)
{
	struct deposit_node *node;

	if (svsm.deposit_head == DEPOSIT_NONE) {
		return false;
	}
	node = deposit_node(svsm.deposit_head);
	*gpa = svsm.deposit_head;
	*bytes = node->bytes;
	svsm.deposit_head = node->next;
	svsm.deposit_pages -= node->bytes / PAGE_SIZE;
	map_update(*gpa / PAGE_SIZE, node->bytes / PAGE_SIZE, false);
	memset(node, 0, sizeof(*node));
	return true;
}

/** Size of the first range of the pool (0 if empty). */
uint64_t deposit_peek(void)
{
	if (svsm.deposit_head == DEPOSIT_NONE) {
		return 0;
	}
	return deposit_node(svsm.deposit_head)->bytes;
}

/**
 * True if [gpa, gpa + len) touches memory the SVSM owns, or is not inside
 * guest memory at all (so that callers may check ownership before range:
 * `overlaps()` needs ranges that cannot wrap).
 */
bool svsm_owns_range(uint64_t gpa, uint64_t len, uint64_t except_ca)
{
	size_t i;

	if (!physmap_contains(gpa, len)) {
		return true;
	}
	if (overlaps(gpa, len, svsm.svsm_base, svsm.svsm_size)) {
		return true;
	}
	for (i = 0; i < svsm.vmsa_slots; i++) {
		const struct guest_vmsa *v = &svsm.vmsas[i];

		if (!v->used) {
			continue;
		}
		if (overlaps(gpa, len, v->vmsa_gpa, PAGE_SIZE)) {
			return true;
		}
		if ((except_ca == NO_CA || v->ca_gpa != except_ca) &&
		    overlaps(gpa, len, v->ca_gpa, PAGE_SIZE)) {
			return true;
		}
	}
	return svsm_is_deposited(gpa, len);
}
