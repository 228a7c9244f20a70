/* SPDX-License-Identifier: MIT */
/*
 * Shared helpers of the software SNP machine's unit tests.
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include "machine.h"

#define TM_PAGE 4096ULL
#define TM_2M (2ULL << 20)
#define TM_MEM (64ULL << 20)
#define TM_STATUS 0x7ULL /* SEV | SEV-ES | SNP */

/* Suites, one per file; each returns the number of failed tests. */
int machine_test_rmp(void);
int machine_test_psp(void);
int machine_test_memory(void);
int machine_test_hv(void);
int machine_test_fiber(void);
int machine_test_cpu(void);

/* A machine with `vcpus` vCPUs and TM_MEM bytes (cmocka state). */
struct snp_machine *tm_create(unsigned vcpus);
int tm_setup(void **state);
int tm_setup2(void **state);
int tm_teardown(void **state);

/* Make the page at `gpa` private and validated (VMPL0 RWX). */
void tm_private(struct snp_machine *m, uint64_t gpa);

/* Fill a VMSA at `gpa` for `vmpl` starting at `entry(arg)`. */
void tm_fill_vmsa(struct snp_machine *m, uint64_t gpa, unsigned vmpl,
		  void (*entry)(uint64_t), uint64_t arg);
/* A runtime VMSA page: private, validated, filled, VMSA bit set. */
void tm_make_vmsa(struct snp_machine *m, uint64_t gpa, unsigned vmpl,
		  void (*entry)(uint64_t), uint64_t arg);

/* GHCB helpers: the page at `gpa` of guest memory. */
struct ghcb *tm_ghcb(struct snp_machine *m, uint64_t gpa);
/* Clear it and fill a standard request (exit code, info1, info2 valid). */
void tm_ghcb_req(struct snp_machine *m, uint64_t gpa, uint64_t code,
		 uint64_t info1, uint64_t info2);
void tm_ghcb_set(struct snp_machine *m, uint64_t gpa, unsigned off,
		 uint64_t val);
int tm_ghcb_valid(struct snp_machine *m, uint64_t gpa, unsigned off);

/* VMPL0 of vCPU 0 in the main context: MSR protocol request -> response. */
uint64_t tm_vmpl0_msr(uint64_t req);
/* VMPL0 of vCPU 0 in the main context: register and use a GHCB. */
void tm_vmpl0_ghcb_register(uint64_t gpa);
void tm_vmpl0_ghcb_exit(uint64_t gpa);

/* The guest at `vmpl` on `apic`: MSR protocol request -> response. */
uint64_t tm_guest_msr(struct snp_machine *m, unsigned apic, unsigned vmpl,
		      uint64_t req, int *rc);

/*
 * From VMPL0 of vCPU 0 (main context, GHCB at `ghcb`): AP creation request.
 * Returns SW_EXITINFO1 and stores SW_EXITINFO2 in `*info2` (if not NULL).
 */
uint64_t tm_ap_create(struct snp_machine *m, uint64_t ghcb, unsigned apic,
		      unsigned vmpl, unsigned req, uint64_t vmsa,
		      uint64_t features, uint64_t *info2);
