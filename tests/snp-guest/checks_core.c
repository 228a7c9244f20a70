/* SPDX-License-Identifier: MIT */
/*
 * Core protocol checks from inside the VM: discovery, REMAP_CA,
 * PVALIDATE (4 KiB, 2 MiB, INCOMPLETE), DEPOSIT/WITHDRAW, CONFIGURE_VTOM,
 * and a negative check for each result code the core protocol returns.
 * Scratch pages used here: 0-63 (63 never validated) and the 2 MiB chunks from 4 MiB on.
 */
#include <string.h>

#include "abi/sev_status.h"
#include "abi/snp_cpuid.h"
#include "abi/snp_secrets.h"
#include "core_cases.h"
#include "ghcb.h"
#include "guest.h"
#include "svsm.h"

#define PVAL_FAIL_INPUT 0x80001001U
#define UNVALIDATED_PAGE 63U /* never validated */
#define CHUNK_2M(i) (env.scratch + 4 * MIB + (uint64_t)(i)*SIZE_2M)
#define INCOMPLETE_ENTRIES 20U
#define INCOMPLETE_AT 16U /* 8192 pages: the SVSM's bound per call */

static bool page_is_zero(uint64_t gpa)
{
	const uint64_t *p = (const uint64_t *)(uintptr_t)gpa;
	unsigned i;

	for (i = 0; i < PAGE_SIZE / 8; i++) {
		if (p[i] != 0) {
			return false;
		}
	}
	return true;
}

static void check_query(void)
{
	check(svsm_query_protocol(SVSM_PROTOCOL_CORE, 1) ==
		      SVSM_QUERY_PROTOCOL_RESULT(1, 1),
	      "QUERY_PROTOCOL core v1: versions 1-1");
	check(svsm_query_protocol(SVSM_PROTOCOL_CORE, 2) == 0,
	      "QUERY_PROTOCOL core v2: 0 (not served)");
	check(svsm_query_protocol(0x42, 1) == 0,
	      "QUERY_PROTOCOL unknown protocol: 0");
	check(svsm_query_protocol(SVSM_PROTOCOL_ATTEST, 1) ==
		      SVSM_QUERY_PROTOCOL_RESULT(1, 1),
	      "QUERY_PROTOCOL attestation v1: versions 1-1");
	check(svsm_query_protocol(SVSM_PROTOCOL_VTPM, 1) ==
		      SVSM_QUERY_PROTOCOL_RESULT(1, 1),
	      "QUERY_PROTOCOL vTPM v1: versions 1-1");
}

/* A reserved call_pending value (58019 table 2). */
static void check_invalid_format(void)
{
	struct svsm_regs r = {
		.rax = SVSM_CALL(SVSM_PROTOCOL_CORE, SVSM_CORE_QUERY_PROTOCOL),
		.rcx = SVSM_QUERY_PROTOCOL_ARG(0, 1),
	};

	check(svsm_call_raw(2, &r) == 0 &&
		      (uint32_t)r.rax == SVSM_ERR_INVALID_FORMAT,
	      "call_pending 2 (reserved): INVALID_FORMAT");
	check(svsm_query_protocol(SVSM_PROTOCOL_CORE, 1) != 0,
	      "a call after INVALID_FORMAT is served");
}

static void check_vtom(void)
{
	struct svsm_regs r = { .rcx = SVSM_VTOM_QUERY };

	check(svsm_call(SVSM_PROTOCOL_CORE, SVSM_CORE_CONFIGURE_VTOM, &r) ==
			      SVSM_SUCCESS &&
		      (r.rcx & SVSM_VTOM_Q_SUPPORTED) == 0,
	      "CONFIGURE_VTOM query: vTOM not supported");
}

