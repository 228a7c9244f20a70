/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target over the SVSM's request loop: each input boots a small
 * simulated machine and plays a sequence of guest calls whose registers,
 * Calling Area contents (lists) and guest memory (VMSAs) come from the
 * input. Beyond ASan/UBSan, the SVSM must never terminate the VM, never
 * return an unknown result code, and never open its own region to the
 * guest.
 *
 * Record layout (RECORD bytes each): vcpu, call, mode, then four 64-bit
 * values v[0..3], then eight 64-bit list entries. Calls 0xE0..0xEF make a
 * raw VMGEXIT with call_pending = v[3] (any byte, including 0).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/mm.h"
#include "svsm/sim.h"
#include "machine/machine.h"
#include "abi/ghcb.h"
#include "abi/sev_status.h"
#include "abi/svsm_call.h"
#include "abi/svsm_core.h"
#include "abi/svsm_result.h"
#include "abi/vmsa.h"

#define MEM (16ULL << 20)
#define VCPUS 2U
#define RECORD (3 + 4 * 8 + 8 * 8)
#define MAX_RECORDS 32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* A guest-memory GPA from `v`: in range, keeping the low bits of `v`. */
static uint64_t gpa_of(uint64_t v)
{
	return ((v >> 12) % (MEM / 4096)) << 12 | (v & 0xFFF);
}

static bool known_result(uint32_t rc)
{
	return rc == SVSM_SUCCESS ||
	       (rc >= SVSM_ERR_INCOMPLETE && rc <= SVSM_ERR_BUSY) ||
	       (rc >= SVSM_ERR_PROTOCOL_BASE &&
		rc <= SVSM_ERR_PVALIDATE_FAIL_UNKNOWN);
}

/* Write a VMSA-looking page at `gpa` if the guest could write it. */
static void plant_vmsa(struct svsm_sim *sim, uint64_t gpa, uint64_t bits)
{
	struct sev_vmsa *v = svsm_sim_guest_ptr(sim, gpa, sizeof(*v));

	if (v == NULL || svsm_sim_guest_access(sim, 0, gpa, true) != 0) {
		return;
	}
	memset(v, 0, sizeof(*v));
	v->vmpl = (uint8_t)(bits & 3);
	v->efer = (bits & 4) ? EFER_SVME : 0;
	v->sev_features = SEV_FEATURES_FROM_STATUS(svsm_sim_sev_status(sim)) ^
			  ((bits & 8) ? 2 : 0);
}

/* The guest's VMGEXIT with any call_pending value, on vCPU 0. */
static void raw_vmgexit(struct svsm_sim *sim, uint64_t ca, uint8_t pending)
{
	struct snp_machine *m = snp_machine_current();
	uint8_t *p = svsm_sim_guest_ptr(sim, ca, 1);
	struct sev_vmsa *v = svsm_sim_guest_ptr(
		sim, snp_machine_vmsa_gpa(m, 0, 2), sizeof(*v));

	/* A call that changes nothing, whatever RAX the last one left. */
	v->rax = SVSM_CALL(SVSM_PROTOCOL_CORE, SVSM_CORE_QUERY_PROTOCOL);
	*p = pending;
	snp_machine_guest_wrmsr(m, 0, 2, MSR_GHCB, GHCB_MSR_VMPL_REQ_LEVEL(0));
	if (snp_machine_guest_vmgexit(m, 0, 2) != 0 || *p != 0) {
		abort(); /* every entry must be answered, pending cleared */
	}
}

