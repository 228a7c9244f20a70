/* SPDX-License-Identifier: MIT */
/*
 * SVSM_CORE_DEPOSIT_MEM and SVSM_CORE_WITHDRAW_MEM (58019 section 7,
 * tables 7 and 8). Deposited pages become private to VMPL0 and go to a
 * separate pool (the pool's links live in the pages themselves, so neither
 * call allocates); WITHDRAW_MEM zeroes pages before it hands them back.
 * WITHDRAW_MEM returns 4 KiB pages and its list holds at most 511, so a
 * 2 MiB deposit is split (PSC PSMASH) and pooled as 512 pages.
 * SVSM_MEM_AVAILABLE in the boot vCPU's Calling Area says whether the pool
 * has pages.
 */
#include <string.h>

#include "svsm/guest.h"
#include "svsm/log.h"
#include "svsm/mm.h"
#include "svsm/physmap.h"
#include "svsm/snp.h"
#include "svsm/vcpu.h"
#include "internal.h"
#include "abi/snp_rmp.h"

/** Decode a DEPOSIT_MEM entry: size, reserved bits, alignment. */
enum svsm_result deposit_entry_decode(uint64_t entry, struct deposit_op *op)
{
	uint64_t size = entry & SVSM_DEPOSIT_SIZE_MASK;

	if (size != SVSM_DEPOSIT_SIZE_4K && size != SVSM_DEPOSIT_SIZE_2M) {
		return SVSM_ERR_INVALID_PARAMETER;
	}
	if (entry & SVSM_DEPOSIT_RSVD_MASK) {
		return SVSM_ERR_INVALID_PARAMETER;
	}
	op->gpa = entry & SVSM_DEPOSIT_GFN_MASK;
	op->size = size == SVSM_DEPOSIT_SIZE_2M ? CPU_PAGE_2M : CPU_PAGE_4K;
	if (op->gpa & (page_bytes(op->size) - 1)) {
		return SVSM_ERR_INVALID_PARAMETER;
	}
	return SVSM_SUCCESS;
}

static enum svsm_result deposit_one(const struct svsm_caller *caller,
				    const struct deposit_op *op,
				    uint64_t list_gpa)
{
	uint64_t bytes = page_bytes(op->size);
	uint64_t off;
	void *va;
	uint32_t eax;
	enum svsm_result rc;

	rc = guest_range_check(op->gpa, bytes);
	if (rc != SVSM_SUCCESS) {
		return rc;
	}
	/* The list's own page cannot be deposited while being read. */
	if ((list_gpa & ~(PAGE_SIZE - 1)) >= op->gpa &&
	    (list_gpa & ~(PAGE_SIZE - 1)) < op->gpa + bytes) {
		return SVSM_ERR_INVALID_ADDRESS;
	}
	va = physmap_va(op->gpa, bytes);
	eax = snp_page_revoke(va, op->size);
	if (eax != RMPADJUST_SUCCESS) {
		(void)snp_page_grant(va, op->size, caller->vmpl);
		return eax == RMPADJUST_FAIL_INPUT ?
			       SVSM_ERR_INVALID_ADDRESS :
			       (enum svsm_result)SVSM_ERR_PROTOCOL(eax);
	}
	cpu_flush_tlb_all();
	if (op->size == CPU_PAGE_2M &&
	    !snp_psc_psmash(caller->cpu->ghcb, op->gpa)) {
		(void)snp_page_grant(va, op->size, caller->vmpl);
		return SVSM_ERR_INVALID_REQUEST;
	}
	for (off = 0; off < bytes; off += PAGE_SIZE) {
		deposit_push(op->gpa + off, PAGE_SIZE);
	}
	return SVSM_SUCCESS;
}

/**
 * DEPOSIT_MEM: RCX = GPA of the page list (8-byte aligned). Returns the
 * result of the work done even when `next` cannot be written back (the
 * guest's `next` is then stale; the pages deposited stay deposited).
 */
