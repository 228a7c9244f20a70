/* SPDX-License-Identifier: MIT */
/*
 * Benchmark of the software SNP machine (optimised hosted build): the cost
 * of a guest -> VMPL0 -> guest round trip (MSR protocol and GHCB page) and
 * of a PVALIDATE pair, printed as ratios against a reference measured in
 * the same run (an out-of-line call that copies 64 bytes). Nothing is
 * asserted about timings.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "machine.h"

#include "svsm/cpu.h"

#include "abi/ghcb.h"
#include "abi/snp_rmp.h"
#include "abi/vmsa.h"

#define GHCB0 0x10000ULL
#define GHCB2 0x11000ULL
#define GVMSA 0x20000ULL
#define BSPV 0x30000ULL
#define PG 0x40000ULL
#define ITERS 200000UL
#define ROUND_TRIPS 20000UL

static struct snp_machine *bm;
static int use_ghcb;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void vmpl0_run_guest(void)
{
	struct ghcb *g = (struct ghcb *)(snp_machine_mem(bm) + GHCB0);

	if (!use_ghcb) {
		cpu_wrmsr(MSR_GHCB, GHCB_MSR_VMPL_REQ_LEVEL(2));
		cpu_vmgexit();
		return;
	}
	memset(g->valid_bitmap, 0xFF, sizeof(g->valid_bitmap));
	g->protocol_version = 2;
	g->sw_exit_code = SVM_VMGEXIT_SNP_RUN_VMPL;
	g->sw_exit_info_1 = 2;
	g->sw_exit_info_2 = 0;
	cpu_wrmsr(MSR_GHCB, GHCB0);
	cpu_vmgexit();
}

/* The VMPL0 context: add one to the guest's RAX on every entry. */
static void bench_entry(uint64_t arg)
{
	struct sev_vmsa *v = (struct sev_vmsa *)(snp_machine_mem(bm) + GVMSA);

	(void)arg;
	cpu_wrmsr(MSR_GHCB, GHCB_MSR_REG_GPA(GHCB0 >> 12));
	cpu_vmgexit();
	for (;;) {
		vmpl0_run_guest();
		v->rax++;
	}
}

static void fill_vmsa(uint64_t gpa, unsigned vmpl, void (*entry)(uint64_t))
{
	struct sev_vmsa *v = (struct sev_vmsa *)(snp_machine_mem(bm) + gpa);
	uint64_t rip;

	memcpy(&rip, &entry, sizeof(rip));
	memset(v, 0, sizeof(*v));
	v->vmpl = (uint8_t)vmpl;
	v->rip = rip;
	v->efer = EFER_SVME;
	v->sev_features = 1;
}

static int setup(void)
{
	struct snp_machine_config cfg = { .mem_bytes = 64ULL << 20,
					  .vcpus = 1,
					  .sev_status = 0x7 };
	struct ghcb *g;
	bool cf;

	bm = snp_machine_create(&cfg);
	if (bm == NULL) {
		return -1;
	}
	/* vCPU 0's VMPL2 VMSA, registered by VMPL0 code in the main context. */
	fill_vmsa(GVMSA, 2, NULL);
	if (snp_machine_rmp_update(bm, GVMSA, false, true) != 0 ||
	    snp_machine_pvalidate(bm, GVMSA, 0, true, &cf) != 0 ||
	    snp_machine_rmpadjust(bm, 0, GVMSA, 0, RMPADJUST_VMSA | 1) != 0) {
		return -1;
	}
	cpu_wrmsr(MSR_GHCB, GHCB_MSR_REG_GPA(GHCB0 >> 12));
	cpu_vmgexit();
	g = (struct ghcb *)(snp_machine_mem(bm) + GHCB0);
	memset(g, 0, sizeof(*g));
	memset(g->valid_bitmap, 0xFF, sizeof(g->valid_bitmap));
	g->protocol_version = 2;
	g->sw_exit_code = SVM_VMGEXIT_AP_CREATION;
	g->sw_exit_info_1 = SVM_VMGEXIT_AP_EXITINFO1(0, 2, 0);
	g->sw_exit_info_2 = GVMSA;
	g->rax = 1;
	cpu_wrmsr(MSR_GHCB, GHCB0);
	cpu_vmgexit();
	if (g->sw_exit_info_1 != 0) {
		return -1;
	}
	fill_vmsa(BSPV, 0, bench_entry);
	if (snp_machine_launch_page(bm, BSPV, SNP_LAUNCH_VMSA) != 0 ||
	    snp_machine_boot(bm, 0, BSPV) != 0) {
		return -1;
	}
	snp_machine_guest_wrmsr(bm, 0, 2, MSR_GHCB,
				GHCB_MSR_REG_GPA(GHCB2 >> 12));
	return snp_machine_guest_vmgexit(bm, 0, 2);
}

