/* SPDX-License-Identifier: MIT */
/*
 * Benchmarks of the core protocol on the software machine (optimised
 * hosted build). Each cost is printed as a ratio to a reference measured in
 * the same run; nothing is asserted about time.
 *
 *   QUERY_PROTOCOL call      / bare VMGEXIT round trip (RUN_VMPL(0) that
 *                              the SVSM answers without a pending call)
 *   PVALIDATE, 4 KiB entries / memset of the same 4 KiB pages
 *   PVALIDATE, 2 MiB entries / memset of the same 2 MiB pages
 * (PVALIDATE figures are per page, validate + invalidate.)
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "svsm/sim.h"
#include "machine/machine.h"
#include "abi/ghcb.h"
#include "abi/svsm_call.h"
#include "abi/svsm_core.h"

#define PAGE 4096ULL
#define SIZE_2M (2ULL << 20)

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static struct svsm_sim *sim;
static uint64_t ca;
static volatile uint8_t sink;

static double bare_round_trip(unsigned n)
{
	struct snp_machine *m = snp_machine_current();
	double t0 = now_ns();
	unsigned i;

	for (i = 0; i < n; i++) {
		snp_machine_guest_wrmsr(m, 0, 2, MSR_GHCB,
					GHCB_MSR_VMPL_REQ_LEVEL(0));
		if (snp_machine_guest_vmgexit(m, 0, 2) != 0) {
			return -1;
		}
	}
	return (now_ns() - t0) / n;
}

static double query_call(unsigned n)
{
	struct svsm_sim_regs r;
	double t0 = now_ns();
	unsigned i;

	for (i = 0; i < n; i++) {
		r = (struct svsm_sim_regs){
			.rax = SVSM_CALL(0, SVSM_CORE_QUERY_PROTOCOL),
			.rcx = SVSM_QUERY_PROTOCOL_ARG(0, 1),
		};
		if (svsm_sim_call(sim, 0, &r) != 0 || r.rax != 0) {
			return -1;
		}
	}
	return (now_ns() - t0) / n;
}

/* One list call over `count` pages from `gpa`, repeated on INCOMPLETE. */
static int pval(uint64_t gpa, unsigned count, bool is_2m, bool validate)
{
	uint8_t *list = svsm_sim_guest_ptr(sim, ca + 8, 8 + 8 * count);
	struct svsm_list_hdr hdr = { .entry_count = (uint16_t)count };
	struct svsm_sim_regs r;
	unsigned i;

	memcpy(list, &hdr, sizeof(hdr));
	for (i = 0; i < count; i++) {
		uint64_t e = SVSM_PVAL_ENTRY(gpa + i * (is_2m ? SIZE_2M : PAGE),
					     is_2m ? SVSM_PVAL_SIZE_2M :
						     SVSM_PVAL_SIZE_4K,
					     validate, false);

		memcpy(list + 8 + 8 * i, &e, sizeof(e));
	}
	do {
		r = (struct svsm_sim_regs){
			.rax = SVSM_CALL(0, SVSM_CORE_PVALIDATE),
			.rcx = ca + 8,
		};
		if (svsm_sim_call(sim, 0, &r) != 0) {
			return -1;
		}
	} while ((uint32_t)r.rax == 0x80000000U);
	return (uint32_t)r.rax == 0 ? 0 : -1;
}

/* ns per page for validate + invalidate of `count` pages, `rounds` times. */
static double pvalidate_cost(uint64_t gpa, unsigned count, bool is_2m,
			     unsigned rounds)
{
	double t0 = now_ns();
	unsigned i;

	for (i = 0; i < rounds; i++) {
		if (pval(gpa, count, is_2m, true) != 0 ||
		    pval(gpa, count, is_2m, false) != 0) {
			return -1;
		}
	}
	return (now_ns() - t0) / ((double)rounds * count);
}

static double memset_cost(uint64_t gpa, unsigned count, uint64_t bytes,
			  unsigned rounds)
{
	uint8_t *p = svsm_sim_guest_ptr(sim, gpa, count * bytes);
	double t0 = now_ns();
	unsigned i, j;

	for (i = 0; i < rounds; i++) {
		for (j = 0; j < count; j++) {
			memset(p + j * bytes, 0, bytes);
			sink = p[j * bytes];
		}
	}
	return (now_ns() - t0) / ((double)rounds * count);
}

int main(void)
{
	struct svsm_sim_config cfg = { .guest_mem_bytes = 512ULL << 20,
				       .vcpus = 1,
				       .vtpm = false };
	uint64_t low = 2ULL << 20, high;
	double ref, cost;

	sim = svsm_sim_create(&cfg);
	if (sim == NULL) {
		fprintf(stderr, "bench-core: the SVSM did not boot\n");
		return 1;
	}
	memcpy(&ca,
	       (uint8_t *)svsm_sim_guest_ptr(sim, svsm_sim_secrets_gpa(sim),
					     4096) +
		       0x150,
	       8);
	memcpy(&high,
	       (uint8_t *)svsm_sim_guest_ptr(sim, svsm_sim_secrets_gpa(sim),
					     4096) +
		       0x140,
	       8);
	high = (high / 2) & ~(SIZE_2M - 1);

	ref = bare_round_trip(200000);
	cost = query_call(200000);
	printf("bench-core: bare VMGEXIT round trip     %8.1f ns (reference)\n",
	       ref);
	printf("bench-core: QUERY_PROTOCOL call         %8.1f ns  ratio %.2f\n",
	       cost, cost / ref);

	/* Touch the pages once so neither side pays the host's page faults. */
	memset_cost(low, 500, PAGE, 1);
	memset_cost(high, 32, SIZE_2M, 1);
	ref = memset_cost(low, 500, PAGE, 200);
	cost = pvalidate_cost(low, 500, false, 200);
	printf("bench-core: memset 4 KiB                %8.1f ns (reference)\n",
	       ref);
	printf("bench-core: PVALIDATE 4 KiB entry/page  %8.1f ns  ratio %.2f\n",
	       cost, cost / ref);

	ref = memset_cost(high, 32, SIZE_2M, 10);
	cost = pvalidate_cost(high, 32, true, 10);
	printf("bench-core: memset 2 MiB                %8.1f ns (reference)\n",
	       ref);
	printf("bench-core: PVALIDATE 2 MiB entry/page  %8.1f ns  ratio %.2f\n",
	       cost, cost / ref);
	svsm_sim_destroy(sim);
	return ref < 0 || cost < 0;
}