static void check_remap_ca(void)
{
	uint64_t old = svsm_ca_gpa, page = scratch_page(0);
	volatile struct svsm_ca *old_ca = svsm_ca;

	if (svsm_validate_range(page, PAGE_SIZE) != SVSM_SUCCESS) {
		check(false, "REMAP_CA: validate the new CA page");
		return;
	}
	memset((void *)(uintptr_t)page, 0xFF, 8);
	check(svsm_core(SVSM_CORE_REMAP_CA, page, 0, 0) == SVSM_SUCCESS,
	      "REMAP_CA to a validated page: SUCCESS");
	svsm_ca_gpa = page;
	svsm_ca = (volatile struct svsm_ca *)(uintptr_t)page;
	check(svsm_ca->call_pending == 0 && svsm_ca->mem_available == 0,
	      "REMAP_CA zeroed the new CA's header");
	check(svsm_query_protocol(SVSM_PROTOCOL_CORE, 1) != 0,
	      "calls go through the new CA");
	check(svsm_core(SVSM_CORE_REMAP_CA, old, 0, 0) == SVSM_SUCCESS,
	      "REMAP_CA back to the boot CA: SUCCESS");
	svsm_ca_gpa = old;
	svsm_ca = old_ca;
	check(svsm_core(SVSM_CORE_REMAP_CA, old, 0, 0) == SVSM_SUCCESS,
	      "REMAP_CA to the current CA: SUCCESS (no-op)");
}

static void check_pvalidate_4k(void)
{
	uint64_t p = scratch_page(2), e;
	uint16_t next = 0;
	uint32_t rc;

	rc = svsm_pvalidate(p, false, true, false);
	if (rc == PVAL_FAIL_INPUT && ghcb_psc(p, false) == 0) {
		note("scratch pages are shared: made private by PSC");
		rc = svsm_pvalidate(p, false, true, false);
	}
	check(rc == SVSM_SUCCESS, "PVALIDATE 4K validate: SUCCESS (0x%x)", rc);
	check(rc == SVSM_SUCCESS && page_is_zero(p),
	      "PVALIDATE 4K: the validated page reads as zeros");
	rc = svsm_pvalidate(p, false, true, false);
	check(rc == SVSM_ERR_PVALIDATE_FAIL_UNCHANGED,
	      "PVALIDATE validate twice: FAIL_UNCHANGED (0x%x)", rc);
	check(svsm_pvalidate(p, false, true, true) == SVSM_SUCCESS,
	      "PVALIDATE validate twice with ignore-CF: SUCCESS");
	check(svsm_pvalidate(p, false, false, false) == SVSM_SUCCESS,
	      "PVALIDATE 4K invalidate: SUCCESS");
	check(svsm_pvalidate(p, false, false, false) ==
		      SVSM_ERR_PVALIDATE_FAIL_UNCHANGED,
	      "PVALIDATE invalidate twice: FAIL_UNCHANGED");

	e = SVSM_PVAL_ENTRY(p, SVSM_PVAL_SIZE_4K, true, false) | 0x10;
	check(svsm_pvalidate_list(&e, 1, 0, NULL) == SVSM_ERR_INVALID_PARAMETER,
	      "PVALIDATE entry with reserved bits: INVALID_PARAMETER");
	e = SVSM_PVAL_ENTRY(p, 2, true, false);
	check(svsm_pvalidate_list(&e, 1, 0, NULL) == SVSM_ERR_INVALID_PARAMETER,
	      "PVALIDATE entry with page size 2: INVALID_PARAMETER");
	e = SVSM_PVAL_ENTRY(p, SVSM_PVAL_SIZE_4K, true, false);
	check(svsm_pvalidate_list(&e, 0, 0, NULL) == SVSM_ERR_INVALID_PARAMETER,
	      "PVALIDATE list of 0 entries: INVALID_PARAMETER");
	check(svsm_pvalidate_list(&e, 1, 1, &next) ==
		      SVSM_ERR_INVALID_PARAMETER,
	      "PVALIDATE list with next == count: INVALID_PARAMETER");
	check(svsm_pvalidate(env.svsm_base, false, false, false) ==
		      SVSM_ERR_INVALID_ADDRESS,
	      "PVALIDATE of an SVSM page: INVALID_ADDRESS");
	check(svsm_pvalidate(svsm_ca_gpa, false, false, false) ==
		      SVSM_ERR_INVALID_ADDRESS,
	      "PVALIDATE of the Calling Area: INVALID_ADDRESS");

	/* A page the host owns (made shared) cannot be validated. */
	p = scratch_page(3);
	if (ghcb_psc(p, true) != 0) {
		check(false, "PSC to shared of a scratch page");
		return;
	}
	rc = svsm_pvalidate(p, false, true, false);
	check(rc == PVAL_FAIL_INPUT,
	      "PVALIDATE of a shared page: FAIL_INPUT (0x%x)", rc);
	check(ghcb_psc(p, false) == 0, "PSC back to private");
}