static uint8_t ref_src[64], ref_dst[64];

static __attribute__((noinline)) void reference_op(void)
{
	memcpy(ref_dst, ref_src, sizeof(ref_dst));
	__asm__ volatile("" ::: "memory");
}

static double time_reference(void)
{
	double t0 = now_ns();
	unsigned long i;

	for (i = 0; i < ITERS; i++) {
		reference_op();
	}
	return (now_ns() - t0) / ITERS;
}

static double time_round_trip(int ghcb)
{
	struct ghcb *g = (struct ghcb *)(snp_machine_mem(bm) + GHCB2);
	double t0;
	unsigned long i;

	use_ghcb = ghcb;
	t0 = now_ns();
	for (i = 0; i < ROUND_TRIPS; i++) {
		if (ghcb) {
			memset(g->valid_bitmap, 0xFF, sizeof(g->valid_bitmap));
			g->protocol_version = 2;
			g->sw_exit_code = SVM_VMGEXIT_SNP_RUN_VMPL;
			g->sw_exit_info_1 = 0;
			g->sw_exit_info_2 = 0;
			snp_machine_guest_wrmsr(bm, 0, 2, MSR_GHCB, GHCB2);
		} else {
			snp_machine_guest_wrmsr(bm, 0, 2, MSR_GHCB,
						GHCB_MSR_VMPL_REQ_LEVEL(0));
		}
		if (snp_machine_guest_vmgexit(bm, 0, 2) != 0) {
			return -1.0;
		}
	}
	return (now_ns() - t0) / (double)ROUND_TRIPS;
}

static double time_pvalidate(void)
{
	double t0;
	unsigned long i;
	bool cf;

	if (snp_machine_rmp_update(bm, PG, false, true) != 0) {
		return -1.0;
	}
	t0 = now_ns();
	for (i = 0; i < ITERS; i++) {
		snp_machine_pvalidate(bm, PG, 0, true, &cf);
		snp_machine_pvalidate(bm, PG, 0, false, &cf);
	}
	return (now_ns() - t0) / ITERS;
}

int main(void)
{
	double ref, msr, ghcb, pval;

	if (setup() != 0) {
		fprintf(stderr, "bench-machine: setup failed\n");
		return 1;
	}
	ref = time_reference();
	msr = time_round_trip(0);
	ghcb = time_round_trip(1);
	pval = time_pvalidate();
	if (msr < 0 || ghcb < 0 || pval < 0) {
		fprintf(stderr, "bench-machine: a request failed\n");
		return 1;
	}
	printf("reference (64-byte copy call): %.1f ns\n", ref);
	printf("round trip, MSR protocol:  %8.1f ns  %8.1fx reference\n", msr,
	       msr / ref);
	printf("round trip, GHCB page:     %8.1f ns  %8.1fx reference\n", ghcb,
	       ghcb / ref);
	printf("PVALIDATE pair:            %8.1f ns  %8.1fx reference\n", pval,
	       pval / ref);
	snp_machine_destroy(bm);
	return 0;
}
