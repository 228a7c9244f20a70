/* SPDX-License-Identifier: MIT */
/* Guest-side tests of SVSM_CORE_CREATE_VCPU and SVSM_CORE_DELETE_VCPU. */
#include <string.h>

#include "guest.h"
#include "machine/machine.h"
#include "abi/ghcb.h"
#include "abi/snp_rmp.h"
#include "abi/vmsa.h"

/* An AP's VMSA (not 2 MiB aligned, as Linux allocates it) and its CA. */
#define AP_VMSA(g) ((g)->low + 0x11000)
#define AP_CA(g) ((g)->low + 0x12000)

static void prepare_ap(struct guest *g)
{
	make_ap_vmsa(g, AP_VMSA(g));
	assert_int_equal(pvalidate_one(g, AP_CA(g), false, true, false),
			 SVSM_SUCCESS);
}

static uint32_t create(struct guest *g, uint64_t vmsa, uint64_t ca,
		       uint64_t apic)
{
	return core_call(g, 0, SVSM_CORE_CREATE_VCPU, vmsa, ca, apic);
}

static struct sev_vmsa *ap_vmsa(struct guest *g)
{
	return gptr(g, AP_VMSA(g), sizeof(struct sev_vmsa));
}

/** Confirm that an AP created as Linux does it serves calls until deleted. */
static void create_vcpu_and_delete(void **state)
{
	struct guest *g = *state;
	struct svsm_sim_regs r = {
		.rax = SVSM_CALL(SVSM_PROTOCOL_CORE, SVSM_CORE_QUERY_PROTOCOL),
		.rcx = SVSM_QUERY_PROTOCOL_ARG(0, 1),
	};

	prepare_ap(g);
	assert_int_equal(create(g, AP_VMSA(g), AP_CA(g), 1), SVSM_SUCCESS);
	assert_int_equal(snp_machine_vmsa_gpa(snp_machine_current(), 1, 2),
			 AP_VMSA(g));
	/* The VMSA is no longer guest memory. */
	assert_int_equal(access_of(g, AP_VMSA(g), false), SVSM_SIM_FAULT_VMSA);
	assert_int_equal(raw_call(g, 1, &r), SVSM_SUCCESS);
	assert_int_equal(r.rcx, (1ULL << 32) | 1);
	/* The AP's CA and VMSA cannot be validated away or reused. */
	assert_int_equal(pvalidate_one(g, AP_CA(g), false, false, false),
			 SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(pvalidate_one(g, AP_VMSA(g), false, false, false),
			 SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(
		core_call(g, 0, SVSM_CORE_DELETE_VCPU, AP_VMSA(g), 0, 0),
		SVSM_SUCCESS);
	assert_int_equal(svsm_sim_call(g->sim, 1, &r), -1);
	assert_int_equal(access_of(g, AP_VMSA(g), true), 0);
	assert_int_equal(pvalidate_one(g, AP_VMSA(g), false, false, false),
			 SVSM_SUCCESS);
}

/** Confirm that an AP can remap its own CA. */
static void create_vcpu_ap_remap_ca(void **state)
{
	struct guest *g = *state;
	uint64_t ca2 = g->low + 0x13000;

	prepare_ap(g);
	assert_int_equal(pvalidate_one(g, ca2, false, true, false),
			 SVSM_SUCCESS);
	assert_int_equal(create(g, AP_VMSA(g), AP_CA(g), 1), SVSM_SUCCESS);
	assert_int_equal(core_call(g, 1, SVSM_CORE_REMAP_CA, ca2, 0, 0),
			 SVSM_SUCCESS);
	assert_int_equal(core_call(g, 1, SVSM_CORE_QUERY_PROTOCOL, 0, 0, 0),
			 SVSM_SUCCESS);
	/* The old CA is free again, the new one is the SVSM's. */
	assert_int_equal(pvalidate_one(g, AP_CA(g), false, false, false),
			 SVSM_SUCCESS);
	assert_int_equal(pvalidate_one(g, ca2, false, false, false),
			 SVSM_ERR_INVALID_ADDRESS);
}

/** Confirm that misaligned VMSA or CA GPAs are INVALID_PARAMETER. */
static void create_vcpu_misaligned(void **state)
{
	struct guest *g = *state;

	prepare_ap(g);
	assert_int_equal(create(g, AP_VMSA(g) + 8, AP_CA(g), 1),
			 SVSM_ERR_INVALID_PARAMETER);
	assert_int_equal(create(g, AP_VMSA(g), AP_CA(g) + 0x800, 1),
			 SVSM_ERR_INVALID_PARAMETER);
	assert_int_equal(access_of(g, AP_VMSA(g), true), 0);
}

/** Confirm that VMSA or CA GPAs in SVSM-owned or no memory are refused. */
static void create_vcpu_invalid_address(void **state)
{
	struct guest *g = *state;
	uint64_t boot_vmsa = snp_machine_vmsa_gpa(snp_machine_current(), 0, 2);

	prepare_ap(g);
	assert_int_equal(create(g, g->svsm_base, AP_CA(g), 1),
			 SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(create(g, AP_VMSA(g), g->svsm_base + PAGE, 1),
			 SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(create(g, g->ca, AP_CA(g), 1),
			 SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(create(g, AP_VMSA(g), boot_vmsa, 1),
			 SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(create(g, AP_VMSA(g), g->ca, 1),
			 SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(create(g, boot_vmsa, AP_CA(g), 1),
			 SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(create(g, g->mem, AP_CA(g), 1),
			 SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(create(g, AP_VMSA(g), AP_VMSA(g), 1),
			 SVSM_ERR_INVALID_ADDRESS);
	/* Unvalidated VMSA or CA pages. */
	assert_int_equal(create(g, g->low + 0x20000, AP_CA(g), 1),
			 SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(create(g, AP_VMSA(g), g->low + 0x20000, 1),
			 SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(access_of(g, AP_VMSA(g), true), 0);
	assert_int_equal(access_of(g, AP_CA(g), true), 0);
}

/**
 * Confirm that a 2 MiB aligned VMSA GPA (an SNP erratum) is
 * INVALID_PARAMETER and the page stays the guest's.
 */
static void create_vcpu_2m_aligned_vmsa(void **state)
{
	struct guest *g = *state;
	uint64_t vmsa = g->low + SIZE_2M;

	prepare_ap(g);
	make_ap_vmsa(g, vmsa);
	assert_int_equal(create(g, vmsa, AP_CA(g), 1),
			 SVSM_ERR_INVALID_PARAMETER);
	assert_int_equal(access_of(g, vmsa, true), 0);
	assert_int_equal(snp_machine_vmsa_gpa(snp_machine_current(), 1, 2), 0);
	/* The same VMSA one page up is fine. */
	make_ap_vmsa(g, vmsa + PAGE);
	assert_int_equal(create(g, vmsa + PAGE, AP_CA(g), 1), SVSM_SUCCESS);
}

/** Confirm that no VMPL0 VMSA the SVSM builds for its APs is 2 MiB aligned. */
static void svsm_vmsas_not_2m_aligned(void **state)
{
	struct svsm_sim_config cfg = {
		.guest_mem_bytes = 256 * MIB,
		.vcpus = 64,
		.vtpm = false,
	};
	struct svsm_sim *sim = svsm_sim_create(&cfg);
	unsigned i;

	(void)state;
	assert_non_null(sim);
	for (i = 1; i < cfg.vcpus; i++) {
		uint64_t gpa =
			snp_machine_vmsa_gpa(snp_machine_current(), i, 0);

		assert_int_not_equal(gpa, 0);
		assert_int_not_equal(gpa & (SIZE_2M - 1), 0);
	}
	svsm_sim_destroy(sim);
}

/** Confirm that a bad VMPL, EFER.SVME or SEV_FEATURES is refused. */
static void create_vcpu_bad_vmsa(void **state)
{
	struct guest *g = *state;
	struct sev_vmsa *v;

	prepare_ap(g);
	v = ap_vmsa(g);
	v->vmpl = 0;
	assert_int_equal(create(g, AP_VMSA(g), AP_CA(g), 1),
			 SVSM_ERR_INVALID_PARAMETER);
	/* The page came back to the guest. */
	assert_int_equal(access_of(g, AP_VMSA(g), true), 0);
	v->vmpl = 1;
	assert_int_equal(create(g, AP_VMSA(g), AP_CA(g), 1),
			 SVSM_ERR_INVALID_PARAMETER);
	v->vmpl = 3;
	assert_int_equal(create(g, AP_VMSA(g), AP_CA(g), 1),
			 SVSM_ERR_INVALID_PARAMETER);
	v->vmpl = 2;
	v->efer = 0;
	assert_int_equal(create(g, AP_VMSA(g), AP_CA(g), 1),
			 SVSM_ERR_INVALID_PARAMETER);
	v->efer = EFER_SVME;
	v->sev_features ^= 1ULL << 5;
	assert_int_equal(create(g, AP_VMSA(g), AP_CA(g), 1),
			 SVSM_ERR_INVALID_PARAMETER);
	assert_int_equal(access_of(g, AP_VMSA(g), true), 0);
	assert_int_equal(snp_machine_vmsa_gpa(snp_machine_current(), 1, 2), 0);
}

/** Confirm that an unknown APIC ID is INVALID_PARAMETER. */
static void create_vcpu_bad_apic_id(void **state)
{
	struct guest *g = *state;

	prepare_ap(g);
	assert_int_equal(create(g, AP_VMSA(g), AP_CA(g), 2),
			 SVSM_ERR_INVALID_PARAMETER);
	assert_int_equal(create(g, AP_VMSA(g), AP_CA(g), 0xFFFFFFFFULL),
			 SVSM_ERR_INVALID_PARAMETER);
	/* R8[63:32] are not part of the APIC ID. */
	assert_int_equal(create(g, AP_VMSA(g), AP_CA(g), (7ULL << 32) | 1),
			 SVSM_SUCCESS);
}

/** Confirm that a VMSA cannot be registered twice. */
static void create_vcpu_twice(void **state)
{
	struct guest *g = *state;

	prepare_ap(g);
	assert_int_equal(create(g, AP_VMSA(g), AP_CA(g), 1), SVSM_SUCCESS);
	assert_int_equal(create(g, AP_VMSA(g), AP_CA(g), 1),
			 SVSM_ERR_INVALID_ADDRESS);
}

/** Confirm that the VMSA registry's limit gives INVALID_REQUEST. */
static void create_vcpu_registry_full(void **state)
{
	struct guest *g = *state;
	unsigned i;

	/* 2 vCPUs x 2 slots, one used by the boot VMSA. */
	for (i = 0; i < 4; i++) {
		uint64_t vmsa = g->low + 0x40000 + i * 0x2000;

		make_ap_vmsa(g, vmsa);
		assert_int_equal(
			pvalidate_one(g, vmsa + PAGE, false, true, false),
			SVSM_SUCCESS);
		assert_int_equal(create(g, vmsa, vmsa + PAGE, 1),
				 i < 3 ? SVSM_SUCCESS :
					 SVSM_ERR_INVALID_REQUEST);
	}
	assert_int_equal(access_of(g, g->low + 0x46000, true), 0);
}

/** Confirm that DELETE_VCPU of unknown or misaligned VMSAs is refused. */
static void delete_vcpu_invalid_parameter(void **state)
{
	struct guest *g = *state;
	uint64_t boot_vmsa = snp_machine_vmsa_gpa(snp_machine_current(), 0, 2);

	assert_int_equal(core_call(g, 0, SVSM_CORE_DELETE_VCPU, g->low, 0, 0),
			 SVSM_ERR_INVALID_PARAMETER);
	assert_int_equal(
		core_call(g, 0, SVSM_CORE_DELETE_VCPU, boot_vmsa + 8, 0, 0),
		SVSM_ERR_INVALID_PARAMETER);
	/* The boot vCPU's VMSA is never deleted. */
	assert_int_equal(
		core_call(g, 0, SVSM_CORE_DELETE_VCPU, boot_vmsa, 0, 0),
		SVSM_ERR_INVALID_PARAMETER);
	assert_int_equal(access_of(g, boot_vmsa, false), SVSM_SIM_FAULT_VMSA);
}

/** Confirm that deleting the caller's own VMSA is FAIL_INUSE. */
static void delete_vcpu_in_use(void **state)
{
	struct guest *g = *state;

	prepare_ap(g);
	assert_int_equal(create(g, AP_VMSA(g), AP_CA(g), 1), SVSM_SUCCESS);
	assert_int_equal(
		core_call(g, 1, SVSM_CORE_DELETE_VCPU, AP_VMSA(g), 0, 0),
		SVSM_ERR_CORE_FAIL_INUSE);
	assert_int_equal(core_call(g, 1, SVSM_CORE_QUERY_PROTOCOL, 0, 0, 0),
			 SVSM_SUCCESS);
}

/**
 * Confirm that DELETE_VCPU refuses (FAIL_INUSE) a VMSA whose SVME another
 * vCPU's request loop has cleared, and leaves it registered and runnable:
 * the invariant request.c relies on to serve calls without `core_lock`.
 */
static void delete_vcpu_svme_clear_in_use(void **state)
{
	struct guest *g = *state;
	uint8_t *mem = snp_machine_mem(snp_machine_current());
	struct sev_vmsa *v = (struct sev_vmsa *)(mem + AP_VMSA(g));

	prepare_ap(g);
	assert_int_equal(create(g, AP_VMSA(g), AP_CA(g), 1), SVSM_SUCCESS);
	/* What vCPU 1's loop does (under `core_lock`) when a call arrives. */
	v->efer &= ~EFER_SVME;
	assert_int_equal(
		core_call(g, 0, SVSM_CORE_DELETE_VCPU, AP_VMSA(g), 0, 0),
		SVSM_ERR_CORE_FAIL_INUSE);
	assert_int_equal(snp_machine_vmsa_gpa(snp_machine_current(), 1, 2),
			 AP_VMSA(g));
	assert_int_equal(access_of(g, AP_VMSA(g), false), SVSM_SIM_FAULT_VMSA);
	/* The call completes: SVME is set again and DELETE_VCPU succeeds. */
	v->efer |= EFER_SVME;
	assert_int_equal(core_call(g, 1, SVSM_CORE_QUERY_PROTOCOL, 0, 0, 0),
			 SVSM_SUCCESS);
	assert_true(v->efer & EFER_SVME);
	assert_int_equal(
		core_call(g, 0, SVSM_CORE_DELETE_VCPU, AP_VMSA(g), 0, 0),
		SVSM_SUCCESS);
}

/** Confirm that Linux's replace-then-delete AP bring-up works. */
static void create_vcpu_replace_then_delete(void **state)
{
	struct guest *g = *state;
	uint64_t vmsa2 = g->low + 0x31000;

	prepare_ap(g);
	assert_int_equal(create(g, AP_VMSA(g), AP_CA(g), 1), SVSM_SUCCESS);
	make_ap_vmsa(g, vmsa2);
	assert_int_equal(create(g, vmsa2, g->low + 0x32000, 1),
			 SVSM_ERR_INVALID_ADDRESS); /* CA not validated */
	assert_int_equal(pvalidate_one(g, g->low + 0x32000, false, true, false),
			 SVSM_SUCCESS);
	assert_int_equal(create(g, vmsa2, g->low + 0x32000, 1), SVSM_SUCCESS);
	assert_int_equal(
		core_call(g, 0, SVSM_CORE_DELETE_VCPU, AP_VMSA(g), 0, 0),
		SVSM_SUCCESS);
	assert_int_equal(snp_machine_vmsa_gpa(snp_machine_current(), 1, 2),
			 vmsa2);
	assert_int_equal(core_call(g, 1, SVSM_CORE_QUERY_PROTOCOL, 0, 0, 0),
			 SVSM_SUCCESS);
}

/*
 * Confirm that Linux can bring an AP back online (issue 11, item 3).
 * Linux's wakeup_cpu_via_vmgexit() allocates a new VMSA each time and
 * registers it with the AP's per-CPU Calling Area, which is still the CA
 * of the VMSA being replaced, then deletes the old VMSA. The CA of the
 * VMSA being replaced on the same vCPU is accepted; a CA in use by another
 * vCPU stays refused. Before the fix, the second CREATE_VCPU failed with
 * INVALID_ADDRESS and an offlined CPU never came back.
 */
static void create_vcpu_reonline_same_ca(void **state)
{
	struct guest *g = *state;
	uint64_t vmsa[2] = { AP_VMSA(g), g->low + 0x31000 };
	uint64_t other = g->low + 0x33000;
	unsigned i;

	prepare_ap(g);
	/* Boot: the AP comes online with VMSA 0 and its per-CPU CA. */
	assert_int_equal(create(g, vmsa[0], AP_CA(g), 1), SVSM_SUCCESS);
	assert_int_equal(core_call(g, 1, SVSM_CORE_QUERY_PROTOCOL, 0, 0, 0),
			 SVSM_SUCCESS);
	/* Offline and online again, twice: new VMSA, same CA, delete old. */
	for (i = 1; i <= 2; i++) {
		uint64_t cur = vmsa[i % 2], old = vmsa[(i + 1) % 2];

		if (i == 1) {
			make_ap_vmsa(g, cur);
		} else {
			fill_ap_vmsa(g, cur); /* given back validated */
		}
		assert_int_equal(create(g, cur, AP_CA(g), 1), SVSM_SUCCESS);
		assert_int_equal(
			core_call(g, 0, SVSM_CORE_DELETE_VCPU, old, 0, 0),
			SVSM_SUCCESS);
		assert_int_equal(
			snp_machine_vmsa_gpa(snp_machine_current(), 1, 2), cur);
		assert_int_equal(access_of(g, old, true), 0);
		assert_int_equal(
			core_call(g, 1, SVSM_CORE_QUERY_PROTOCOL, 0, 0, 0),
			SVSM_SUCCESS);
		/* The CA stays the SVSM's: it still belongs to the AP. */
		assert_int_equal(
			pvalidate_one(g, AP_CA(g), false, false, false),
			SVSM_ERR_INVALID_ADDRESS);
	}
	/* A CA in use by another vCPU is still refused, either way round. */
	make_ap_vmsa(g, other);
	assert_int_equal(create(g, other, g->ca, 1), SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(create(g, other, AP_CA(g), 0),
			 SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(access_of(g, other, true), 0);
	assert_int_equal(snp_machine_vmsa_gpa(snp_machine_current(), 1, 2),
			 vmsa[0]);
}

/*
 * The RMP entry of `gpa`, writable: a test's stand-in for an RMPADJUST
 * failure the model does not produce by itself (on hardware, FAIL_INUSE
 * when a host that claimed to destroy the AP still runs the VMSA). The
 * model is left as it is; the test changes one entry and restores it.
 */
static struct rmp_entry *rmp_poke(uint64_t gpa)
{
	const struct rmp_entry *e = snp_machine_rmp(snp_machine_current(), gpa);

	assert_non_null(e);
	return (struct rmp_entry *)(uintptr_t)e;
}

/* WITHDRAW_MEM into the CA buffer; true if `gpa` came back. */
static bool withdraw_has(struct guest *g, uint64_t gpa)
{
	const uint8_t *list = gptr(g, ca_buf(g), PAGE - 8);
	uint16_t count, i;

	assert_int_equal(
		core_call(g, 0, SVSM_CORE_WITHDRAW_MEM, ca_buf(g), 0, 0),
		SVSM_SUCCESS);
	memcpy(&count, list, sizeof(count));
	for (i = 0; i < count; i++) {
		uint64_t e;

		memcpy(&e, list + 8 + 8 * i, sizeof(e));
		if (e == gpa) {
			return true;
		}
	}
	return false;
}

/*
 * Confirm that DELETE_VCPU does not ignore RMPADJUST failures (issue 11,
 * item 5). When the VMSA page cannot stop being a VMSA, the call fails and
 * the VMSA stays registered and served; when it stopped being a VMSA but
 * cannot be granted back, the call fails and the page is kept as
 * deposited memory (WITHDRAW_MEM returns it). Before the fix both calls
 * returned SUCCESS and the SVSM forgot the page.
 */
static void delete_vcpu_rmpadjust_fails(void **state)
{
	struct guest *g = *state;
	struct rmp_entry *e;

	prepare_ap(g);
	assert_int_equal(create(g, AP_VMSA(g), AP_CA(g), 1), SVSM_SUCCESS);
	e = rmp_poke(AP_VMSA(g));
	/* 1. Clearing the VMSA bit fails (the entry looks unvalidated). */
	e->validated = false;
	assert_int_equal(
		core_call(g, 0, SVSM_CORE_DELETE_VCPU, AP_VMSA(g), 0, 0),
		SVSM_ERR_PROTOCOL(RMPADJUST_FAIL_INPUT));
	e->validated = true;
	assert_true(e->vmsa);
	assert_int_equal(access_of(g, AP_VMSA(g), false), SVSM_SIM_FAULT_VMSA);
	assert_int_equal(pvalidate_one(g, AP_VMSA(g), false, false, false),
			 SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(snp_machine_vmsa_gpa(snp_machine_current(), 1, 2),
			 AP_VMSA(g));
	assert_int_equal(core_call(g, 1, SVSM_CORE_QUERY_PROTOCOL, 0, 0, 0),
			 SVSM_SUCCESS);
	/* 2. The VMSA bit clears, granting the page back fails. */
	e->perms[0] = 0;
	assert_int_equal(
		core_call(g, 0, SVSM_CORE_DELETE_VCPU, AP_VMSA(g), 0, 0),
		SVSM_ERR_RMPADJUST_FAIL_PERMISSION);
	e->perms[0] = RMP_PERM_ALL;
	assert_false(e->vmsa);
	assert_int_equal(svsm_sim_call(g->sim, 1, &(struct svsm_sim_regs){ 0 }),
			 -1);
	/* Not lost: the SVSM holds it as deposited memory, and gives it back. */
	assert_int_equal(pvalidate_one(g, AP_VMSA(g), false, false, false),
			 SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(access_of(g, AP_VMSA(g), false),
			 SVSM_SIM_FAULT_PERMISSION);
	assert_true(withdraw_has(g, AP_VMSA(g)));
	assert_int_equal(access_of(g, AP_VMSA(g), true), 0);
}

/*
 * The sibling in CREATE_VCPU: a refused VMSA goes back to the guest through
 * the same two RMPADJUSTs, whose failures were ignored. If the grant fails,
 * the page is kept as deposited memory instead of being left without any
 * guest access and forgotten; WITHDRAW_MEM gives it back.
 */
static void create_vcpu_page_return_fails(void **state)
{
	struct guest *g = *state;
	struct rmp_entry *e;

	prepare_ap(g);
	ap_vmsa(g)->vmpl = 1; /* refused after the page became a VMSA */
	e = rmp_poke(AP_VMSA(g));
	e->perms[0] = RMP_PERM_ALL & ~RMP_PERM_WRITE; /* grants fail */
	assert_int_equal(create(g, AP_VMSA(g), AP_CA(g), 1),
			 SVSM_ERR_INVALID_PARAMETER);
	e->perms[0] = RMP_PERM_ALL;
	assert_false(e->vmsa);
	assert_int_equal(pvalidate_one(g, AP_VMSA(g), false, false, false),
			 SVSM_ERR_INVALID_ADDRESS);
	assert_true(withdraw_has(g, AP_VMSA(g)));
	assert_int_equal(access_of(g, AP_VMSA(g), true), 0);
}

/**
 * Confirm that a CREATE_VCPU the host refuses (AP creation error) returns
 * INVALID_REQUEST and changes nothing: the CA header is left as it was and
 * the VMSA page comes back to the guest.
 */
static void create_vcpu_ap_creation_refused(void **state)
{
	struct guest *g = *state;
	uint8_t *ca = gptr(g, AP_CA(g), 8);
	static const uint8_t hdr[8] = {
		1, 1, 0x5A, 0x5A, 0x5A, 0x5A, 0x5A, 0x5A
	};

	prepare_ap(g);
	memcpy(ca, hdr, sizeof(hdr));
	snp_machine_hv_fault(snp_machine_current(), SVM_VMGEXIT_AP_CREATION,
			     SNP_HV_FAULT_ERROR);
	assert_int_equal(create(g, AP_VMSA(g), AP_CA(g), 1),
			 SVSM_ERR_INVALID_REQUEST);
	assert_memory_equal(ca, hdr, sizeof(hdr));
	assert_int_equal(access_of(g, AP_VMSA(g), true), 0);
	assert_int_equal(snp_machine_vmsa_gpa(snp_machine_current(), 1, 2), 0);
	/* Nothing was registered: the same request now succeeds. */
	assert_int_equal(create(g, AP_VMSA(g), AP_CA(g), 1), SVSM_SUCCESS);
	assert_int_equal(ca[0], 0);
}

/**
 * Confirm that CREATE_VCPU undoes the AP creation when the CA cannot be
 * written (INVALID_ADDRESS): the host runs no VMSA for a new vCPU, and the
 * previous one for a vCPU whose VMSA was being replaced.
 */
static void create_vcpu_ca_write_fails(void **state)
{
	struct guest *g = *state;
	struct snp_machine *m = snp_machine_current();
	uint64_t vmsa2 = g->low + 0x31000;
	uint64_t ca2 = g->low + 0x32000;

	prepare_ap(g);
	snp_machine_fail_writes(m, AP_CA(g), true);
	assert_int_equal(create(g, AP_VMSA(g), AP_CA(g), 1),
			 SVSM_ERR_INVALID_ADDRESS);
	snp_machine_fail_writes(m, AP_CA(g), false);
	assert_int_equal(snp_machine_vmsa_gpa(m, 1, 2), 0);
	assert_int_equal(access_of(g, AP_VMSA(g), true), 0);
	/* Replacing a running AP's VMSA. */
	assert_int_equal(create(g, AP_VMSA(g), AP_CA(g), 1), SVSM_SUCCESS);
	make_ap_vmsa(g, vmsa2);
	assert_int_equal(pvalidate_one(g, ca2, false, true, false),
			 SVSM_SUCCESS);
	snp_machine_fail_writes(m, ca2, true);
	assert_int_equal(create(g, vmsa2, ca2, 1), SVSM_ERR_INVALID_ADDRESS);
	snp_machine_fail_writes(m, ca2, false);
	assert_int_equal(snp_machine_vmsa_gpa(m, 1, 2), AP_VMSA(g));
	assert_int_equal(access_of(g, vmsa2, true), 0);
	assert_int_equal(core_call(g, 1, SVSM_CORE_QUERY_PROTOCOL, 0, 0, 0),
			 SVSM_SUCCESS);
}

const struct CMUnitTest vcpu_tests[] = {
	cmocka_unit_test_setup_teardown(create_vcpu_and_delete, guest_setup,
					guest_teardown),
	cmocka_unit_test_setup_teardown(create_vcpu_ap_remap_ca, guest_setup,
					guest_teardown),
	cmocka_unit_test_setup_teardown(create_vcpu_misaligned, guest_setup,
					guest_teardown),
	cmocka_unit_test_setup_teardown(create_vcpu_invalid_address,
					guest_setup, guest_teardown),
	cmocka_unit_test_setup_teardown(create_vcpu_bad_vmsa, guest_setup,
					guest_teardown),
	cmocka_unit_test_setup_teardown(create_vcpu_2m_aligned_vmsa,
					guest_setup, guest_teardown),
	cmocka_unit_test(svsm_vmsas_not_2m_aligned),
	cmocka_unit_test_setup_teardown(create_vcpu_bad_apic_id, guest_setup,
					guest_teardown),
	cmocka_unit_test_setup_teardown(create_vcpu_twice, guest_setup,
					guest_teardown),
	cmocka_unit_test_setup_teardown(create_vcpu_registry_full, guest_setup,
					guest_teardown),
	cmocka_unit_test_setup_teardown(delete_vcpu_invalid_parameter,
					guest_setup, guest_teardown),
	cmocka_unit_test_setup_teardown(delete_vcpu_in_use, guest_setup,
					guest_teardown),
	cmocka_unit_test_setup_teardown(delete_vcpu_svme_clear_in_use,
					guest_setup, guest_teardown),
	cmocka_unit_test_setup_teardown(create_vcpu_replace_then_delete,
					guest_setup, guest_teardown),
	cmocka_unit_test_setup_teardown(create_vcpu_reonline_same_ca,
					guest_setup, guest_teardown),
	cmocka_unit_test_setup_teardown(delete_vcpu_rmpadjust_fails,
					guest_setup, guest_teardown),
	cmocka_unit_test_setup_teardown(create_vcpu_page_return_fails,
					guest_setup, guest_teardown),
	cmocka_unit_test_setup_teardown(create_vcpu_ap_creation_refused,
					guest_setup, guest_teardown),
	cmocka_unit_test_setup_teardown(create_vcpu_ca_write_fails, guest_setup,
					guest_teardown),
};
const size_t vcpu_tests_count = sizeof(vcpu_tests) / sizeof(vcpu_tests[0]);
