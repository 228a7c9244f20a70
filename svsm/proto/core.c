/* SPDX-License-Identifier: MIT */
/*
 * Core protocol (58019 section 7): the call switch, QUERY_PROTOCOL,
 * CONFIGURE_VTOM and the checks every core call shares.
 *
 * Every handler runs under `core_lock` (taken here), so the registry and
 * the deposit pool cannot change between a handler's checks and its work.
 */
#include "svsm/guest.h"
#include "svsm/mm.h"
#include "svsm/physmap.h"
#include "svsm/vcpu.h"
#include "internal.h"
#include "abi/svsm_ca.h"
#include "abi/svsm_call.h"

/** The core protocol's call switch (table 5). */
enum svsm_result core_dispatch(const struct svsm_caller *caller, uint32_t call,
			       const struct svsm_call_in *in,
			       struct svsm_call_out *out)
{
	enum svsm_result rc;

	spin_lock(&core_lock);
	switch (call) {
	case SVSM_CORE_REMAP_CA:
		rc = core_remap_ca(caller, in->rcx);
		break;
	case SVSM_CORE_PVALIDATE:
		rc = core_pvalidate(caller, in->rcx);
		break;
	case SVSM_CORE_CREATE_VCPU:
		rc = core_create_vcpu(
			caller, in->rcx, in->rdx,
			(uint32_t)(in->r8 & SVSM_CREATE_VCPU_APIC_ID_MASK));
		break;
	case SVSM_CORE_DELETE_VCPU:
		rc = core_delete_vcpu(caller, in->rcx);
		break;
	case SVSM_CORE_DEPOSIT_MEM:
		rc = core_deposit_mem(caller, in->rcx);
		break;
	case SVSM_CORE_WITHDRAW_MEM:
		rc = core_withdraw_mem(caller, in->rcx);
		break;
	case SVSM_CORE_QUERY_PROTOCOL:
		out->rcx = core_query_protocol(in->rcx);
		out->set = SVSM_OUT_RCX;
		rc = SVSM_SUCCESS;
		break;
	case SVSM_CORE_CONFIGURE_VTOM:
		rc = core_configure_vtom(in->rcx, out);
		break;
	default:
		rc = SVSM_ERR_UNSUPPORTED_CALL;
		break;
	}
	spin_unlock(&core_lock);
	return rc;
}

/** QUERY_PROTOCOL: RCX out = max << 32 | min, or 0 if not served. */
uint64_t core_query_protocol(uint64_t rcx)
{
	uint32_t protocol = (uint32_t)(rcx >> 32);
	uint32_t version = (uint32_t)rcx;
	uint32_t min;
	uint32_t max;

	if (!svsm_protocol_versions(protocol, &min, &max) || version < min ||
	    version > max) {
		return 0;
	}
	return SVSM_QUERY_PROTOCOL_RESULT(min, max);
}

/**
 * CONFIGURE_VTOM (table 9): a query reports "not supported" (RCX = 0);
 * a configuration request is refused with INVALID_REQUEST.
 */
enum svsm_result core_configure_vtom(uint64_t rcx, struct svsm_call_out *out)
{
	if (rcx & SVSM_VTOM_QUERY) {
		if (rcx != SVSM_VTOM_QUERY) {
			return SVSM_ERR_INVALID_PARAMETER;
		}
		out->rcx = 0;
		out->set = SVSM_OUT_RCX;
		return SVSM_SUCCESS;
	}
	if (rcx & SVSM_VTOM_CFG_RSVD_MASK) {
		return SVSM_ERR_INVALID_PARAMETER;
	}
	return SVSM_ERR_INVALID_REQUEST;
}

/** A range a request operates on: guest memory, not the SVSM's. */
enum svsm_result guest_range_check(uint64_t gpa, uint64_t len)
{
	if (!physmap_contains(gpa, len)) {
		return SVSM_ERR_INVALID_ADDRESS;
	}
	if (svsm_owns_range(gpa, len, NO_CA)) {
		return SVSM_ERR_INVALID_ADDRESS;
	}
	return SVSM_SUCCESS;
}

/** A request structure: aligned, in guest memory, not SVSM-private. */
enum svsm_result guest_buffer_check(uint64_t gpa, uint64_t len, uint64_t align)
{
	size_t i;

	if (gpa & (align - 1)) {
		return SVSM_ERR_INVALID_PARAMETER;
	}
	if (!physmap_contains(gpa, len)) {
		return SVSM_ERR_INVALID_ADDRESS;
	}
	if (gpa < svsm.svsm_base + svsm.svsm_size &&
	    gpa + len > svsm.svsm_base) {
		return SVSM_ERR_INVALID_ADDRESS;
	}
	for (i = 0; i < svsm.vmsa_slots; i++) {
		const struct guest_vmsa *v = &svsm.vmsas[i];

		if (v->used && gpa < v->vmsa_gpa + PAGE_SIZE &&
		    v->vmsa_gpa < gpa + len) {
			return SVSM_ERR_INVALID_ADDRESS;
		}
	}
	if (svsm_is_deposited(gpa, len)) {
		return SVSM_ERR_INVALID_ADDRESS;
	}
	return SVSM_SUCCESS;
}

/** Entries that fit between the list header and the end of its page. */
/*@ terminates \true;
    assigns \nothing;
    ensures fits_in_page:
	\result == 0 ||
	list_gpa % 4096 + 8 + 8 * \result <= 4096;
    ensures fills_page: list_gpa % 4096 + 8 + 8 * (\result + 1) > 4096;
    ensures \result <= 511;
 */
uint32_t list_capacity(uint64_t list_gpa)
{
	uint64_t room = PAGE_SIZE - list_gpa % PAGE_SIZE; /* WP: not & */

	if (room < sizeof(struct svsm_list_hdr)) {
		return 0;
	}
	return (uint32_t)((room - sizeof(struct svsm_list_hdr)) /
			  sizeof(uint64_t));
}

/** Count and next of a list header (tables 6 and 7). */
/*@ requires \valid_read(hdr);
    terminates \true;
    assigns \nothing;
    behavior accepted:
	assumes 1 <= hdr->entry_count &&
		list_gpa % 4096 + 8 + 8 * hdr->entry_count <= 4096 &&
		hdr->next < hdr->entry_count;
	ensures \result == SVSM_SUCCESS;
    behavior rejected:
	assumes hdr->entry_count == 0 ||
		list_gpa % 4096 + 8 + 8 * hdr->entry_count > 4096 ||
		hdr->next >= hdr->entry_count;
	ensures \result == SVSM_ERR_INVALID_PARAMETER;
    complete behaviors;
    disjoint behaviors;
 */
enum svsm_result list_hdr_check(uint64_t list_gpa,
				const struct svsm_list_hdr *hdr)
{
	if (hdr->entry_count == 0 || hdr->next >= hdr->entry_count ||
	    hdr->entry_count > list_capacity(list_gpa)) {
		return SVSM_ERR_INVALID_PARAMETER;
	}
	return SVSM_SUCCESS;
}

/** SVSM_MEM_AVAILABLE in the boot vCPU's CA follows the deposit pool. */
void core_update_mem_available(void)
{
	size_t i;
	uint8_t avail = svsm.deposit_head != DEPOSIT_NONE;

	for (i = 0; i < svsm.vmsa_slots; i++) {
		if (svsm.vmsas[i].used && svsm.vmsas[i].boot) {
			/* A CA the guest made inaccessible just misses it. */
			(void)guest_copy_to(svsm.vmsas[i].ca_gpa +
						    SVSM_CA_OFF_MEM_AVAILABLE,
					    &avail, sizeof(avail));
		}
	}
}