enum svsm_result core_deposit_mem(const struct svsm_caller *caller,
				  uint64_t list_gpa)
{
	struct svsm_list_hdr hdr;
	uint64_t *entries = (uint64_t *)caller->cpu->scratch;
	struct deposit_op op;
	enum svsm_result rc;
	uint16_t next;

	if (!deposit_ready()) {
		return SVSM_ERR_UNSUPPORTED_CALL;
	}
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
	if (!guest_copy_from(entries, list_gpa + sizeof(hdr),
			     hdr.entry_count * sizeof(uint64_t))) {
		return SVSM_ERR_INVALID_ADDRESS;
	}
	for (rc = SVSM_SUCCESS; hdr.next < hdr.entry_count; hdr.next++) {
		rc = deposit_entry_decode(entries[hdr.next], &op);
		if (rc == SVSM_SUCCESS) {
			rc = deposit_one(caller, &op, list_gpa);
		}
		if (rc != SVSM_SUCCESS) {
			break;
		}
	}
	core_update_mem_available();
	/*
	 * The pages deposited stay deposited. If `next` cannot be written
	 * (the host took the list page away during the call), the result
	 * still reports the work done and the guest's `next` is stale.
	 */
	next = hdr.next;
	(void)guest_copy_to(list_gpa + offsetof(struct svsm_list_hdr, next),
			    &next, sizeof(next));
	return rc;
}

/* Give one pool range back: zero it, grant it, list its 4 KiB pages. */
static enum svsm_result withdraw_one(uint64_t gpa, uint64_t bytes,
				     unsigned int vmpl, uint64_t *gpas)
{
	enum cpu_page_size size =
		bytes == PAGE_SIZE ? CPU_PAGE_4K : CPU_PAGE_2M;
	void *va = physmap_va(gpa, bytes);
	uint64_t i;
	uint32_t eax;

	memset(va, 0, bytes);
	eax = snp_page_grant(va, size, vmpl);
	if (eax != RMPADJUST_SUCCESS) {
		return (enum svsm_result)SVSM_ERR_PROTOCOL(eax);
	}
	for (i = 0; i < bytes / PAGE_SIZE; i++) {
		gpas[i] = gpa + i * PAGE_SIZE;
	}
	return SVSM_SUCCESS;
}

/*
 * Take back the `count` pages at `gpas` that `withdraw_one()` granted but
 * the guest never learnt about: revoke them and return them to the pool.
 * A page that cannot be revoked stays with the guest (it is guest memory
 * again, zeroed), never in the pool.
 */
static void withdraw_undo(const uint64_t *gpas, uint16_t count)
{
	uint16_t i;

	for (i = 0; i < count; i++) {
		void *va = physmap_va(gpas[i], PAGE_SIZE);

		if (snp_page_revoke(va, CPU_PAGE_4K) == RMPADJUST_SUCCESS) {
			deposit_push(gpas[i], PAGE_SIZE);
		}
	}
	cpu_flush_tlb_all();
}

/**
 * WITHDRAW_MEM: RCX = GPA of the output list (8-byte aligned). If the list
 * cannot be written after the pages were granted (the host took the page
 * away after the probe), the pages go back to the pool and the call
 * returns INVALID_ADDRESS.
 */
enum svsm_result core_withdraw_mem(const struct svsm_caller *caller,
				   uint64_t list_gpa)
{
	uint64_t *gpas = (uint64_t *)caller->cpu->scratch;
	uint32_t capacity = list_capacity(list_gpa);
	uint16_t count = 0;
	uint64_t gpa;
	uint64_t bytes;
	uint8_t probe[8];
	enum svsm_result rc = SVSM_SUCCESS;

	if (list_gpa & (sizeof(uint64_t) - 1)) {
		return SVSM_ERR_INVALID_PARAMETER;
	}
	if (capacity == 0) {
		return SVSM_ERR_INVALID_PARAMETER;
	}
	rc = guest_buffer_check(list_gpa, 8 + (uint64_t)capacity * 8, 8);
	if (rc != SVSM_SUCCESS) {
		return rc;
	}
	if (!guest_copy_from(probe, list_gpa, sizeof(probe))) {
		return SVSM_ERR_INVALID_ADDRESS;
	}
	while (deposit_peek() != 0 &&
	       count + deposit_peek() / PAGE_SIZE <= capacity) {
		CHECK(deposit_pop(&gpa, &bytes));
		rc = withdraw_one(gpa, bytes, caller->vmpl, gpas + count);
		if (rc != SVSM_SUCCESS) {
			deposit_push(gpa, bytes);
			break;
		}
		count = (uint16_t)(count + bytes / PAGE_SIZE);
	}
	if (!guest_copy_to(list_gpa + 8, gpas, (size_t)count * 8) ||
	    !guest_copy_to(list_gpa, &count, sizeof(count))) {
		withdraw_undo(gpas, count);
		rc = SVSM_ERR_INVALID_ADDRESS;
	}
	core_update_mem_available();
	return rc;
}
