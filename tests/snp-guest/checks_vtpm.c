/* SPDX-License-Identifier: MIT */
/*
 * vTPM checks (protocol 2) from inside the VM: VTPM_QUERY, TPM 2.0
 * commands framed as Linux's tpm_svsm driver does (Startup, GetRandom,
 * PCR_Extend/PCR_Read, CreatePrimary, FlushContext), and the malformed
 * requests of the table the hosted guest tests share (vtpm_cases.h).
 * Scratch pages 80-83 (83 is never validated).
 */
#include <string.h>

#include "abi/svsm_vtpm.h"
#include "guest.h"
#include "svsm.h"
#include "tpm2_cmds.h"
#include "vtpm_cases.h"

#define TPM_PAGE 80U
#define UNVALIDATED_PAGE 83U
#define TPM_RC_INITIALIZE 0x100U
#define TPM_RC_RETRY 0x922U
#define TEST_PCR 16U
#define TPM_TRIES 8U /* RETRY answers before vtpm_run() gives up */

static uint8_t cmd[TPM2_MAX];

static uint8_t *tpm_buf(void)
{
	return (uint8_t *)(uintptr_t)scratch_page(TPM_PAGE);
}

static uint32_t vtpm_cmd_at(uint64_t gpa)
{
	struct svsm_regs r = { .rcx = gpa };

	return svsm_call(SVSM_PROTOCOL_VTPM, SVSM_VTPM_CMD, &r);
}

/** See guest.h. */
const uint8_t *vtpm_send(uint8_t *page, const uint8_t *command, size_t len,
			 size_t *rlen)
{
	uint32_t n;

	vtpm_frame(page, SVSM_VTPM_PLAT_SEND_COMMAND, 0, (uint32_t)len, command,
		   len);
	if (vtpm_cmd_at((uint64_t)(uintptr_t)page) != SVSM_SUCCESS) {
		return NULL;
	}
	memcpy(&n, page, sizeof(n));
	if (n < 10 || n > SVSM_VTPM_BUFFER_SIZE - 4 ||
	    tpm2_be32(page + 4 + 2) != n) {
		return NULL;
	}
	*rlen = n;
	return page + 4;
}

/** See guest.h. */
const uint8_t *vtpm_run(uint8_t *page, const uint8_t *command, size_t len,
			size_t *rlen)
{
	const uint8_t *r = NULL;
	unsigned int i;

	for (i = 0; i < TPM_TRIES; i++) {
		r = vtpm_send(page, command, len, rlen);
		if (r == NULL || tpm2_rc(r, *rlen) != TPM_RC_RETRY) {
			break;
		}
	}
	return r;
}

/** See guest.h. */
uint32_t vtpm_run_rc(uint8_t *page, const uint8_t *command, size_t len)
{
	size_t rlen = 0;
	const uint8_t *r = vtpm_run(page, command, len, &rlen);

	return r == NULL ? 0xFFFFFFFFU : tpm2_rc(r, rlen);
}

/** See guest.h. */
bool vtpm_pcr_read(uint8_t *page, uint8_t *command, unsigned int pcr,
		   uint8_t out[32])
{
	size_t rlen = 0;
	const uint8_t *r = vtpm_run(page, command,
				    tpm2_pcr_read_sha256(command, pcr), &rlen);

	if (r == NULL || tpm2_rc(r, rlen) != 0 || rlen < 32) {
		return false;
	}
	memcpy(out, r + rlen - 32, 32);
	return true;
}

static const uint8_t *tpm(size_t len, size_t *rlen)
{
	return vtpm_run(tpm_buf(), cmd, len, rlen);
}

static uint64_t buf_gpa(enum vtpm_buf_at at)
{
	switch (at) {
	case VTPM_AT_NULL:
		return 0;
	case VTPM_AT_SVSM:
		return env.svsm_base;
	case VTPM_AT_BEYOND_RAM:
		return 1ULL << 50; /* far beyond any memory map */
	case VTPM_AT_UNVALIDATED:
		return scratch_page(UNVALIDATED_PAGE);
	case VTPM_AT_WRAP:
		return UINT64_MAX - 8;
	default:
		return svsm_ca_gpa;
	}
}