/* Validate a 2 MiB chunk; Linux falls back to 4 KiB on SIZEMISMATCH. */
static bool check_pvalidate_2m(void)
{
	uint64_t c = CHUNK_2M(0);
	uint32_t rc = svsm_pvalidate(c, true, true, false);

	if (rc == SVSM_ERR_PVALIDATE_FAIL_SIZEMISMATCH) {
		check(true, "PVALIDATE 2M over 4K RMP entries: "
			    "FAIL_SIZEMISMATCH");
		check(svsm_validate_range(c, SIZE_2M) == SVSM_SUCCESS,
		      "PVALIDATE 2M fallback to 512 4K entries: SUCCESS");
		return false;
	}
	check(rc == SVSM_SUCCESS, "PVALIDATE 2M validate: SUCCESS (0x%x)", rc);
	check(page_is_zero(c + SIZE_2M - PAGE_SIZE),
	      "PVALIDATE 2M: the last 4K of the page reads as zeros");
	check(svsm_pvalidate(c + PAGE_SIZE, false, false, false) ==
		      SVSM_ERR_PVALIDATE_FAIL_SIZEMISMATCH,
	      "PVALIDATE 4K inside a 2M page: FAIL_SIZEMISMATCH");
	check(svsm_pvalidate(c + PAGE_SIZE, true, true, false) ==
		      SVSM_ERR_INVALID_PARAMETER,
	      "PVALIDATE 2M entry not 2M-aligned: INVALID_PARAMETER");
	check(svsm_pvalidate(c, true, false, false) == SVSM_SUCCESS,
	      "PVALIDATE 2M invalidate: SUCCESS");
	return true;
}

static void check_incomplete(bool have_2m)
{
	uint64_t e[INCOMPLETE_ENTRIES];
	uint16_t next = 0;
	uint32_t rc;
	unsigned i;

	if (!have_2m ||
	    env.scratch_size < 4 * MIB + INCOMPLETE_ENTRIES * SIZE_2M) {
		check_skip(have_2m ? "scratch RAM under 44 MiB" :
				     "no 2M RMP entries",
			   "PVALIDATE of 40 MiB: INCOMPLETE at 8192 pages");
		return;
	}
	for (i = 0; i < INCOMPLETE_ENTRIES; i++) {
		e[i] = SVSM_PVAL_ENTRY(CHUNK_2M(i), SVSM_PVAL_SIZE_2M, true,
				       false);
	}
	rc = svsm_pvalidate_list(e, INCOMPLETE_ENTRIES, 0, &next);
	check(rc == SVSM_ERR_INCOMPLETE && next == INCOMPLETE_AT,
	      "PVALIDATE of 40 MiB: INCOMPLETE with next %u (0x%x)", next, rc);
	rc = svsm_core(SVSM_CORE_PVALIDATE, svsm_ca_gpa + SVSM_CA_OFF_BUFFER, 0,
		       0);
	memcpy(&next, (const uint8_t *)svsm_ca->buffer + 2, sizeof(next));
	check(rc == SVSM_SUCCESS && next == INCOMPLETE_ENTRIES,
	      "PVALIDATE re-issued after INCOMPLETE: SUCCESS, next %u", next);
	for (i = 0; i < INCOMPLETE_ENTRIES; i++) {
		e[i] = SVSM_PVAL_ENTRY(CHUNK_2M(i), SVSM_PVAL_SIZE_2M, false,
				       false);
	}
	next = 0;
	do {
		rc = svsm_pvalidate_list(e, INCOMPLETE_ENTRIES, next, &next);
	} while (rc == SVSM_ERR_INCOMPLETE);
	check(rc == SVSM_SUCCESS, "PVALIDATE invalidate 40 MiB: SUCCESS");
}

static uint32_t deposit(const uint64_t *gpas, unsigned n, uint16_t *next)
{
	struct svsm_list_hdr hdr = { .entry_count = (uint16_t)n };
	uint8_t *buf = (uint8_t *)svsm_ca->buffer;
	uint32_t rc;

	memcpy(buf, &hdr, sizeof(hdr));
	memcpy(buf + sizeof(hdr), gpas, (size_t)n * 8);
	rc = svsm_core(SVSM_CORE_DEPOSIT_MEM, svsm_ca_gpa + SVSM_CA_OFF_BUFFER,
		       0, 0);
	if (next != NULL) {
		memcpy(next, buf + 2, sizeof(*next));
	}
	return rc;
}

