/* SPDX-License-Identifier: MIT */
/*
 * The machine's RMP: PVALIDATE, RMPADJUST, the hypervisor's RMPUPDATE and
 * page state changes, and the access checks of APM table 15-39.
 *
 * Invariant: the 512 entries of a 2 MiB RMP entry (page_2m) are identical,
 * so the first entry of the range speaks for all of them.
 */
#include <string.h>

#include "machine_internal.h"

#include "svsm/sim.h"

#include "abi/ghcb.h"
#include "abi/snp_rmp.h"

/** True if [gpa, gpa + len) lies inside guest memory (no overflow). */
bool snp_range_ok(const struct snp_machine *m, uint64_t gpa, uint64_t len)
{
	return gpa <= m->mem_size && len <= m->mem_size - gpa;
}

/** The RMP entry of the page holding `gpa` (which must be in memory). */
struct rmp_entry *snp_rmp_at(struct snp_machine *m, uint64_t gpa)
{
	return &m->rmp[gpa / SNP_PAGE_SIZE];
}

/** RMPUPDATE to private: not validated, VMPL0 everything, others nothing. */
void snp_rmp_set_private(struct rmp_entry *e, bool page_2m)
{
	memset(e, 0, sizeof(*e));
	e->assigned = true;
	e->page_2m = page_2m;
	e->perms[0] = RMP_PERM_ALL;
}

/** RMPUPDATE to hypervisor-owned (shared). */
void snp_rmp_set_shared(struct rmp_entry *e)
{
	memset(e, 0, sizeof(*e));
}

static uint64_t size_bytes(unsigned size)
{
	return size == RMP_PG_SIZE_2M ? SNP_2M_SIZE : SNP_PAGE_SIZE;
}

/*
 * Checks common to PVALIDATE and RMPADJUST: operands, range, assignment and
 * page size. Returns 0 or the EAX failure code.
 */
static uint32_t rmp_op_check(const struct snp_machine *m, uint64_t gpa,
			     unsigned size)
{
	const struct rmp_entry *e;

	if (size != RMP_PG_SIZE_4K && size != RMP_PG_SIZE_2M) {
		return PVALIDATE_FAIL_INPUT;
	}
	if ((gpa & (size_bytes(size) - 1)) != 0 ||
	    !snp_range_ok(m, gpa, size_bytes(size))) {
		return PVALIDATE_FAIL_INPUT;
	}
	e = &m->rmp[gpa / SNP_PAGE_SIZE];
	if (!e->assigned) {
		return PVALIDATE_FAIL_INPUT;
	}
	if ((size == RMP_PG_SIZE_2M) != e->page_2m) {
		return PVALIDATE_FAIL_SIZEMISMATCH;
	}
	return 0;
}

static uint64_t op_pages(unsigned size)
{
	return size == RMP_PG_SIZE_2M ? SNP_2M_PAGES : 1;
}

/** PVALIDATE at VMPL0 (see machine.h). */
uint32_t snp_machine_pvalidate(struct snp_machine *m, uint64_t gpa,
			       unsigned size, bool validate, bool *cf)
{
	struct rmp_entry *e;
	uint32_t rc;
	uint64_t i;

	*cf = false;
	rc = rmp_op_check(m, gpa, size);
	if (rc != 0) {
		return rc;
	}
	e = snp_rmp_at(m, gpa);
	if (e->validated == validate) {
		*cf = true;
		return PVALIDATE_SUCCESS;
	}
	for (i = 0; i < op_pages(size); i++) {
		e[i].validated = validate;
		if (validate) {
			memset(e[i].perms, 0, sizeof(e[i].perms));
			e[i].perms[0] = RMP_PERM_ALL;
		}
	}
	return PVALIDATE_SUCCESS;
}

#define RMPADJUST_RSVD                                                         \
	(~(RMPADJUST_VMPL_MASK | RMPADJUST_PERM_MASK | RMPADJUST_VMSA))

