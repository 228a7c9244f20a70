/* SPDX-License-Identifier: MIT */
/*
 * SVSM_CORE_PVALIDATE (58019 section 7, table 6): a batched list of 4 KiB
 * and 2 MiB entries in guest memory, processed from `next`. The list is
 * copied once into the vCPU's scratch page, then checked and worked on.
 *
 * Validate: PVALIDATE, zero the page (a host that remapped it cannot leak
 * old contents to the guest), then grant RWX to the caller's VMPL.
 * Invalidate: revoke every lower-VMPL permission, flush TLBs, PVALIDATE.
 * On return `next` is the index of the first entry not done: the failing
 * entry on an error, where to resume on INCOMPLETE, `entry_count` on
 * success. The result describes the work done even when `next` could not
 * be written back.
 */
#include <string.h>

#include "svsm/guest.h"
#include "svsm/mm.h"
#include "svsm/physmap.h"
#include "svsm/reboot.h"
#include "svsm/snp.h"
#include "svsm/vcpu.h"
#include "internal.h"
#include "abi/snp_rmp.h"

/** Decode an entry: size, reserved bits, alignment. */
/*@ requires \valid(op);
    terminates \true;
    assigns *op;
    behavior accepted:
	assumes (entry & 0xFF0) == 0;
	assumes (entry & 3) == 0 || ((entry & 3) == 1 && (entry & 0x1FF000) == 0);
	ensures \result == SVSM_SUCCESS;
	ensures op->gpa == (entry & ~(uint64_t)0xFFF);
	ensures (entry & 3) == 0 ==> op->size == CPU_PAGE_4K;
	ensures (entry & 3) == 1 ==> op->size == CPU_PAGE_2M &&
				     (op->gpa & 0x1FFFFF) == 0;
	ensures (op->gpa & 0xFFF) == 0;
	ensures op->validate == ((entry & 4) != 0);
	ensures op->ignore_cf == ((entry & 8) != 0);
    behavior rejected:
	assumes !((entry & 0xFF0) == 0 &&
		  ((entry & 3) == 0 ||
		   ((entry & 3) == 1 && (entry & 0x1FF000) == 0)));
	assigns \nothing;
	ensures \result == SVSM_ERR_INVALID_PARAMETER;
    complete behaviors;
    disjoint behaviors;
 */
enum svsm_result pvalidate_entry_decode(uint64_t entry, struct pval_op *op)
{
	uint64_t gpa;
	enum cpu_page_size size;

	if (!page_entry_decode(entry, SVSM_PVAL_RSVD_MASK, &gpa, &size)) {
		return SVSM_ERR_INVALID_PARAMETER;
	}
	op->gpa = gpa;
	op->size = size;
	op->validate = (entry & SVSM_PVAL_VALIDATE) != 0;
	op->ignore_cf = (entry & SVSM_PVAL_IGNORE_CF) != 0;
	return SVSM_SUCCESS;
}

/* A failing PVALIDATE: EAX 1..0xF -> 0x8000_1000 + EAX, else 0x8000_1011. */
static enum svsm_result pvalidate_error(uint32_t eax)
{
	if (eax > 0xF) {
		return SVSM_ERR_PVALIDATE_FAIL_UNKNOWN;
	}
	return (enum svsm_result)SVSM_ERR_PROTOCOL(eax);
}

static enum svsm_result pvalidate_one(const struct pval_op *op,
				      unsigned int vmpl)
{
	void *va;
	uint32_t eax;
	bool cf = false;

	/*@ split op->size; */ /* make verify: one EVA state per size */
	va = physmap_va(op->gpa, page_bytes(op->size));
	if (va == NULL) {
		return SVSM_ERR_INVALID_ADDRESS; /* guest_range_check() did */
	}
	if (op->validate) {
		eax = cpu_pvalidate(va, op->size, true, &cf);
		if (eax != PVALIDATE_SUCCESS) {
			return pvalidate_error(eax);
		}
		if (cf && !op->ignore_cf) {
			return SVSM_ERR_PVALIDATE_FAIL_UNCHANGED;
		}
		memset(va, 0, page_bytes(op->size));
		/* Validated from here on, granted or not (reboot.h). */
		valmap_note(op->gpa, op->size, true);
		eax = snp_page_grant(va, op->size, vmpl);
		return eax ? pvalidate_error(eax) : SVSM_SUCCESS;
	}
	eax = snp_page_revoke(va, op->size);
	if (eax != RMPADJUST_SUCCESS && eax != RMPADJUST_FAIL_INPUT) {
		/* FAIL_INPUT: not validated; PVALIDATE reports it (CF). */
		return pvalidate_error(eax);
	}
	cpu_flush_tlb_all();
	eax = cpu_pvalidate(va, op->size, false, &cf);
	if (eax != PVALIDATE_SUCCESS) {
		return pvalidate_error(eax);
	}
	valmap_note(op->gpa, op->size, false);
	if (cf && !op->ignore_cf) {
		return SVSM_ERR_PVALIDATE_FAIL_UNCHANGED;
	}
	return SVSM_SUCCESS;
}

