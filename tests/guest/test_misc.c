/* SPDX-License-Identifier: MIT */
/*
 * Guest-side tests: boot state, dispatch, QUERY_PROTOCOL, CONFIGURE_VTOM,
 * REMAP_CA and the request loop's call_pending handling.
 */
#include <string.h>

#include "core_cases.h"
#include "guest.h"
#include "machine/machine.h"
#include "svsm/mm.h"
#include "svsm/request.h"
#include "svsm/vcpu.h"
#include "abi/ghcb.h"
#include "abi/snp_secrets.h"
#include "abi/svsm_ca.h"
#include "abi/vmsa.h"

/*
 * The guest's VMGEXIT with call_pending = `pending` (the harness always
 * writes 1): registers in/out through the VMSA. Returns call_pending after.
 */
static uint8_t call_with_pending(struct guest *g, uint8_t pending,
				 struct svsm_sim_regs *r)
{
	struct snp_machine *m = snp_machine_current();
	uint64_t vmsa_gpa = snp_machine_vmsa_gpa(m, 0, 2);
	struct sev_vmsa *v = gptr(g, vmsa_gpa, sizeof(*v));
	uint8_t *ca = gptr(g, g->ca, 8);

	v->rax = r->rax;
	v->rcx = r->rcx;
	v->rdx = r->rdx;
	v->r8 = r->r8;
	ca[0] = pending;
	snp_machine_guest_wrmsr(m, 0, 2, MSR_GHCB, GHCB_MSR_VMPL_REQ_LEVEL(0));
	assert_int_equal(snp_machine_guest_vmgexit(m, 0, 2), 0);
	r->rax = v->rax;
	r->rcx = v->rcx;
	r->rdx = v->rdx;
	r->r8 = v->r8;
	pending = ca[0];
	ca[0] = 0;
	return pending;
}

/** Confirm that the guest's secrets page copy carries the SVSM fields. */
static void boot_secrets_page(void **state)
{
	struct guest *g = *state;
	const struct snp_secrets_page *s =
		gptr(g, svsm_sim_secrets_gpa(g->sim),
		     sizeof(struct snp_secrets_page));
	static const uint8_t zero[32];
	const uint8_t *vmpck2 = snp_machine_vmpck(snp_machine_current(), 2);

	assert_int_equal(s->svsm_base, g->mem - 16 * MIB);
	assert_int_equal(s->svsm_size, 16 * MIB);
	assert_int_equal(s->svsm_caa, g->ca);
	assert_int_equal(s->svsm_caa & (PAGE - 1), 0);
	assert_int_equal(s->svsm_max_version, 1);
	assert_int_equal(s->svsm_guest_vmpl, 2);
	/* VMPCK0 and VMPCK1 belong to more privileged VMPLs. */
	assert_memory_equal(s->vmpck[0], zero, 32);
	assert_memory_equal(s->vmpck[1], zero, 32);
	assert_non_null(vmpck2);
	assert_memory_equal(s->vmpck[2], vmpck2, 32);
	assert_memory_not_equal(s->vmpck[2], zero, 32);
	assert_int_equal(access_of(g, svsm_sim_secrets_gpa(g->sim), true), 0);
}

/** Confirm that the boot CA is zeroed and writable by the guest. */
static void boot_ca_zeroed(void **state)
{
	struct guest *g = *state;
	static const uint8_t zero[4096];

	assert_int_equal(access_of(g, g->ca, true), 0);
	assert_memory_equal(gptr(g, g->ca, 4096), zero, 4096);
}

/** Confirm that the SVSM region and the boot VMSA are closed to VMPL2. */
static void boot_svsm_region_private(void **state)
{
	struct guest *g = *state;
	uint64_t vmsa = snp_machine_vmsa_gpa(snp_machine_current(), 0, 2);

	assert_int_equal(access_of(g, g->svsm_base, false),
			 SVSM_SIM_FAULT_PERMISSION);
	assert_int_equal(access_of(g, g->mem - 1, false),
			 SVSM_SIM_FAULT_PERMISSION);
	assert_int_not_equal(vmsa, 0);
	assert_int_equal(access_of(g, vmsa, false), SVSM_SIM_FAULT_VMSA);
	/* Guest RAM starts out private but not validated. */
	assert_int_equal(access_of(g, g->low, false),
			 SVSM_SIM_FAULT_NOT_VALIDATED);
}

