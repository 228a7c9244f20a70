/* SPDX-License-Identifier: MIT */
/*
 * One nested page table per VMPL, derived from the RMP: a page is mapped
 * for a VMPL exactly as far as the RMP lets that VMPL touch it through a
 * private mapping. Pages the guest made shared are mapped read-write for
 * every VMPL; pages nobody touched yet are absent (their first access
 * decides, as under KVM: run.c); a page that is assigned but not
 * validated, and a VMSA page for VMPL1-3, is absent (its NPF becomes #VC
 * 0x404 or an RMP violation); read-only and no-execute follow the VMPL's
 * permissions.
 * Every change bumps a generation; each vCPU flushes its whole TLB on its
 * next VMRUN when the generation moved (TCG has no ASID flush).
 */
#include <string.h>

#include "vm_internal.h"

#define PTE_P (1ULL << 0)
#define PTE_W (1ULL << 1)
#define PTE_U (1ULL << 2) /* nested walks are user accesses */
#define PTE_A (1ULL << 5)
#define PTE_D (1ULL << 6)
#define PTE_NX (1ULL << 63)
#define TABLE (PTE_P | PTE_W | PTE_U | PTE_A)

static uint64_t pte_of(const struct rmp_entry *e, unsigned vmpl, uint64_t pa)
{
	uint8_t p;
	uint64_t f = pa | PTE_P | PTE_U | PTE_A | PTE_D;

	if (!e->assigned) {
		return e->guest_shared ? f | PTE_W : 0;
	}
	if ((e->vmsa && vmpl != 0) || !e->validated) {
		return 0;
	}
	p = e->perms[vmpl];
	if ((p & RMP_PERM_READ) == 0) {
		return 0;
	}
	if ((p & RMP_PERM_WRITE) != 0) {
		f |= PTE_W;
	}
	if ((p & (RMP_PERM_UEXEC | RMP_PERM_SEXEC)) == 0) {
		f |= PTE_NX;
	}
	return f;
}

/* The table entry at `idx` of `table`, allocating the next level. */
static uint64_t *next_level(uint64_t *table, unsigned idx)
{
	uint64_t *t;

	if ((table[idx] & PTE_P) != 0) {
		return (uint64_t *)(table[idx] & 0x000FFFFFFFFFF000ULL);
	}
	t = vm_alloc_pages(0);
	if (t != NULL) {
		table[idx] = (uint64_t)t | TABLE;
	}
	return t;
}

/** Build the tables of every VMPL for all of guest RAM (all absent). */
bool npt_init(struct emu_vm *v)
{
	uint64_t chunks = v->m.mem_size >> 21;
	uint64_t c;
	unsigned vmpl;

	for (vmpl = 0; vmpl < SNP_VMPL_COUNT; vmpl++) {
		v->npt_root[vmpl] = vm_alloc_pages(0);
		v->npt_pt[vmpl] = vm_alloc_pages(
			chunks * sizeof(uint64_t *) > 4096 ? 1 : 0);
		if (v->npt_root[vmpl] == NULL || v->npt_pt[vmpl] == NULL ||
		    chunks * sizeof(uint64_t *) > 8192) {
			return false;
		}
		for (c = 0; c < chunks; c++) {
			uint64_t gpa = c << 21;
			uint64_t *pdpt, *pd, *pt;

			pdpt = next_level(v->npt_root[vmpl], (gpa >> 39) & 511);
			pd = pdpt != NULL ?
				     next_level(pdpt, (gpa >> 30) & 511) :
				     NULL;
			pt = pd != NULL ? next_level(pd, (gpa >> 21) & 511) :
					  NULL;
			if (pt == NULL) {
				return false;
			}
			v->npt_pt[vmpl][c] = pt;
		}
	}
	return true; /* all absent: vm_create() syncs after the launch */
}

/** Re-derive the NPT entries of [gpa, gpa + len) from the RMP. */
void npt_sync(struct emu_vm *v, uint64_t gpa, uint64_t len)
{
	uint64_t a, end;
	unsigned vmpl;

	if (gpa >= v->m.mem_size) {
		return;
	}
	end = len > v->m.mem_size - gpa ? v->m.mem_size : gpa + len;
	for (a = gpa & ~0xFFFULL; a < end; a += 4096) {
		const struct rmp_entry *e = &v->m.rmp[a >> 12];

		for (vmpl = 0; vmpl < SNP_VMPL_COUNT; vmpl++) {
			__atomic_store_n(
				&v->npt_pt[vmpl][a >> 21][(a >> 12) & 511],
				pte_of(e, vmpl, VM_GUEST_BASE + a),
				__ATOMIC_RELEASE);
		}
	}
	__atomic_add_fetch(&v->npt_gen, 1, __ATOMIC_SEQ_CST);
}
