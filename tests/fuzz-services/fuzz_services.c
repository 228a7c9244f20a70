/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target over the vTPM (protocol 2) and attestation (protocol 1)
 * request parsing, through the request loop of one simulated machine with a
 * vTPM (booted once: power-on makes an RSA EK). Each input is a sequence of
 * records; a record picks a call and where its buffer lies (a validated
 * guest page, the Calling Area, the SVSM region, anywhere), and supplies
 * the bytes the SVSM will parse: the TPM_SEND_COMMAND framing and command,
 * or the attestation operation with its buffer locations and sizes.
 *
 * FUZZ_SERVICES_TRACE=1 prints each call's result (to check seeds).
 *
 * Beyond ASan/UBSan: the SVSM must never terminate the VM, never answer with
 * an unknown result code, never open its region to the guest, and the vTPM
 * must keep answering.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/sim.h"
#include "psp/psp.h"

#define PAGE 4096ULL
#define CALL(p, c) (((uint64_t)(p) << 32) | (c))
#define MEM (64ULL << 20)
#define BUF 0x200000ULL /* 16 validated pages */
#define BUF_PAGES 16U
#define HDR 24U /* kind, place, 2 pad, then 5 x u32 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct svsm_sim *sim;
static uint64_t ca, svsm_base;

static uint32_t call(uint64_t rax, uint64_t rcx)
{
	struct svsm_sim_regs r = { .rax = rax, .rcx = rcx };

	if (svsm_sim_call(sim, 0, &r) != 0) {
		abort(); /* the SVSM terminated the VM */
	}
	return (uint32_t)r.rax;
}

static void teardown(void)
{
	svsm_sim_destroy(sim);
}

static void boot(void)
{
	struct svsm_sim_config cfg = { .guest_mem_bytes = MEM,
				       .vcpus = 1,
				       .vtpm = true };
	const uint8_t *s;
	unsigned i;

	/* Valid signatures at a fraction of the cost (see psp.h). */
	psp_reuse_signing_nonce(true);
	sim = svsm_sim_create(&cfg);
	if (sim == NULL) {
		abort();
	}
	s = svsm_sim_guest_ptr(sim, svsm_sim_secrets_gpa(sim), PAGE);
	memcpy(&svsm_base, s + 0x140, 8);
	memcpy(&ca, s + 0x150, 8);
	for (i = 0; i < BUF_PAGES; i++) {
		uint8_t *list = svsm_sim_guest_ptr(sim, ca + 8, 16);
		uint64_t e = (BUF + i * PAGE) | (1ULL << 2);

		memset(list, 0, 16);
		list[0] = 1;
		memcpy(list + 8, &e, 8);
		if (call(CALL(0, 1), ca + 8) != 0) {
			abort();
		}
	}
	atexit(teardown);
}

static bool known_result(uint32_t rc)
{
	return rc == 0 || (rc >= 0x80000000U && rc <= 0x80000007U) ||
	       (rc >= 0x80001000U && rc <= 0x80001011U);
}

/* Where a buffer goes: `place` chooses the kind, `v` the offset. */
static uint64_t place_of(uint8_t place, uint32_t v)
{
	switch (place & 7) {
	case 0:
	case 1:
	case 2:
		return BUF + (v % (BUF_PAGES * PAGE)); /* validated pages */
	case 3:
		return ca + (v & 0xFFF); /* the Calling Area */
	case 4:
		return svsm_base + (v % (2 * PAGE)); /* SVSM memory */
	case 5:
		return (uint64_t)v << 4; /* anywhere in the low 64 GiB */
	case 6:
		return MEM - (v & 0xFFF); /* straddling the end of memory */
	default:
		return 0;
	}
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* VTPM_CMD with the framing and command from the input. */
static uint32_t fuzz_vtpm(const uint8_t *h, const uint8_t *body, size_t n)
{
	uint64_t gpa = place_of(h[1], rd32(h + 4));
	uint8_t *buf = svsm_sim_guest_ptr(sim, gpa, n < PAGE ? n : PAGE);

	if (buf != NULL && gpa >= BUF && gpa + n <= BUF + BUF_PAGES * PAGE) {
		memcpy(buf, body, n); /* only ever write the guest's pages */
	}
	return call(CALL(2, h[0] & 1 ? 1 : (h[2] & 3)), gpa);
}

/* ATTEST_* with the operation (locations remapped) from the input. */
static uint32_t fuzz_attest(const uint8_t *h, const uint8_t *body, size_t n)
{
	uint8_t op[0x58] = { 0 };
	unsigned i;

	memcpy(op, body, n < sizeof(op) ? n : sizeof(op));
	for (i = 0; i < 4; i++) { /* report, nonce, manifest, certs */
		uint8_t place = op[i * 16 + 12];
		uint64_t gpa = place_of(place, rd32(op + i * 16));

		memcpy(op + i * 16, &gpa, 8);
		if (!(place &
		      0x80)) { /* mostly reach past the reserved check */
			memset(op + i * 16 + 12, 0, 4);
		}
	}
	memcpy(svsm_sim_guest_ptr(sim, ca + 8, sizeof(op)), op, sizeof(op));
	return call(CALL(1, h[2] % 3), ca + 8 + (h[3] & 0x0F));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int trace = -1;

	if (sim == NULL) {
		boot();
		trace = getenv("FUZZ_SERVICES_TRACE") != NULL;
	}
	while (size >= HDR) {
		const uint8_t *h = data;
		size_t n = rd32(h + 8) % (size - HDR + 1);
		uint32_t rc;

		n = n > 4096 ? 4096 : n;
		rc = (h[0] & 2) ? fuzz_attest(h, data + HDR, n) :
				  fuzz_vtpm(h, data + HDR, n);
		if (trace) {
			fprintf(stderr, "fuzz-services: kind %u -> %#x\n", h[0],
				rc);
		}
		if (!known_result(rc)) {
			abort();
		}
		data += HDR + n;
		size -= HDR + n;
	}
	/* The SVSM region stays private; the vTPM still answers. */
	if (svsm_sim_guest_access(sim, 0, svsm_base, false) == 0 ||
	    call(CALL(2, 0), 0) != 0) {
		abort();
	}
	return 0;
}