/** RMPADJUST at `vmpl` (see machine.h). */
uint32_t snp_machine_rmpadjust(struct snp_machine *m, unsigned vmpl,
			       uint64_t gpa, unsigned size, uint64_t attrs)
{
	unsigned target = (unsigned)(attrs & RMPADJUST_VMPL_MASK);
	uint8_t perms = (uint8_t)((attrs & RMPADJUST_PERM_MASK) >>
				  RMPADJUST_PERM_SHIFT);
	bool vmsa = (attrs & RMPADJUST_VMSA) != 0;
	struct rmp_entry *e;
	uint32_t rc;
	uint64_t i;

	if (vmpl >= SNP_VMPL_COUNT || (attrs & RMPADJUST_RSVD) != 0 ||
	    target >= SNP_VMPL_COUNT) {
		return RMPADJUST_FAIL_INPUT;
	}
	if (vmsa && vmpl == 0 && size == RMP_PG_SIZE_2M) {
		return RMPADJUST_FAIL_INPUT;
	}
	if (target <= vmpl) {
		return RMPADJUST_FAIL_PERMISSION;
	}
	rc = rmp_op_check(m, gpa, size);
	if (rc != 0) {
		return rc;
	}
	e = snp_rmp_at(m, gpa);
	if (!e->validated) {
		return RMPADJUST_FAIL_INPUT;
	}
	if ((perms & ~e->perms[vmpl]) != 0) {
		return RMPADJUST_FAIL_PERMISSION;
	}
	/* A VMSA some CPU has loaded keeps its VMSA bit (hardware's rule). */
	if (vmpl == 0 && !vmsa && e->vmsa && snp_fe_vmsa_in_use(m, gpa)) {
		return RMPADJUST_FAIL_INUSE;
	}
	for (i = 0; i < op_pages(size); i++) {
		e[i].perms[target] = perms;
		if (vmpl == 0) {
			e[i].vmsa = vmsa;
		}
	}
	return RMPADJUST_SUCCESS;
}

/** Hypervisor RMPUPDATE (see machine.h). */
int snp_machine_rmp_update(struct snp_machine *m, uint64_t gpa, bool page_2m,
			   bool assigned)
{
	uint64_t len = page_2m ? SNP_2M_SIZE : SNP_PAGE_SIZE;
	struct rmp_entry *e;
	uint64_t i, n = len / SNP_PAGE_SIZE;

	if ((gpa & (len - 1)) != 0 || !snp_range_ok(m, gpa, len)) {
		return -1;
	}
	e = snp_rmp_at(m, gpa);
	for (i = 0; i < n; i++) {
		if (e[i].vmsa) {
			return -1;
		}
	}
	/* A 4 KiB update inside a 2 MiB entry smashes it first. */
	if (!page_2m && e->page_2m) {
		struct rmp_entry *head = snp_rmp_at(m, gpa & ~SNP_2M_MASK);

		for (i = 0; i < SNP_2M_PAGES; i++) {
			head[i].page_2m = false;
		}
	}
	for (i = 0; i < n; i++) {
		if (assigned) {
			snp_rmp_set_private(&e[i], page_2m);
		} else {
			snp_rmp_set_shared(&e[i]);
		}
	}
	return 0;
}

static int psc_private(struct snp_machine *m, uint64_t gpa, bool is_2m)
{
	struct rmp_entry *e = snp_rmp_at(m, gpa);
	bool all_shared = true;
	uint64_t i;

	if (!is_2m) {
		/* Already private: a well-behaved hypervisor leaves it alone. */
		return e->assigned ?
			       0 :
			       snp_machine_rmp_update(m, gpa, false, true);
	}
	for (i = 0; i < SNP_2M_PAGES; i++) {
		all_shared = all_shared && !e[i].assigned;
	}
	if (all_shared) {
		return snp_machine_rmp_update(m, gpa, true, true);
	}
	for (i = 0; i < SNP_2M_PAGES; i++) {
		if (!e[i].assigned) {
			snp_rmp_set_private(&e[i], false);
		}
	}
	return 0;
}