static void check_deposit_withdraw(void)
{
	uint64_t pages[2] = { scratch_page(8), scratch_page(9) };
	uint8_t *buf = (uint8_t *)svsm_ca->buffer;
	uint16_t next = 0, count = 0;
	uint64_t out[8];
	bool found0 = false, found1 = false;
	unsigned i;

	if (svsm_validate_range(pages[0], 2 * PAGE_SIZE) != SVSM_SUCCESS) {
		check(false, "DEPOSIT_MEM: validate two pages");
		return;
	}
	memset((void *)(uintptr_t)pages[0], 0x77, 2 * PAGE_SIZE);
	check(deposit(pages, 2, &next) == SVSM_SUCCESS && next == 2,
	      "DEPOSIT_MEM of two pages: SUCCESS, next 2");
	check(svsm_ca->mem_available != 0,
	      "DEPOSIT_MEM set SVSM_MEM_AVAILABLE");
	check(svsm_pvalidate(pages[0], false, false, false) ==
		      SVSM_ERR_INVALID_ADDRESS,
	      "PVALIDATE of a deposited page: INVALID_ADDRESS");
	check(deposit(&pages[1], 1, NULL) == SVSM_ERR_INVALID_ADDRESS,
	      "DEPOSIT_MEM of a deposited page: INVALID_ADDRESS");
	memset(buf, 0xEE, 2);
	check(svsm_core(SVSM_CORE_WITHDRAW_MEM,
			svsm_ca_gpa + SVSM_CA_OFF_BUFFER, 0, 0) == SVSM_SUCCESS,
	      "WITHDRAW_MEM: SUCCESS");
	memcpy(&count, buf, sizeof(count));
	memcpy(out, buf + 8, sizeof(out));
	for (i = 0; i < count && i < 8; i++) {
		found0 = found0 || out[i] == pages[0];
		found1 = found1 || out[i] == pages[1];
	}
	check(count == 2 && found0 && found1,
	      "WITHDRAW_MEM returned both pages (%u)", count);
	check(svsm_ca->mem_available == 0,
	      "WITHDRAW_MEM cleared SVSM_MEM_AVAILABLE");
	check(count == 2 && page_is_zero(pages[0]) && page_is_zero(pages[1]),
	      "withdrawn pages come back validated and zeroed");

	pages[0] |= 1ULL << 5;
	check(deposit(pages, 1, NULL) == SVSM_ERR_INVALID_PARAMETER,
	      "DEPOSIT_MEM entry with reserved bits: INVALID_PARAMETER");
	check(deposit(pages, 0, NULL) == SVSM_ERR_INVALID_PARAMETER,
	      "DEPOSIT_MEM of 0 entries: INVALID_PARAMETER");
	pages[0] = env.svsm_base + 8 * PAGE_SIZE;
	check(deposit(pages, 1, NULL) == SVSM_ERR_INVALID_ADDRESS,
	      "DEPOSIT_MEM of an SVSM page: INVALID_ADDRESS");
	pages[0] = scratch_page(10);
	check(deposit(pages, 1, NULL) == SVSM_ERR_INVALID_ADDRESS,
	      "DEPOSIT_MEM of a page not validated: INVALID_ADDRESS");
}

/*
 * The secrets page the SVSM built for the guest (58019 table 1): its SVSM
 * fields, and no VMPCK of a VMPL more privileged than the guest's (the
 * SVSM keeps VMPCK0; a guest with VMPCK1 could ask for VMPL1 reports).
 */
static void check_secrets(void)
{
	const struct snp_secrets_page *s =
		(const struct snp_secrets_page *)(uintptr_t)
			env.boot->secrets_gpa;
	unsigned i, j, nonzero = 0;

	check(env.svsm_size != 0 && (env.svsm_base & (PAGE_SIZE - 1)) == 0 &&
		      (env.svsm_size & (PAGE_SIZE - 1)) == 0 &&
		      env.svsm_max_version == 1 && env.vmpl == 2 &&
		      (env.caa < env.svsm_base ||
		       env.caa >= env.svsm_base + env.svsm_size),
	      "secrets page: SVSM region, CAA outside it, version 1, VMPL2");
	for (i = 0; i < env.vmpl && i < SNP_VMPCK_COUNT; i++) {
		for (j = 0; j < SNP_VMPCK_SIZE; j++) {
			nonzero += s->vmpck[i][j] != 0;
		}
	}
	check(nonzero == 0, "secrets page: VMPCK0-%u are wiped (%u bytes set)",
	      env.vmpl - 1U, nonzero);
}