/** Confirm that bad configurations do not boot. */
static void boot_config_invalid(void **state)
{
	struct svsm_sim_config odd = { .guest_mem_bytes = 255 * MIB,
				       .vcpus = 1 };
	struct svsm_sim_config none = { .guest_mem_bytes = 64 * MIB,
					.vcpus = 0 };

	(void)state;
	/* A machine exists already (one per process): destroy it first. */
	guest_teardown(state);
	assert_null(svsm_sim_create(&odd));
	assert_null(svsm_sim_create(&none));
	assert_int_equal(guest_setup(state), 0);
}

/** Confirm that QUERY_PROTOCOL reports core version 1 only. */
static void query_protocol_core(void **state)
{
	struct guest *g = *state;
	struct svsm_sim_regs r = {
		.rax = SVSM_CALL(SVSM_PROTOCOL_CORE, SVSM_CORE_QUERY_PROTOCOL),
		.rcx = SVSM_QUERY_PROTOCOL_ARG(SVSM_PROTOCOL_CORE, 1),
		.rdx = ~0ULL,
		.r8 = ~0ULL,
	};

	assert_int_equal(raw_call(g, 0, &r), SVSM_SUCCESS);
	assert_int_equal(r.rcx, (1ULL << 32) | 1);
	/* Registers the call does not define are left alone. */
	assert_int_equal(r.rdx, ~0ULL);
	assert_int_equal(r.r8, ~0ULL);
}

/** Confirm that QUERY_PROTOCOL answers 0 for what is not served. */
static void query_protocol_unsupported(void **state)
{
	struct guest *g = *state;
	struct svsm_sim_regs r = {
		.rax = SVSM_CALL(SVSM_PROTOCOL_CORE, SVSM_CORE_QUERY_PROTOCOL),
	};
	static const uint64_t args[] = {
		SVSM_QUERY_PROTOCOL_ARG(SVSM_PROTOCOL_CORE, 0),
		SVSM_QUERY_PROTOCOL_ARG(SVSM_PROTOCOL_CORE, 2),
		SVSM_QUERY_PROTOCOL_ARG(0x80000000U, 1),
		SVSM_QUERY_PROTOCOL_ARG(77, 1),
	};
	size_t i;

	for (i = 0; i < sizeof(args) / sizeof(args[0]); i++) {
		r.rax = SVSM_CALL(SVSM_PROTOCOL_CORE, SVSM_CORE_QUERY_PROTOCOL);
		r.rcx = args[i];
		assert_int_equal(raw_call(g, 0, &r), SVSM_SUCCESS);
		assert_int_equal(r.rcx, 0);
	}
}

/** Confirm that attestation is served and a vTPM that is off is not. */
static void query_protocol_services(void **state)
{
	struct guest *g = *state;
	struct svsm_sim_regs r = {
		.rax = SVSM_CALL(SVSM_PROTOCOL_CORE, SVSM_CORE_QUERY_PROTOCOL),
		.rcx = SVSM_QUERY_PROTOCOL_ARG(SVSM_PROTOCOL_ATTEST, 1),
	};

	assert_int_equal(raw_call(g, 0, &r), SVSM_SUCCESS);
	assert_int_equal(r.rcx, (1ULL << 32) | 1);
	r.rax = SVSM_CALL(SVSM_PROTOCOL_CORE, SVSM_CORE_QUERY_PROTOCOL);
	r.rcx = SVSM_QUERY_PROTOCOL_ARG(SVSM_PROTOCOL_VTPM, 1);
	assert_int_equal(raw_call(g, 0, &r), SVSM_SUCCESS);
	assert_int_equal(r.rcx, 0);
	/* Dispatch agrees with QUERY_PROTOCOL. */
	r.rax = SVSM_CALL(SVSM_PROTOCOL_VTPM, 0);
	assert_int_equal(raw_call(g, 0, &r), SVSM_ERR_UNSUPPORTED_PROTOCOL);
}