static int psc_psmash(struct snp_machine *m, uint64_t gpa)
{
	struct rmp_entry *e = snp_rmp_at(m, gpa);
	uint64_t i;

	if (!e->page_2m) {
		return -1;
	}
	for (i = 0; i < SNP_2M_PAGES; i++) {
		e[i].page_2m = false;
	}
	return 0;
}

/* UNSMASH is an RMPUPDATE to a 2 MiB entry: validation is lost. */
static int psc_unsmash(struct snp_machine *m, uint64_t gpa)
{
	struct rmp_entry *e = snp_rmp_at(m, gpa);
	uint64_t i;

	if (e->page_2m) {
		return 0;
	}
	for (i = 0; i < SNP_2M_PAGES; i++) {
		if (!e[i].assigned || e[i].vmsa) {
			return -1;
		}
	}
	return snp_machine_rmp_update(m, gpa, true, true);
}

/**
 * One page state change the hypervisor performs for the guest: `op` is a
 * PSC_OP_* value. Returns 0 or -1 (nothing changed).
 */
int snp_rmp_psc(struct snp_machine *m, uint64_t gpa, unsigned op, bool is_2m)
{
	uint64_t len = is_2m ? SNP_2M_SIZE : SNP_PAGE_SIZE;

	if (op == PSC_OP_PSMASH || op == PSC_OP_UNSMASH) {
		is_2m = true;
		len = SNP_2M_SIZE;
	}
	if ((gpa & (len - 1)) != 0 || !snp_range_ok(m, gpa, len)) {
		return -1;
	}
	switch (op) {
	case PSC_OP_PRIVATE:
		return psc_private(m, gpa, is_2m);
	case PSC_OP_SHARED: {
		uint64_t i;

		if (snp_machine_rmp_update(m, gpa, is_2m, false) != 0) {
			return -1;
		}
		for (i = 0; i < len / SNP_PAGE_SIZE; i++) {
			snp_rmp_at(m, gpa + i * SNP_PAGE_SIZE)->guest_shared =
				true;
		}
		return 0;
	}
	case PSC_OP_PSMASH:
		return psc_psmash(m, gpa);
	case PSC_OP_UNSMASH:
		return psc_unsmash(m, gpa);
	default:
		return -1;
	}
}

/**
 * Access check of one byte (see `snp_machine_access()`); `shared_ok` models
 * a shared (C-bit clear) mapping, through which unassigned pages are
 * accessible.
 */
int snp_access_check(const struct snp_machine *m, unsigned vmpl, uint64_t gpa,
		     bool write, bool shared_ok)
{
	const struct rmp_entry *e;
	uint8_t need = write ? (RMP_PERM_READ | RMP_PERM_WRITE) : RMP_PERM_READ;

	if (vmpl >= SNP_VMPL_COUNT || gpa >= m->mem_size) {
		return SVSM_SIM_FAULT_OUT_OF_RANGE;
	}
	e = &m->rmp[gpa / SNP_PAGE_SIZE];
	if (!e->assigned) {
		return shared_ok ? SVSM_SIM_FAULT_NONE :
				   SVSM_SIM_FAULT_NOT_ASSIGNED;
	}
	if (e->vmsa && vmpl != 0) {
		return SVSM_SIM_FAULT_VMSA;
	}
	if (!e->validated) {
		return SVSM_SIM_FAULT_NOT_VALIDATED;
	}
	if ((e->perms[vmpl] & need) != need) {
		return SVSM_SIM_FAULT_PERMISSION;
	}
	return SVSM_SIM_FAULT_NONE;
}

/** Access check through a private mapping (see machine.h). */
int snp_machine_access(const struct snp_machine *m, unsigned vmpl, uint64_t gpa,
		       bool write)
{
	return snp_access_check(m, vmpl, gpa, write, false);
}

/** The RMP entry of `gpa`, or NULL outside memory. */
const struct rmp_entry *snp_machine_rmp(const struct snp_machine *m,
					uint64_t gpa)
{
	if (gpa >= m->mem_size) {
		return NULL;
	}
	return &m->rmp[gpa / SNP_PAGE_SIZE];
}
