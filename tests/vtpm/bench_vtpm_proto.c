/* SPDX-License-Identifier: MIT */
/*
 * vTPM through the SVSM protocol, as a guest sees it: PCR_Extend,
 * GetRandom(32) and an ECC Quote sent by a VMPL2 guest with VTPM_CMD
 * (guest -> VMGEXIT -> SVSM request loop -> libtpms -> back), each as a
 * ratio to raw TPMLIB_Process on the same libtpms engine in the same run;
 * and an attestation request (ATTEST_SERVICES with certificates) as a
 * ratio to a QUERY_PROTOCOL round trip.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libtpms/tpm_library.h>

#include "svsm/sim.h"
#include "bench_measure.h"
#include "tpm2_cmds.h"

#define PAGE 4096ULL
#define CALL(p, c) (((uint64_t)(p) << 32) | (c))

static struct svsm_sim *sim;
static uint64_t ca, buf_gpa = 0x200000;

static uint32_t call(uint64_t rax, uint64_t rcx)
{
	struct svsm_sim_regs r = { .rax = rax, .rcx = rcx };

	if (svsm_sim_call(sim, 0, &r) != 0) {
		fprintf(stderr, "bench-vtpm-proto: call refused\n");
		exit(1);
	}
	return (uint32_t)r.rax;
}

static int send_proto(const uint8_t *cmd, size_t len, uint8_t *resp,
		      size_t *rlen)
{
	uint8_t *b = svsm_sim_guest_ptr(sim, buf_gpa, PAGE);
	uint32_t n = (uint32_t)len, pc = 8;

	memcpy(b, &pc, 4);
	b[4] = 0;
	memcpy(b + 5, &n, 4);
	memcpy(b + 9, cmd, len);
	if (call(CALL(2, 1), buf_gpa) != 0) {
		return -1;
	}
	memcpy(&n, b, 4);
	memcpy(resp, b + 4, n);
	*rlen = n;
	return 0;
}

static unsigned char *raw_buf;
static uint32_t raw_alloc;

static int send_raw(const uint8_t *cmd, size_t len, uint8_t *resp, size_t *rlen)
{
	uint32_t n = 0;

	if (TPMLIB_Process(&raw_buf, &n, &raw_alloc, (unsigned char *)cmd,
			   (uint32_t)len) != 0) {
		return -1;
	}
	memcpy(resp, raw_buf, n);
	*rlen = n;
	return 0;
}

static void validate(uint64_t gpa)
{
	uint8_t *list = svsm_sim_guest_ptr(sim, ca + 8, 16);
	uint64_t e = gpa | (1ULL << 2);

	memset(list, 0, 16);
	list[0] = 1;
	memcpy(list + 8, &e, 8);
	if (call(CALL(0, 1), ca + 8) != 0) {
		fprintf(stderr, "bench-vtpm-proto: PVALIDATE failed\n");
		exit(1);
	}
}

/* ATTEST_SERVICES with certificates: microseconds per request. */
static double attest_cost(int iters)
{
	uint64_t rep = 0x201000, man = 0x202000, non = 0x203000,
		 certs = 0x204000;
	uint8_t op[64] = { 0 };
	uint32_t sz;
	double t0;
	int i;

	memcpy(op + 0x00, &rep, 8);
	sz = PAGE;
	memcpy(op + 0x08, &sz, 4);
	memcpy(op + 0x10, &non, 8);
	sz = 64;
	memcpy(op + 0x18, &sz, 4);
	memcpy(op + 0x20, &man, 8);
	sz = PAGE;
	memcpy(op + 0x28, &sz, 4);
	memcpy(op + 0x30, &certs, 8);
	sz = 4 * PAGE;
	memcpy(op + 0x38, &sz, 4);
	t0 = bench_now_us();
	for (i = 0; i < iters; i++) {
		memcpy(svsm_sim_guest_ptr(sim, ca + 8, sizeof(op)), op,
		       sizeof(op));
		if (call(CALL(1, 0), ca + 8) != 0) {
			fprintf(stderr, "bench-vtpm-proto: attest failed\n");
			exit(1);
		}
	}
	return (bench_now_us() - t0) / iters;
}

static double query_cost(int iters)
{
	double t0 = bench_now_us();
	int i;

	for (i = 0; i < iters; i++) {
		call(CALL(0, 6), CALL(2, 1));
	}
	return (bench_now_us() - t0) / iters;
}

int main(void)
{
	static const uint8_t digest[32] = { 4, 5, 6 };
	static const uint8_t nonce[32] = { 7 };
	uint8_t cmd[TPM2_MAX], resp[TPM2_MAX], x[32], y[32];
	const uint8_t *secrets;
	size_t len, rlen;
	uint32_t key;
	unsigned i;
	struct {
		const char *name;
		size_t len;
		uint8_t cmd[TPM2_MAX];
		int iters;
	} rows[3];
	double q, a;

	sim = svsm_sim_create(NULL);
	if (sim == NULL) {
		return 1;
	}
	secrets = svsm_sim_guest_ptr(sim, svsm_sim_secrets_gpa(sim), PAGE);
	memcpy(&ca, secrets + 0x150, 8);
	for (i = 0; i < 8; i++) {
		validate(buf_gpa + i * PAGE);
	}
	len = tpm2_startup_clear(cmd);
	send_proto(cmd, len, resp, &rlen);
	len = tpm2_create_primary_ecc_sign(cmd, 0x40000001);
	if (send_proto(cmd, len, resp, &rlen) != 0 ||
	    tpm2_parse_create_primary_ecc(resp, rlen, &key, x, y) != 0) {
		fprintf(stderr, "bench-vtpm-proto: no signing key\n");
		return 1;
	}
	rows[0].name = "PCR_Extend";
	rows[0].len = tpm2_pcr_extend_sha256(rows[0].cmd, 16, digest);
	rows[0].iters = 2000;
	rows[1].name = "GetRandom(32)";
	rows[1].len = tpm2_get_random(rows[1].cmd, 32);
	rows[1].iters = 2000;
	rows[2].name = "Quote(ECC)";
	rows[2].len = tpm2_quote_ecc(rows[2].cmd, key, nonce);
	rows[2].iters = 100;
	printf("bench-vtpm-proto (guest VTPM_CMD vs raw TPMLIB_Process, same "
	       "engine, median of 5 batches):\n");
	for (i = 0; i < 3; i++) {
		double raw = bench_measure(send_raw, rows[i].cmd, rows[i].len,
					   rows[i].iters);
		double pro = bench_measure(send_proto, rows[i].cmd, rows[i].len,
					   rows[i].iters);

		printf("  %-14s raw %8.2f us | protocol %8.2f us | ratio "
		       "%.2fx (overhead %.2f us)\n",
		       rows[i].name, raw, pro, pro / raw, pro - raw);
	}
	q = query_cost(2000);
	a = attest_cost(50);
	printf("  attestation    ATTEST_SERVICES+certs %8.1f us | "
	       "QUERY_PROTOCOL round trip %6.2f us | ratio %.0fx\n",
	       a, q, a / q);
	svsm_sim_destroy(sim);
	return 0;
}