/* Process entries [hdr->next, count) of the private copy `entries`. */
static enum svsm_result pvalidate_entries(const struct svsm_caller *caller,
					  uint64_t list_gpa,
					  struct svsm_list_hdr *hdr,
					  const uint64_t *entries)
{
	uint64_t list_page = list_gpa & ~(PAGE_SIZE - 1);
	uint64_t pages = 0;
	enum svsm_result rc;
	struct pval_op op;

	for (; hdr->next < hdr->entry_count; hdr->next++) {
		rc = pvalidate_entry_decode(entries[hdr->next], &op);
		if (rc != SVSM_SUCCESS) {
			return rc;
		}
		rc = guest_range_check(op.gpa, page_bytes(op.size));
		if (rc != SVSM_SUCCESS) {
			return rc;
		}
		/* The list's page must stay usable: `next` is written back. */
		if (list_page >= op.gpa &&
		    list_page < op.gpa + page_bytes(op.size)) {
			return SVSM_ERR_INVALID_ADDRESS;
		}
		if (pages >= PVALIDATE_BUDGET_PAGES ||
		    (pages != 0 && pages + page_bytes(op.size) / PAGE_SIZE >
					   PVALIDATE_BUDGET_PAGES)) {
			return SVSM_ERR_INCOMPLETE;
		}
		rc = pvalidate_one(&op, caller->vmpl);
		if (rc != SVSM_SUCCESS) {
			return rc;
		}
		pages += page_bytes(op.size) / PAGE_SIZE;
	}
	return SVSM_SUCCESS;
}

/**
 * SVSM_CORE_PVALIDATE: RCX = GPA of the list (8-byte aligned). Returns the
 * result of the work done even when `next` cannot be written back (the
 * guest's `next` is then stale; the entries done stay done).
 */
enum svsm_result core_pvalidate(const struct svsm_caller *caller,
				uint64_t list_gpa)
{
	struct svsm_list_hdr hdr;
	uint64_t *entries = (uint64_t *)caller->cpu->scratch;
	uint16_t next;
	enum svsm_result rc;

	rc = guest_buffer_check(list_gpa, sizeof(hdr), sizeof(uint64_t));
	if (rc != SVSM_SUCCESS) {
		return rc;
	}
	if (!guest_copy_from(&hdr, list_gpa, sizeof(hdr))) {
		return SVSM_ERR_INVALID_ADDRESS;
	}
	rc = list_hdr_check(list_gpa, &hdr);
	if (rc != SVSM_SUCCESS) {
		return rc;
	}
	rc = guest_buffer_check(
		list_gpa, sizeof(hdr) + hdr.entry_count * sizeof(uint64_t),
		sizeof(uint64_t));
	if (rc != SVSM_SUCCESS) {
		return rc;
	}
	/* One copy of the entries; the guest's list is not read again. */
	if (!guest_copy_from(entries, list_gpa + sizeof(hdr),
			     hdr.entry_count * sizeof(uint64_t))) {
		return SVSM_ERR_INVALID_ADDRESS;
	}
	rc = pvalidate_entries(caller, list_gpa, &hdr, entries);
	/*
	 * The entries done stay done. If `next` cannot be written (the host
	 * took the list page away during the call), the result still
	 * reports the work done and the guest's `next` is stale.
	 */
	next = hdr.next;
	(void)guest_copy_to(list_gpa + offsetof(struct svsm_list_hdr, next),
			    &next, sizeof(next));
	return rc;
}