/** Confirm that a machine with a vTPM serves the vTPM protocol. */
static void query_protocol_vtpm_on(void **state)
{
	struct svsm_sim_config cfg = { .guest_mem_bytes = 64 * MIB,
				       .vcpus = 1,
				       .vtpm = true };
	struct svsm_sim *sim;
	struct svsm_sim_regs r = {
		.rax = SVSM_CALL(SVSM_PROTOCOL_CORE, SVSM_CORE_QUERY_PROTOCOL),
		.rcx = SVSM_QUERY_PROTOCOL_ARG(SVSM_PROTOCOL_VTPM, 1),
	};

	(void)state;
	sim = svsm_sim_create(&cfg);
	assert_non_null(sim);
	assert_int_equal(svsm_sim_call(sim, 0, &r), 0);
	assert_int_equal(r.rax, SVSM_SUCCESS);
	assert_int_equal(r.rcx, (1ULL << 32) | 1);
	r = (struct svsm_sim_regs){ .rax = SVSM_CALL(SVSM_PROTOCOL_VTPM,
						     SVSM_VTPM_QUERY) };
	assert_int_equal(svsm_sim_call(sim, 0, &r), 0);
	assert_int_equal(r.rax, SVSM_SUCCESS);
	assert_true(r.rcx & (1ULL << 8)); /* TPM_SEND_COMMAND */
	svsm_sim_destroy(sim);
	assert_int_equal(mm_allocated_bytes(), 0);
}

/** Confirm that an unknown protocol gets UNSUPPORTED_PROTOCOL. */
static void call_unsupported_protocol(void **state)
{
	struct guest *g = *state;
	struct svsm_sim_regs r = { .rax = SVSM_CALL(77, 0), .rcx = 5 };

	assert_int_equal(raw_call(g, 0, &r), SVSM_ERR_UNSUPPORTED_PROTOCOL);
	assert_int_equal(r.rcx, 5);
}

/** Confirm that an unknown core call gets UNSUPPORTED_CALL. */
static void call_unsupported_call(void **state)
{
	struct guest *g = *state;

	assert_int_equal(core_call(g, 0, 8, 0, 0, 0),
			 SVSM_ERR_UNSUPPORTED_CALL);
	assert_int_equal(core_call(g, 0, 0xFFFFFFFFU, 0, 0, 0),
			 SVSM_ERR_UNSUPPORTED_CALL);
}

/** Confirm that a reserved call_pending value gets INVALID_FORMAT. */
static void call_pending_invalid_format(void **state)
{
	struct guest *g = *state;
	struct svsm_sim_regs r = {
		.rax = SVSM_CALL(SVSM_PROTOCOL_CORE, SVSM_CORE_QUERY_PROTOCOL),
		.rcx = SVSM_QUERY_PROTOCOL_ARG(0, 1),
	};

	assert_int_equal(call_with_pending(g, 2, &r), 0);
	assert_int_equal((uint32_t)r.rax, SVSM_ERR_INVALID_FORMAT);
	assert_int_equal(r.rcx, SVSM_QUERY_PROTOCOL_ARG(0, 1));
}

/** Confirm that an entry without a pending call changes nothing. */
static void call_not_pending_ignored(void **state)
{
	struct guest *g = *state;
	struct svsm_sim_regs r = {
		.rax = SVSM_CALL(SVSM_PROTOCOL_CORE, SVSM_CORE_QUERY_PROTOCOL),
		.rcx = SVSM_QUERY_PROTOCOL_ARG(0, 1),
	};

	assert_int_equal(call_with_pending(g, 0, &r), 0);
	assert_int_equal(r.rax, SVSM_CALL(0, SVSM_CORE_QUERY_PROTOCOL));
	assert_int_equal(r.rcx, SVSM_QUERY_PROTOCOL_ARG(0, 1));
	/* And the next real call is served normally. */
	assert_int_equal(core_call(g, 0, SVSM_CORE_QUERY_PROTOCOL,
				   SVSM_QUERY_PROTOCOL_ARG(0, 1), 0, 0),
			 SVSM_SUCCESS);
}

