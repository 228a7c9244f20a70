/* SPDX-License-Identifier: MIT */
/*
 * An outside conformance test of libsvsm-sim, built the way an outside
 * project builds it: `cc external_test.c $(pkg-config --cflags --libs
 * svsm-sim)`. It includes only <svsm/sim.h> and takes every protocol
 * constant from AMD publication 58019 itself (below), so it also checks
 * the SVSM's ABI numbers independently of the project's own headers.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <svsm/sim.h>

/* 58019 rev 1.00, tables 3-9. */
#define CORE(call) ((uint64_t)(call))
#define REMAP_CA 0
#define PVALIDATE 1
#define CREATE_VCPU 2
#define DELETE_VCPU 3
#define DEPOSIT_MEM 4
#define WITHDRAW_MEM 5
#define QUERY_PROTOCOL 6
#define SUCCESS 0x00000000U
#define ERR_UNSUPPORTED_PROTOCOL 0x80000001U
#define ERR_UNSUPPORTED_CALL 0x80000002U
#define ERR_INVALID_ADDRESS 0x80000003U
#define ERR_INVALID_PARAMETER 0x80000005U
#define PAGE 4096ULL
/* Secrets page (table 1) and the VMSA fields CREATE_VCPU checks. */
#define SECRETS_SVSM_BASE 0x140
#define SECRETS_SVSM_CAA 0x150
#define VMSA_VMPL 0x0CA
#define VMSA_EFER 0x0D0
#define VMSA_SEV_FEATURES 0x3B0
#define EFER_SVME (1ULL << 12)

static int failures;

#define EXPECT(cond)                                                           \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: expected %s\n", __FILE__,      \
				__LINE__, #cond);                              \
			failures++;                                            \
		}                                                              \
	} while (0)

static struct svsm_sim *sim;
static uint64_t ca;

static uint32_t call(unsigned vcpu, uint64_t rax, uint64_t rcx, uint64_t rdx,
		     uint64_t r8)
{
	struct svsm_sim_regs r = { rax, rcx, rdx, r8, 0 };

	if (svsm_sim_call(sim, vcpu, &r) != 0) {
		return 0xFFFFFFFFU;
	}
	return (uint32_t)r.rax;
}

/* A one-entry PVALIDATE list at CA + 8, as Linux builds it. */
static uint32_t pvalidate(uint64_t gpa, int validate)
{
	uint8_t *list = svsm_sim_guest_ptr(sim, ca + 8, 16);
	uint64_t entry = gpa | ((uint64_t)validate << 2);
	uint16_t hdr[4] = { 1, 0, 0, 0 };

	memcpy(list, hdr, sizeof(hdr));
	memcpy(list + 8, &entry, sizeof(entry));
	return call(0, CORE(PVALIDATE), ca + 8, 0, 0);
}

static uint64_t rd64(uint64_t gpa)
{
	uint64_t v;

	memcpy(&v, svsm_sim_guest_ptr(sim, gpa, 8), 8);
	return v;
}

