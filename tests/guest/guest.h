/* SPDX-License-Identifier: MIT */
/*
 * Helpers of the guest-side tests: they act as a Linux guest at VMPL2 on
 * libsvsm-sim and build calls the way Linux's SVSM code does (lists in the
 * Calling Area buffer at CA + 8, APs created with the guest's SEV
 * features).
 */
#pragma once

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "svsm/sim.h"
#include "abi/svsm_call.h"
#include "abi/svsm_core.h"
#include "abi/svsm_result.h"

#define PAGE 4096ULL
#define MIB (1ULL << 20)
#define SIZE_2M (2ULL << 20)

/** One simulated machine per test. */
struct guest {
	struct svsm_sim *sim;
	unsigned vcpus;
	uint64_t mem;
	uint64_t svsm_base, svsm_size;
	uint64_t ca;   /* boot vCPU's Calling Area */
	uint64_t low;  /* first page of the 4 KiB-RMP region */
	uint64_t high; /* first page of the 2 MiB-RMP region */
};

/** cmocka setup/teardown: 256 MiB, 2 vCPUs, no vTPM. */
int guest_setup(void **state);
int guest_teardown(void **state);

/** A core call on `vcpu`; returns RAX[31:0] (fails the test if refused). */
uint32_t core_call(struct guest *g, unsigned vcpu, uint32_t call, uint64_t rcx,
		   uint64_t rdx, uint64_t r8);
/** As `core_call()` with every register in and out. */
uint32_t raw_call(struct guest *g, unsigned vcpu, struct svsm_sim_regs *r);

/**
 * PVALIDATE `n` entries from a list at `list_gpa` (0: the CA buffer, as
 * Linux). `*next` (if not NULL) gets the list's `next` after the call.
 */
uint32_t pvalidate_list(struct guest *g, unsigned vcpu, uint64_t list_gpa,
			const uint64_t *entries, unsigned n, uint16_t start,
			uint16_t *next);
/** One 4 KiB (or 2 MiB) validate/invalidate entry. */
uint32_t pvalidate_one(struct guest *g, uint64_t gpa, bool is_2m, bool validate,
		       bool ignore_cf);

/** A byte-access check at VMPL2 (0 or a negative svsm_sim_fault). */
int access_of(struct guest *g, uint64_t gpa, bool write);

/** Host pointer into guest memory (asserts it is inside). */
void *gptr(struct guest *g, uint64_t gpa, size_t len);

/** Validate the page at `gpa` and fill it as an AP VMSA (VMPL2, SVME). */
void make_ap_vmsa(struct guest *g, uint64_t gpa);
/** Fill the (validated) page at `gpa` as an AP VMSA (VMPL2, SVME). */
void fill_ap_vmsa(struct guest *g, uint64_t gpa);

/** The CA buffer of vCPU 0 (CA + 8). */
static inline uint64_t ca_buf(const struct guest *g)
{
	return g->ca + 8;
}

/* Test groups. */
extern const struct CMUnitTest misc_tests[];
extern const size_t misc_tests_count;
extern const struct CMUnitTest pvalidate_tests[];
extern const size_t pvalidate_tests_count;
extern const struct CMUnitTest vcpu_tests[];
extern const size_t vcpu_tests_count;
extern const struct CMUnitTest mem_tests[];
extern const size_t mem_tests_count;
extern const struct CMUnitTest fault_tests[];
extern const size_t fault_tests_count;