/* The #VC handler's own answers: CPUID from the CPUID page, the CA MSR. */
static void check_vc(void)
{
	uint32_t a, b, c, d;

	cpuid_count(SNP_CPUID_SEV_LEAF, 0, &a, &b, &c, &d);
	check((a & SNP_CPUID_SEV_SVSM) != 0 && (b & 0x3F) == env.boot->cbit,
	      "CPUID 0x8000001F through #VC: SVSM bit, C-bit %u (0x%x 0x%x)",
	      b & 0x3F, a, b);
	check(rdmsr(MSR_SVSM_CAA) == svsm_ca_gpa,
	      "RDMSR SVSM_CAA through #VC: the Calling Area");
}

/*
 * A REMAP_CA that should have failed did not: calls now go through the
 * new CA. Follow it, then move back, so that one failed check does not
 * turn every later call into one the SVSM never sees.
 */
static void follow_remap(uint64_t gpa)
{
	uint64_t old = svsm_ca_gpa;
	volatile struct svsm_ca *old_ca = svsm_ca;

	svsm_ca_gpa = gpa;
	svsm_ca = (volatile struct svsm_ca *)(uintptr_t)gpa;
	if (svsm_core(SVSM_CORE_REMAP_CA, old, 0, 0) == SVSM_SUCCESS) {
		svsm_ca_gpa = old;
		svsm_ca = old_ca;
	}
	note("REMAP_CA moved the CA to 0x%lx; back at 0x%lx",
	     (unsigned long)gpa, (unsigned long)svsm_ca_gpa);
}

/* The shared table of calls that fail whatever the state. */
static void check_core_cases(void)
{
	uint64_t unvalidated = scratch_page(UNVALIDATED_PAGE);
	uint32_t rc;
	size_t i;

	/*
	 * Guest RAM outside the launched image is not validated: validating
	 * a page must change it (else the cases below test nothing). The
	 * invalidation makes sure it is not validated, whatever the answer.
	 */
	rc = svsm_pvalidate(unvalidated, false, true, false);
	check(rc == SVSM_SUCCESS,
	      "RAM the launch did not measure starts not validated (0x%x)", rc);
	rc = svsm_pvalidate(unvalidated, false, false, false);
	check(rc == SVSM_SUCCESS, "PVALIDATE invalidates it again (0x%x)", rc);

	for (i = 0; i < core_case_count; i++) {
		const struct core_case *c = &core_cases[i];
		struct svsm_regs r = { .rcx = c->offset };

		switch (c->at) {
		case CORE_AT_CA:
			r.rcx += svsm_ca_gpa;
			break;
		case CORE_AT_SVSM:
			r.rcx += env.svsm_base;
			break;
		case CORE_AT_UNVALIDATED:
			r.rcx += unvalidated;
			break;
		default:
			break;
		}
		rc = svsm_call(c->protocol, c->call, &r);
		check(rc == c->expect, "%s: 0x%x (want 0x%x)", c->name, rc,
		      c->expect);
		if (c->protocol == SVSM_PROTOCOL_CORE &&
		    c->call == SVSM_CORE_REMAP_CA && rc == SVSM_SUCCESS) {
			follow_remap(r.rcx);
		}
	}
}

void checks_core(void)
{
	bool have_2m;

	note("core protocol");
	check_query(); /* checks 1-5: tests/kernel/snp.bats counts on them */
	check_secrets();
	check_vc();
	check_core_cases();
	check_invalid_format();
	check_vtom();
	check_remap_ca();
	check_pvalidate_4k();
	if (env.scratch_size < 6 * MIB) {
		check_skip("scratch RAM under 6 MiB", "PVALIDATE 2M");
		have_2m = false;
	} else {
		have_2m = check_pvalidate_2m();
	}
	check_incomplete(have_2m);
	check_deposit_withdraw();
}