static void check_errors(void)
{
	size_t len = tpm2_get_random(cmd, 8), i;
	uint8_t *buf = tpm_buf();

	for (i = 0; i < vtpm_frame_case_count; i++) {
		const struct vtpm_frame_case *c = &vtpm_frame_cases[i];
		uint32_t rc;

		vtpm_frame(buf, c->platform_cmd, c->locality,
			   vtpm_frame_case_size(c, len), cmd, len);
		rc = vtpm_cmd_at((uint64_t)(uintptr_t)buf);
		check(rc == c->expect, "VTPM_CMD %s: 0x%x (want 0x%x)", c->name,
		      rc, c->expect);
	}
	for (i = 0; i < vtpm_addr_case_count; i++) {
		const struct vtpm_addr_case *c = &vtpm_addr_cases[i];
		uint32_t rc = vtpm_cmd_at(buf_gpa(c->at));

		check(rc == c->expect, "VTPM_CMD %s: 0x%x (want 0x%x)", c->name,
		      rc, c->expect);
	}
}

void checks_vtpm(void)
{
	struct svsm_regs r = { .rcx = 0xdead, .rdx = 0xbeef };
	uint8_t digest[32], before[32], after[32];
	const uint8_t *resp;
	size_t rlen = 0;
	uint32_t rc, handle = 0;
	uint8_t x[32], y[32];

	note("vTPM (protocol 2)");
	rc = svsm_call(SVSM_PROTOCOL_VTPM, SVSM_VTPM_QUERY, &r);
	check(rc == SVSM_SUCCESS &&
		      (r.rcx & (1ULL << SVSM_VTPM_PLAT_SEND_COMMAND)) != 0 &&
		      r.rdx == 0,
	      "VTPM_QUERY: TPM_SEND_COMMAND, no features (0x%lx 0x%lx)",
	      (unsigned long)r.rcx, (unsigned long)r.rdx);
	r = (struct svsm_regs){ 0 };
	check(svsm_call(SVSM_PROTOCOL_VTPM, 7, &r) == SVSM_ERR_UNSUPPORTED_CALL,
	      "vTPM call 7: UNSUPPORTED_CALL");
	if (svsm_validate_range(scratch_page(TPM_PAGE), PAGE_SIZE) !=
	    SVSM_SUCCESS) {
		check(false, "vTPM: validate the command page");
		return;
	}
	rc = vtpm_run_rc(tpm_buf(), cmd, tpm2_startup_clear(cmd));
	check(rc == 0 || rc == TPM_RC_INITIALIZE, "TPM2_Startup(CLEAR): 0x%x",
	      rc);
	resp = tpm(tpm2_get_random(cmd, 32), &rlen);
	check(resp != NULL && tpm2_rc(resp, rlen) == 0 && rlen == 12 + 32 &&
		      tpm2_be16(resp + 10) == 32,
	      "TPM2_GetRandom(32): 32 bytes");
	check(vtpm_pcr_read(tpm_buf(), cmd, TEST_PCR, before),
	      "TPM2_PCR_Read(%u) before", TEST_PCR);
	memset(digest, 0x5A, sizeof(digest));
	rc = vtpm_run_rc(tpm_buf(), cmd,
			 tpm2_pcr_extend_sha256(cmd, TEST_PCR, digest));
	check(rc == 0, "TPM2_PCR_Extend(%u, sha256): 0x%x", TEST_PCR, rc);
	check(vtpm_pcr_read(tpm_buf(), cmd, TEST_PCR, after) &&
		      memcmp(before, after, 32) != 0,
	      "TPM2_PCR_Read(%u) after: the value changed", TEST_PCR);
	/* The first use may answer RETRY: vtpm_run() sends it again. */
	resp = tpm(tpm2_create_primary_ecc_sign(cmd, 0x40000001), &rlen);
	rc = resp != NULL ? (uint32_t)tpm2_parse_create_primary_ecc(
				    resp, rlen, &handle, x, y) :
			    0xFFFFFFFFU;
	check(rc == 0, "TPM2_CreatePrimary(owner, ECC P-256): handle 0x%x",
	      handle);
	if (handle != 0) {
		rc = vtpm_run_rc(tpm_buf(), cmd,
				 tpm2_flush_context(cmd, handle));
		check(rc == 0, "TPM2_FlushContext: 0x%x", rc);
	}
	check_errors();
}