/**
 * Confirm that the request loop serves a pending call only after a
 * VMGEXIT (GUEST_EXIT_CODE 0x403), and restores EFER.SVME either way. The
 * loop's pass runs here in the main context, as the hosted machine allows.
 */
static void request_needs_vmgexit_exit_code(void **state)
{
	struct guest *g = *state;
	struct snp_machine *m = snp_machine_current();
	struct sev_vmsa *v = gptr(g, snp_machine_vmsa_gpa(m, 0, 2), sizeof(*v));
	uint8_t *ca = gptr(g, g->ca, 8);
	const uint64_t rax = SVSM_CALL(0, SVSM_CORE_QUERY_PROTOCOL);

	v->rax = rax;
	v->rcx = SVSM_QUERY_PROTOCOL_ARG(0, 1);
	v->guest_exit_code = SVM_EXIT_NPF;
	ca[0] = 1;
	request_serve(vcpu_by_apic_id(0));
	assert_int_equal(v->rax, rax);
	assert_int_equal(ca[0], 1);
	assert_true(v->efer & EFER_SVME);
	v->guest_exit_code = SVM_EXIT_VMGEXIT;
	request_serve(vcpu_by_apic_id(0));
	assert_int_equal(v->rax, SVSM_SUCCESS);
	assert_int_equal(v->rcx, (1ULL << 32) | 1);
	assert_int_equal(ca[0], 0);
	assert_true(v->efer & EFER_SVME);
}

/** Confirm that CONFIGURE_VTOM's query reports vTOM as unsupported. */
static void configure_vtom_query(void **state)
{
	struct guest *g = *state;
	struct svsm_sim_regs r = {
		.rax = SVSM_CALL(SVSM_PROTOCOL_CORE, SVSM_CORE_CONFIGURE_VTOM),
		.rcx = SVSM_VTOM_QUERY,
	};

	assert_int_equal(raw_call(g, 0, &r), SVSM_SUCCESS);
	assert_int_equal(r.rcx & SVSM_VTOM_Q_SUPPORTED, 0);
}

/**
 * Confirm the core calls of the shared table (svsm/sim/core_cases.c) that
 * fail whatever the state: each gets its result code, as in the SNP guest.
 */
static void core_error_cases(void **state)
{
	struct guest *g = *state;
	size_t i;

	for (i = 0; i < core_case_count; i++) {
		const struct core_case *c = &core_cases[i];
		struct svsm_sim_regs r = { .rax = SVSM_CALL(c->protocol,
							    c->call) };

		switch (c->at) {
		case CORE_AT_CA:
			r.rcx = g->ca + c->offset;
			break;
		case CORE_AT_SVSM:
			r.rcx = g->svsm_base + c->offset;
			break;
		case CORE_AT_UNVALIDATED:
			r.rcx = g->low + c->offset;
			break;
		default:
			r.rcx = c->offset;
			break;
		}
		print_message("%s\n", c->name);
		assert_int_equal(raw_call(g, 0, &r), c->expect);
	}
}

/** Confirm that REMAP_CA moves calls to the new CA and zeroes its header. */
static void remap_ca_success(void **state)
{
	struct guest *g = *state;
	uint64_t ca = g->low + 16 * PAGE;
	uint8_t *p;

	assert_int_equal(pvalidate_one(g, ca, false, true, false),
			 SVSM_SUCCESS);
	p = gptr(g, ca, 4096);
	memset(p, 0x55, 4096);
	assert_int_equal(core_call(g, 0, SVSM_CORE_REMAP_CA, ca, 0, 0),
			 SVSM_SUCCESS);
	assert_int_equal(p[SVSM_CA_OFF_MEM_AVAILABLE], 0);
	assert_int_equal(p[100], 0x55);
	/* The old CA's call_pending was cleared as the call completed. */
	assert_int_equal(*(uint8_t *)gptr(g, g->ca, 1), 0);
	/* The harness now calls through the new CA, which the SVSM reads. */
	assert_int_equal(core_call(g, 0, SVSM_CORE_QUERY_PROTOCOL,
				   SVSM_QUERY_PROTOCOL_ARG(0, 1), 0, 0),
			 SVSM_SUCCESS);
	/* The old CA is no longer an SVSM-owned page (list in the new CA). */
	{
		uint64_t e =
			SVSM_PVAL_ENTRY(g->ca, SVSM_PVAL_SIZE_4K, true, true);

		assert_int_equal(pvalidate_list(g, 0, ca + 8, &e, 1, 0, NULL),
				 SVSM_SUCCESS);
	}
}

