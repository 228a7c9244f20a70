/* SPDX-License-Identifier: MIT */
/*
 * Private to svsm/proto: the core protocol's handlers and the side-effect
 * free decoders the unit tests exercise directly. Each handler decodes
 * (checks everything, changes nothing) and then invokes.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/cpu.h"
#include "svsm/proto.h"
#include "abi/svsm_core.h"
#include "abi/svsm_result.h"

/** Work one PVALIDATE call may do before it answers INCOMPLETE (pages). */
#define PVALIDATE_BUDGET_PAGES 8192U

/** The core protocol's call switch; takes `core_lock` around the call. */
enum svsm_result core_dispatch(const struct svsm_caller *caller, uint32_t call,
			       const struct svsm_call_in *in,
			       struct svsm_call_out *out);

/*
 * The core calls (58019 section 7), one per table entry; each runs under
 * `core_lock` and returns the call's result code. See their definitions.
 */
/** REMAP_CA (core_vcpu.c). */
enum svsm_result core_remap_ca(const struct svsm_caller *caller,
			       uint64_t ca_gpa);
/** PVALIDATE (core_pvalidate.c). */
enum svsm_result core_pvalidate(const struct svsm_caller *caller,
				uint64_t list_gpa);
/** CREATE_VCPU (core_vcpu.c). */
enum svsm_result core_create_vcpu(const struct svsm_caller *caller,
				  uint64_t vmsa_gpa, uint64_t ca_gpa,
				  uint32_t apic_id);
/** DELETE_VCPU (core_vcpu.c). */
enum svsm_result core_delete_vcpu(const struct svsm_caller *caller,
				  uint64_t vmsa_gpa);
/** DEPOSIT_MEM (core_mem.c). */
enum svsm_result core_deposit_mem(const struct svsm_caller *caller,
				  uint64_t list_gpa);
/** WITHDRAW_MEM (core_mem.c). */
enum svsm_result core_withdraw_mem(const struct svsm_caller *caller,
				   uint64_t list_gpa);
/** QUERY_PROTOCOL: the RCX it returns (core.c). */
uint64_t core_query_protocol(uint64_t rcx);
/** CONFIGURE_VTOM (core.c). */
enum svsm_result core_configure_vtom(uint64_t rcx, struct svsm_call_out *out);

/* --- Decoders (no side effects; unit-tested) --- */

/** A decoded PVALIDATE entry. */
struct pval_op {
	uint64_t gpa;
	enum cpu_page_size size;
	bool validate;
	bool ignore_cf;
};

/**
 * Check the size, reserved bits and alignment of a PVALIDATE entry:
 * SVSM_SUCCESS with `*op` filled, or SVSM_ERR_INVALID_PARAMETER.
 */
enum svsm_result pvalidate_entry_decode(uint64_t entry, struct pval_op *op);

/**
 * The part PVALIDATE and DEPOSIT_MEM entries share (tables 6 and 7): size
 * in bits 1:0 (0 4 KiB, 1 2 MiB), the GFN in bits 63:12, aligned to the
 * size, and no bit of `rsvd` set (table 7 places its size and GFN fields
 * as table 6 does: the SVSM_PVAL_* masks serve both). True with `*gpa` and `*size` written, or
 * false with nothing written.
 */
/*@ requires \valid(gpa) && \valid(size) && \separated(gpa, size);
    terminates \true;
    assigns *gpa, *size;
    behavior accepted:
	assumes (entry & rsvd) == 0;
	assumes (entry & 3) == 0 || ((entry & 3) == 1 && (entry & 0x1FF000) == 0);
	ensures \result == 1;
	ensures *gpa == (entry & ~(uint64_t)0xFFF);
	ensures (entry & 3) == 0 ==> *size == CPU_PAGE_4K;
	ensures (entry & 3) == 1 ==> *size == CPU_PAGE_2M &&
				     (*gpa & 0x1FFFFF) == 0;
	ensures (*gpa & 0xFFF) == 0;
    behavior rejected:
	assumes !((entry & rsvd) == 0 &&
		  ((entry & 3) == 0 ||
		   ((entry & 3) == 1 && (entry & 0x1FF000) == 0)));
	assigns \nothing;
	ensures \result == 0;
    complete behaviors;
    disjoint behaviors;
 */
static inline bool page_entry_decode(uint64_t entry, uint64_t rsvd,
				     uint64_t *gpa, enum cpu_page_size *size)
{
	uint64_t sz = entry & SVSM_PVAL_SIZE_MASK;
	uint64_t g = entry & SVSM_PVAL_GFN_MASK;

	if ((sz != SVSM_PVAL_SIZE_4K && sz != SVSM_PVAL_SIZE_2M) ||
	    (entry & rsvd) != 0) {
		return false;
	}
	if (sz == SVSM_PVAL_SIZE_2M && (g & ((1ULL << 21) - 1)) != 0) {
		return false;
	}
	/* Only an accepted entry is written: a rejected one changes nothing. */
	*gpa = g;
	*size = sz == SVSM_PVAL_SIZE_2M ? CPU_PAGE_2M : CPU_PAGE_4K;
	return true;
}

/** A decoded DEPOSIT_MEM entry. */
struct deposit_op {
	uint64_t gpa;
	enum cpu_page_size size;
};

/** As `pvalidate_entry_decode()` for a DEPOSIT_MEM entry (table 7). */
enum svsm_result deposit_entry_decode(uint64_t entry, struct deposit_op *op);

/**
 * Check a list header (tables 6 and 7) found at `list_gpa`: count >= 1,
 * next < count, and header plus entries inside the list's 4 KiB page.
 * SVSM_SUCCESS or SVSM_ERR_INVALID_PARAMETER.
 */
enum svsm_result list_hdr_check(uint64_t list_gpa,
				const struct svsm_list_hdr *hdr);

/** Entries that fit between `list_gpa` + 8 and the end of its page. */
uint32_t list_capacity(uint64_t list_gpa);

/** Bytes of a page of `size`. */
/*@ terminates \true;
    assigns \nothing;
    ensures size == CPU_PAGE_2M ==> \result == 2097152;
    ensures size != CPU_PAGE_2M ==> \result == 4096;
 */
static inline uint64_t page_bytes(enum cpu_page_size size)
{
	return size == CPU_PAGE_2M ? (1ULL << 21) : (1ULL << 12);
}

/**
 * Checks every request applies to a GPA range it will operate on: inside
 * guest memory (else INVALID_ADDRESS) and not SVSM memory, a VMSA, a
 * Calling Area or a deposited page (else INVALID_ADDRESS).
 */
enum svsm_result guest_range_check(uint64_t gpa, uint64_t len);

/**
 * Checks for a request structure the SVSM reads or writes: `align`-aligned
 * (else INVALID_PARAMETER), inside guest memory and not SVSM-private
 * memory (else INVALID_ADDRESS). Calling Areas are allowed.
 */
enum svsm_result guest_buffer_check(uint64_t gpa, uint64_t len, uint64_t align);

/** Update SVSM_MEM_AVAILABLE in the boot vCPU's Calling Area. */
void core_update_mem_available(void);