int main(void)
{
	/* Designated: the config grows fields (persistent vTPM state). */
	struct svsm_sim_config cfg = { .guest_mem_bytes = 64ULL << 20,
				       .vcpus = 2,
				       .vtpm = false };
	const uint64_t page = 4ULL << 20;
	const uint64_t vmsa = page + 0x11000, ap_ca = page + 0x12000;
	uint8_t *p;
	uint64_t v, svsm_base, sev;
	uint16_t hdr[4] = { 1, 0, 0, 0 };

	sim = svsm_sim_create(&cfg);
	if (sim == NULL) {
		fprintf(stderr, "svsm_sim_create failed\n");
		return 1;
	}
	svsm_base = rd64(svsm_sim_secrets_gpa(sim) + SECRETS_SVSM_BASE);
	ca = rd64(svsm_sim_secrets_gpa(sim) + SECRETS_SVSM_CAA);
	EXPECT(ca != 0 && (ca & (PAGE - 1)) == 0);

	/* Discovery. */
	{
		struct svsm_sim_regs r = { CORE(QUERY_PROTOCOL), 1, 0, 0, 0 };

		r.rcx = (0ULL << 32) | 1;
		EXPECT(svsm_sim_call(sim, 0, &r) == 0 && r.rax == SUCCESS &&
		       r.rcx == ((1ULL << 32) | 1));
	}

	/* Validate, use, invalidate a page. */
	EXPECT(svsm_sim_guest_access(sim, 0, page, true) ==
	       SVSM_SIM_FAULT_NOT_VALIDATED);
	EXPECT(pvalidate(page, 1) == SUCCESS);
	EXPECT(svsm_sim_guest_access(sim, 0, page, true) == 0);
	p = svsm_sim_guest_ptr(sim, page, PAGE);
	memset(p, 0x5A, PAGE);
	EXPECT(pvalidate(page, 0) == SUCCESS);
	EXPECT(svsm_sim_guest_access(sim, 0, page, false) ==
	       SVSM_SIM_FAULT_NOT_VALIDATED);
	EXPECT(pvalidate(page, 1) == SUCCESS);
	EXPECT(p[100] == 0); /* validated pages come back zeroed */

	/* An AP: VMSA and CA pages validated, VMSA filled as Linux does. */
	EXPECT(pvalidate(vmsa, 1) == SUCCESS);
	EXPECT(pvalidate(ap_ca, 1) == SUCCESS);
	p = svsm_sim_guest_ptr(sim, vmsa, PAGE);
	memset(p, 0, PAGE);
	p[VMSA_VMPL] = 2;
	v = EFER_SVME;
	memcpy(p + VMSA_EFER, &v, 8);
	sev = svsm_sim_sev_status(sim) >> 2;
	memcpy(p + VMSA_SEV_FEATURES, &sev, 8);
	EXPECT(call(0, CORE(CREATE_VCPU), vmsa, ap_ca, 1) == SUCCESS);
	EXPECT(svsm_sim_guest_access(sim, 0, vmsa, false) ==
	       SVSM_SIM_FAULT_VMSA);
	EXPECT(call(1, CORE(QUERY_PROTOCOL), 1, 0, 0) == SUCCESS);
	EXPECT(call(0, CORE(DELETE_VCPU), vmsa, 0, 0) == SUCCESS);
	EXPECT(call(1, CORE(QUERY_PROTOCOL), 1, 0, 0) == 0xFFFFFFFFU);
	EXPECT(svsm_sim_guest_access(sim, 0, vmsa, true) == 0);

	/* Remap the boot vCPU's CA. */
	EXPECT(call(0, CORE(REMAP_CA), ap_ca, 0, 0) == SUCCESS);
	ca = ap_ca;
	EXPECT(call(0, CORE(QUERY_PROTOCOL), 1, 0, 0) == SUCCESS);

	/* Deposit a page and withdraw it. */
	p = svsm_sim_guest_ptr(sim, ca + 8, 16);
	memcpy(p, hdr, sizeof(hdr));
	v = page;
	memcpy(p + 8, &v, 8);
	EXPECT(call(0, CORE(DEPOSIT_MEM), ca + 8, 0, 0) == SUCCESS);
	EXPECT(svsm_sim_guest_access(sim, 0, page, false) ==
	       SVSM_SIM_FAULT_PERMISSION);
	EXPECT(((uint8_t *)svsm_sim_guest_ptr(sim, ca, 2))[1] == 1);
	EXPECT(call(0, CORE(WITHDRAW_MEM), ca + 8, 0, 0) == SUCCESS);
	EXPECT((uint16_t)rd64(ca + 8) == 1 && rd64(ca + 16) == page);
	EXPECT(svsm_sim_guest_access(sim, 0, page, true) == 0);

	/* Malformed calls get the spec's codes. */
	EXPECT(call(0, (77ULL << 32) | 0, 0, 0, 0) == ERR_UNSUPPORTED_PROTOCOL);
	EXPECT(call(0, CORE(99), 0, 0, 0) == ERR_UNSUPPORTED_CALL);
	EXPECT(call(0, CORE(PVALIDATE), ca + 12, 0, 0) ==
	       ERR_INVALID_PARAMETER);
	EXPECT(pvalidate(svsm_base, 1) == ERR_INVALID_ADDRESS);
	EXPECT(call(0, CORE(REMAP_CA), ca + 1, 0, 0) == ERR_INVALID_PARAMETER);
	EXPECT(call(0, CORE(CREATE_VCPU), svsm_base, ap_ca, 1) ==
	       ERR_INVALID_ADDRESS);
	EXPECT(call(0, CORE(DELETE_VCPU), page, 0, 0) == ERR_INVALID_PARAMETER);

	svsm_sim_destroy(sim);
	if (failures != 0) {
		fprintf(stderr, "external test: %d failure(s)\n", failures);
		return 1;
	}
	printf("external test: all checks passed\n");
	return 0;
}