/** Confirm that REMAP_CA to the current CA is a no-op success. */
static void remap_ca_same(void **state)
{
	struct guest *g = *state;

	assert_int_equal(core_call(g, 0, SVSM_CORE_REMAP_CA, g->ca, 0, 0),
			 SVSM_SUCCESS);
}

/** Confirm that a misaligned CA is INVALID_PARAMETER. */
static void remap_ca_misaligned(void **state)
{
	struct guest *g = *state;

	assert_int_equal(core_call(g, 0, SVSM_CORE_REMAP_CA, g->low + 8, 0, 0),
			 SVSM_ERR_INVALID_PARAMETER);
}

/** Confirm that CAs outside memory, in SVSM memory or unvalidated fail. */
static void remap_ca_invalid_address(void **state)
{
	struct guest *g = *state;
	uint64_t vmsa = snp_machine_vmsa_gpa(snp_machine_current(), 0, 2);

	assert_int_equal(core_call(g, 0, SVSM_CORE_REMAP_CA, g->mem, 0, 0),
			 SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(core_call(g, 0, SVSM_CORE_REMAP_CA,
				   0xFFFFFFFFFFFFF000ULL, 0, 0),
			 SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(
		core_call(g, 0, SVSM_CORE_REMAP_CA, g->svsm_base, 0, 0),
		SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(core_call(g, 0, SVSM_CORE_REMAP_CA, vmsa, 0, 0),
			 SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(core_call(g, 0, SVSM_CORE_REMAP_CA, g->low, 0, 0),
			 SVSM_ERR_INVALID_ADDRESS);
}

const struct CMUnitTest misc_tests[] = {
	cmocka_unit_test_setup_teardown(boot_secrets_page, guest_setup,
					guest_teardown),
	cmocka_unit_test_setup_teardown(boot_ca_zeroed, guest_setup,
					guest_teardown),
	cmocka_unit_test_setup_teardown(boot_svsm_region_private, guest_setup,
					guest_teardown),
	cmocka_unit_test_setup_teardown(boot_config_invalid, guest_setup,
					guest_teardown),
	cmocka_unit_test_setup_teardown(query_protocol_core, guest_setup,
					guest_teardown),
	cmocka_unit_test_setup_teardown(query_protocol_unsupported, guest_setup,
					guest_teardown),
	cmocka_unit_test_setup_teardown(query_protocol_services, guest_setup,
					guest_teardown),
	cmocka_unit_test(query_protocol_vtpm_on),
	cmocka_unit_test_setup_teardown(call_unsupported_protocol, guest_setup,
					guest_teardown),
	cmocka_unit_test_setup_teardown(call_unsupported_call, guest_setup,
					guest_teardown),
	cmocka_unit_test_setup_teardown(call_pending_invalid_format,
					guest_setup, guest_teardown),
	cmocka_unit_test_setup_teardown(call_not_pending_ignored, guest_setup,
					guest_teardown),
	cmocka_unit_test_setup_teardown(request_needs_vmgexit_exit_code,
					guest_setup, guest_teardown),
	cmocka_unit_test_setup_teardown(configure_vtom_query, guest_setup,
					guest_teardown),
	cmocka_unit_test_setup_teardown(core_error_cases, guest_setup,
					guest_teardown),
	cmocka_unit_test_setup_teardown(remap_ca_success, guest_setup,
					guest_teardown),
	cmocka_unit_test_setup_teardown(remap_ca_same, guest_setup,
					guest_teardown),
	cmocka_unit_test_setup_teardown(remap_ca_misaligned, guest_setup,
					guest_teardown),
	cmocka_unit_test_setup_teardown(remap_ca_invalid_address, guest_setup,
					guest_teardown),
};
const size_t misc_tests_count = sizeof(misc_tests) / sizeof(misc_tests[0]);