static void play(struct svsm_sim *sim, const uint8_t *r, uint64_t *ca_gpa,
		 uint64_t boot_ca, uint64_t svsm_base)
{
	unsigned long reboots = svsm_sim_reboots(sim);
	unsigned vcpu = r[0] % VCPUS;
	uint8_t call = r[1];
	uint8_t mode = r[2];
	uint64_t ca = *ca_gpa;
	uint64_t v[4];
	struct svsm_sim_regs regs, in;
	unsigned i;
	int rc;

	for (i = 0; i < 4; i++) {
		v[i] = rd64(r + 3 + 8 * i);
		if (mode & (1U << i)) {
			v[i] = gpa_of(v[i]);
		}
	}
	if (mode & 0x10) {
		/* A list in the CA buffer, entries pointing into memory. */
		uint8_t *buf = svsm_sim_guest_ptr(sim, ca + 8, 8 + 8 * 8);
		struct svsm_list_hdr hdr = {
			.entry_count = (uint16_t)(1 + (v[3] & 7)),
			.next = (uint16_t)((v[3] >> 8) & 7),
		};

		memcpy(buf, &hdr, sizeof(hdr));
		for (i = 0; i < 8; i++) {
			uint64_t e = rd64(r + 35 + 8 * i);

			e = (mode & 0x40) ? e :
					    gpa_of(e & ~0xFFFULL) | (e & 0xF);
			memcpy(buf + 8 + 8 * i, &e, sizeof(e));
		}
		v[0] = ca + 8;
	}
	if (mode & 0x20) {
		plant_vmsa(sim, v[0] & ~0xFFFULL, v[3]);
	}
	if ((call & 0xF0) == 0xE0) {
		raw_vmgexit(sim, ca, (uint8_t)v[3]);
		return;
	}
	regs.rax = call >= 0xF0 ? SVSM_CALL(call & 0xF, v[3] & 0xF) :
				  SVSM_CALL(SVSM_PROTOCOL_CORE, call % 10);
	regs.rcx = v[0];
	regs.rdx = v[1];
	regs.r8 = (mode & 0x80) ? v[2] % VCPUS : v[2];
	regs.r9 = v[3];
	in = regs;
	rc = svsm_sim_call(sim, vcpu, &regs);
	if (rc != 0) {
		/* Only a vCPU without a guest VMSA may refuse a call. */
		if (vcpu == 0) {
			abort();
		}
		return;
	}
	if (!known_result((uint32_t)regs.rax)) {
		abort();
	}
	/*
	 * The guest follows its boot vCPU's CA, as Linux does: REMAP_CA by
	 * vCPU 0, and a new VMSA for APIC ID 0 (from any vCPU), which comes
	 * with its own CA (the harness's svsm_sim_call() tracks both too).
	 */
	/*
	 * A reboot (the reboot protocol's EXECUTE) relaunches the guest, whose
	 * boot vCPU starts again on the CA the secrets page names.
	 */
	if (svsm_sim_reboots(sim) != reboots) {
		*ca_gpa = boot_ca;
	} else if ((uint32_t)regs.rax == SVSM_SUCCESS) {
		if (vcpu == 0 && in.rax == SVSM_CALL(SVSM_PROTOCOL_CORE,
						     SVSM_CORE_REMAP_CA)) {
			*ca_gpa = in.rcx;
		}
		if (in.rax == SVSM_CALL(SVSM_PROTOCOL_CORE,
					SVSM_CORE_CREATE_VCPU) &&
		    (uint32_t)in.r8 == 0) {
			*ca_gpa = in.rdx;
		}
	}
	if (svsm_sim_guest_access(sim, 0, svsm_base, false) == 0 ||
	    svsm_sim_guest_access(sim, 0, MEM - 1, false) == 0) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct svsm_sim_config cfg = {
		.guest_mem_bytes = MEM,
		.vcpus = VCPUS,
		.vtpm = false,
	};
	struct svsm_sim *sim;
	const uint64_t *secrets;
	uint64_t ca, boot_ca;
	uint64_t base;
	size_t n;

	sim = svsm_sim_create(&cfg);
	if (sim == NULL) {
		abort();
	}
	secrets = svsm_sim_guest_ptr(sim, svsm_sim_secrets_gpa(sim), 4096);
	base = secrets[0x140 / 8];
	boot_ca = ca = secrets[0x150 / 8];
	for (n = 0; n < size / RECORD && n < MAX_RECORDS; n++) {
		play(sim, data + n * RECORD, &ca, boot_ca, base);
	}
	svsm_sim_destroy(sim);
	if (mm_allocated_bytes() != 0) {
		abort();
	}
	return 0;
}
