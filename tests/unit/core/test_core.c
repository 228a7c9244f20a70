/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the SVSM's decoders: call and list decoding, dispatch,
 * QUERY_PROTOCOL and CONFIGURE_VTOM, result names, and the platform's
 * pure helpers (secrets page copy, guest VMSA, GHCB encodings).
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "svsm/mm.h"
#include "svsm/once.h"
#include "svsm/physmap.h"
#include "svsm/proto.h"
#include "svsm/secrets.h"
#include "svsm/snp.h"
#include "svsm/vcpu.h"
#include "proto/internal.h"
#include "abi/ghcb.h"
#include "abi/sev_status.h"
#include "abi/svsm_call.h"
#include "abi/svsm_core.h"
#include "abi/vmsa.h"

/** Confirm that valid 4 KiB and 2 MiB PVALIDATE entries decode. */
static void pvalidate_entry_decode_valid(void **state)
{
	struct pval_op op;

	(void)state;
	assert_int_equal(
		pvalidate_entry_decode(
			SVSM_PVAL_ENTRY(0x1234000, 0, true, false), &op),
		SVSM_SUCCESS);
	assert_int_equal(op.gpa, 0x1234000);
	assert_int_equal(op.size, CPU_PAGE_4K);
	assert_true(op.validate);
	assert_false(op.ignore_cf);
	assert_int_equal(
		pvalidate_entry_decode(
			SVSM_PVAL_ENTRY(0x40000000, 1, false, true), &op),
		SVSM_SUCCESS);
	assert_int_equal(op.size, CPU_PAGE_2M);
	assert_false(op.validate);
	assert_true(op.ignore_cf);
	/* GFN bits up to 63 are taken as they are (range checked later). */
	assert_int_equal(pvalidate_entry_decode(~0xFFFULL, &op), SVSM_SUCCESS);
	assert_int_equal(op.gpa, ~0xFFFULL);
}

/** Confirm that bad sizes, reserved bits and misalignment are refused. */
static void pvalidate_entry_decode_invalid(void **state)
{
	struct pval_op op;
	unsigned bit;

	(void)state;
	assert_int_equal(pvalidate_entry_decode(0x1000 | 2, &op),
			 SVSM_ERR_INVALID_PARAMETER);
	assert_int_equal(pvalidate_entry_decode(0x1000 | 3, &op),
			 SVSM_ERR_INVALID_PARAMETER);
	for (bit = 4; bit < 12; bit++) {
		assert_int_equal(
			pvalidate_entry_decode(0x1000 | (1ULL << bit), &op),
			SVSM_ERR_INVALID_PARAMETER);
	}
	assert_int_equal(pvalidate_entry_decode(0x1FF000 | 1, &op),
			 SVSM_ERR_INVALID_PARAMETER);
	assert_int_equal(pvalidate_entry_decode(0x201000 | 1, &op),
			 SVSM_ERR_INVALID_PARAMETER);
}

/** Confirm that a refused entry leaves the decoded operation untouched. */
static void entry_decode_rejected_writes_nothing(void **state)
{
	static const uint64_t bad[] = {
		0x1000 | 2,	   /* size 2 */
		0x1000 | 0x10,	   /* reserved bit */
		0x201000 | 1,	   /* 2 MiB entry, 4 KiB aligned */
		0xFFFFF000ULL | 3, /* size 3 */
	};
	struct pval_op pv;
	struct deposit_op dep;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&pv, 0xA5, sizeof(pv));
		memset(&dep, 0x5A, sizeof(dep));
		assert_int_equal(pvalidate_entry_decode(bad[i], &pv),
				 SVSM_ERR_INVALID_PARAMETER);
		assert_int_equal(deposit_entry_decode(bad[i], &dep),
				 SVSM_ERR_INVALID_PARAMETER);
		assert_int_equal(pv.gpa, 0xA5A5A5A5A5A5A5A5ULL);
		assert_int_equal(dep.gpa, 0x5A5A5A5A5A5A5A5AULL);
	}
}

/** Confirm that DEPOSIT_MEM entries decode and bad ones are refused. */
static void deposit_entry_decode_cases(void **state)
{
	struct deposit_op op;
	unsigned bit;

	(void)state;
	assert_int_equal(deposit_entry_decode(0x5000, &op), SVSM_SUCCESS);
	assert_int_equal(op.gpa, 0x5000);
	assert_int_equal(op.size, CPU_PAGE_4K);
	assert_int_equal(deposit_entry_decode(0x400000 | 1, &op), SVSM_SUCCESS);
	assert_int_equal(op.size, CPU_PAGE_2M);
	assert_int_equal(deposit_entry_decode(0x401000 | 1, &op),
			 SVSM_ERR_INVALID_PARAMETER);
	assert_int_equal(deposit_entry_decode(0x5000 | 2, &op),
			 SVSM_ERR_INVALID_PARAMETER);
	for (bit = 2; bit < 12; bit++) {
		assert_int_equal(
			deposit_entry_decode(0x5000 | (1ULL << bit), &op),
			SVSM_ERR_INVALID_PARAMETER);
	}
}

/** Confirm the list capacity at every interesting page offset. */
static void list_capacity_offsets(void **state)
{
	(void)state;
	assert_int_equal(list_capacity(0x10000), 511);
	assert_int_equal(list_capacity(0x10008), 510);
	assert_int_equal(list_capacity(0x10FE8), 2);
	assert_int_equal(list_capacity(0x10FF0), 1);
	assert_int_equal(list_capacity(0x10FF8), 0);
}

/** Confirm the count/next rules of list headers. */
static void list_hdr_check_cases(void **state)
{
	struct svsm_list_hdr h = { .entry_count = 1, .next = 0 };

	(void)state;
	assert_int_equal(list_hdr_check(0x1008, &h), SVSM_SUCCESS);
	h.entry_count = 0;
	assert_int_equal(list_hdr_check(0x1008, &h),
			 SVSM_ERR_INVALID_PARAMETER);
	h.entry_count = 5;
	h.next = 5;
	assert_int_equal(list_hdr_check(0x1008, &h),
			 SVSM_ERR_INVALID_PARAMETER);
	h.next = 4;
	assert_int_equal(list_hdr_check(0x1008, &h), SVSM_SUCCESS);
	h.entry_count = 510;
	h.next = 0;
	assert_int_equal(list_hdr_check(0x1008, &h), SVSM_SUCCESS);
	h.entry_count = 511;
	assert_int_equal(list_hdr_check(0x1008, &h),
			 SVSM_ERR_INVALID_PARAMETER);
	h.entry_count = 0xFFFF;
	assert_int_equal(list_hdr_check(0x1000, &h),
			 SVSM_ERR_INVALID_PARAMETER);
}

/** Confirm that dispatch splits RAX and refuses unknown protocols/calls. */
static void dispatch_decoding(void **state)
{
	struct svsm_caller caller = { 0 };
	struct svsm_call_out out = { .set = 0x7 };
	struct svsm_call_in in = { 0 };

	(void)state;
	in.rax = SVSM_CALL(1234, SVSM_CORE_QUERY_PROTOCOL);
	assert_int_equal(svsm_dispatch(&caller, &in, &out),
			 SVSM_ERR_UNSUPPORTED_PROTOCOL);
	assert_int_equal(out.set, 0);
	in.rax = SVSM_CALL(SVSM_PROTOCOL_CORE, 8);
	assert_int_equal(svsm_dispatch(&caller, &in, &out),
			 SVSM_ERR_UNSUPPORTED_CALL);
	assert_int_equal(out.set, 0);
	/* The protocol is RAX[63:32]: core call 6 with garbage above fails. */
	in.rax = (1ULL << 63) | SVSM_CORE_QUERY_PROTOCOL;
	assert_int_equal(svsm_dispatch(&caller, &in, &out),
			 SVSM_ERR_UNSUPPORTED_PROTOCOL);
	in.rax = SVSM_CALL(SVSM_PROTOCOL_CORE, SVSM_CORE_QUERY_PROTOCOL);
	in.rcx = SVSM_QUERY_PROTOCOL_ARG(0, 1);
	assert_int_equal(svsm_dispatch(&caller, &in, &out), SVSM_SUCCESS);
	assert_int_equal(out.set, SVSM_OUT_RCX);
	assert_int_equal(out.rcx, (1ULL << 32) | 1);
}

/** Confirm that QUERY_PROTOCOL reads the dispatch table. */
static void query_protocol_table(void **state)
{
	uint32_t min = 0, max = 0;

	(void)state;
	assert_true(svsm_protocol_versions(SVSM_PROTOCOL_CORE, &min, &max));
	assert_int_equal(min, 1);
	assert_int_equal(max, 1);
	assert_false(svsm_protocol_versions(99, &min, &max));
	assert_int_equal(core_query_protocol(SVSM_QUERY_PROTOCOL_ARG(0, 1)),
			 (1ULL << 32) | 1);
	assert_int_equal(core_query_protocol(SVSM_QUERY_PROTOCOL_ARG(0, 0)), 0);
	assert_int_equal(core_query_protocol(SVSM_QUERY_PROTOCOL_ARG(0, 2)), 0);
	assert_int_equal(core_query_protocol(SVSM_QUERY_PROTOCOL_ARG(99, 1)),
			 0);
}

/** Confirm every CONFIGURE_VTOM decoding case. */
static void configure_vtom_cases(void **state)
{
	struct svsm_call_out out = { 0 };

	(void)state;
	assert_int_equal(core_configure_vtom(SVSM_VTOM_QUERY, &out),
			 SVSM_SUCCESS);
	assert_int_equal(out.set, SVSM_OUT_RCX);
	assert_int_equal(out.rcx, 0);
	out.set = 0;
	assert_int_equal(core_configure_vtom(SVSM_VTOM_QUERY | 2, &out),
			 SVSM_ERR_INVALID_PARAMETER);
	assert_int_equal(out.set, 0);
	assert_int_equal(
		core_configure_vtom(SVSM_VTOM_ENABLE | (1ULL << 11), &out),
		SVSM_ERR_INVALID_PARAMETER);
	assert_int_equal(core_configure_vtom(SVSM_VTOM_ENABLE |
						     SVSM_VTOM_SET_RIP |
						     (1ULL << 30),
					     &out),
			 SVSM_ERR_INVALID_REQUEST);
	assert_int_equal(core_configure_vtom(0, &out),
			 SVSM_ERR_INVALID_REQUEST);
}

/** Confirm that result codes have names and classes. */
static void result_names(void **state)
{
	(void)state;
	assert_string_equal(svsm_result_name(0), "SVSM_SUCCESS");
	assert_string_equal(svsm_result_name(0x80000003U),
			    "SVSM_ERR_INVALID_ADDRESS");
	assert_string_equal(svsm_result_name(0x80001006U),
			    "SVSM_ERR_PVALIDATE_FAIL_SIZEMISMATCH");
	assert_string_equal(svsm_result_name(0x40000010U), "SVSM_MEM_NEEDED");
	assert_string_equal(svsm_result_name(0x80001234U), "SVSM_ERR_PROTOCOL");
	assert_string_equal(svsm_result_name(5), "SVSM_RESULT_RESERVED");
}

/** Confirm that the guest's secrets copy wipes VMPCK0..VMPL-1 only. */
static void secrets_for_guest_wipes(void **state)
{
	static struct snp_secrets_page src, dst;
	static const uint8_t zero[32];

	(void)state;
	memset(&src, 0xAB, sizeof(src));
	snp_secrets_for_guest(&dst, &src, 2, 0x7000000, 0x1000000, 0x4000);
	assert_memory_equal(dst.vmpck[0], zero, 32);
	assert_memory_equal(dst.vmpck[1], zero, 32);
	assert_memory_equal(dst.vmpck[2], src.vmpck[2], 32);
	assert_memory_equal(dst.vmpck[3], src.vmpck[3], 32);
	assert_int_equal(dst.svsm_base, 0x7000000);
	assert_int_equal(dst.svsm_size, 0x1000000);
	assert_int_equal(dst.svsm_caa, 0x4000);
	assert_int_equal(dst.svsm_max_version, 1);
	assert_int_equal(dst.svsm_guest_vmpl, 2);
	assert_int_equal(dst.tsc_factor, src.tsc_factor);
	snp_secrets_for_guest(&dst, &src, 1, 0, 0, 0);
	assert_memory_equal(dst.vmpck[0], zero, 32);
	assert_memory_equal(dst.vmpck[1], src.vmpck[1], 32);
}

/** Confirm the guest boot VMSA's reset state. */
static void vmsa_init_guest_state(void **state)
{
	static struct sev_vmsa v;

	(void)state;
	memset(&v, 0xFF, sizeof(v));
	snp_vmsa_init_guest(&v, 2, 0x21, 0xFFFFFFF0ULL);
	assert_int_equal(v.vmpl, 2);
	assert_int_equal(v.efer, EFER_SVME);
	assert_int_equal(v.sev_features, 0x21);
	assert_int_equal(v.rip, 0xFFF0);
	assert_int_equal(v.cs.selector, 0xF000);
	assert_int_equal(v.cs.base, 0xFFFF0000ULL);
	assert_int_equal(v.cr0, 0x60000010ULL);
	assert_int_equal(v.rax, 0);
	assert_int_equal(v.guest_exit_code, 0);
	assert_int_equal(snp_vmsa_clear_svme(&v) & EFER_SVME, EFER_SVME);
	assert_int_equal(v.efer, 0);
	snp_vmsa_set_svme(&v);
	assert_int_equal(v.efer, EFER_SVME);
}

/** A PVH guest's boot VMSA: 32-bit flat protected mode, RSI/RDX/RDI. */
static void vmsa_init_guest_pm32_state(void **state)
{
	static struct sev_vmsa v;
	const uint64_t regs[3] = { 0x1000, 0x2000, 0x3000 };

	(void)state;
	memset(&v, 0xFF, sizeof(v));
	snp_vmsa_init_guest_pm32(&v, 2, 0x1, 0x1000040, regs);
	assert_int_equal(v.vmpl, 2);
	assert_int_equal(v.efer, EFER_SVME);
	assert_int_equal(v.sev_features, 0x1);
	assert_int_equal(v.rip, 0x1000040);
	assert_int_equal(v.cs.selector, 0x08);
	assert_int_equal(v.cs.attrib, 0xC9B);
	assert_int_equal(v.cs.limit, 0xFFFFFFFFU);
	assert_int_equal(v.cs.base, 0);
	assert_int_equal(v.ss.attrib, 0xC93);
	assert_int_equal(v.ds.limit, 0xFFFFFFFFU);
	assert_int_equal(v.cr0 & 0x80000001ULL, 1); /* PE, paging off */
	assert_int_equal(v.rsi, 0x1000);
	assert_int_equal(v.rdx, 0x2000);
	assert_int_equal(v.rdi, 0x3000);
	assert_int_equal(v.rax, 0);
	assert_int_equal(v.cr3, 0);
}

static struct svsm_once once;
static atomic_int once_runs;
static atomic_bool slow_started;

static bool slow_ok(void)
{
	atomic_store(&slow_started, true);
	usleep(50000);
	atomic_fetch_add(&once_runs, 1);
	return true;
}

static bool must_not_run(void)
{
	atomic_fetch_add(&once_runs, 100);
	return false;
}

static bool fails(void)
{
	atomic_fetch_add(&once_runs, 1);
	return false;
}

static void *once_thread(void *arg)
{
	(void)arg;
	return (void *)(uintptr_t)svsm_once_run(&once, slow_ok);
}

/** One run; a caller arriving while it runs waits for its result. */
static void once_waits_for_the_running_start(void **state)
{
	pthread_t t;
	void *res;

	(void)state;
	atomic_store(&once.state, SVSM_ONCE_IDLE);
	atomic_store(&once_runs, 0);
	atomic_store(&slow_started, false);
	assert_true(svsm_once_pending(&once));
	assert_int_equal(pthread_create(&t, NULL, once_thread, NULL), 0);
	while (!atomic_load(&slow_started)) {
		usleep(1000);
	}
	assert_true(svsm_once_pending(&once));
	/* Returns only after slow_ok() finished, with its result. */
	assert_true(svsm_once_run(&once, must_not_run));
	assert_int_equal(atomic_load(&once_runs), 1);
	assert_false(svsm_once_pending(&once));
	assert_int_equal(pthread_join(t, &res), 0);
	assert_true((uintptr_t)res);
	/* Later callers get the same result without running anything. */
	assert_true(svsm_once_run(&once, must_not_run));
	assert_int_equal(atomic_load(&once_runs), 1);
}

/** Nobody started it: the caller runs it; a failure sticks. */
static void once_runs_here_and_failure_sticks(void **state)
{
	(void)state;
	atomic_store(&once.state, SVSM_ONCE_IDLE);
	atomic_store(&once_runs, 0);
	assert_false(svsm_once_run(&once, fails));
	assert_int_equal(atomic_load(&once_runs), 1);
	assert_false(svsm_once_pending(&once));
	assert_false(svsm_once_run(&once, must_not_run));
	assert_int_equal(atomic_load(&once_runs), 1);
}

/** Confirm the GHCB MSR-protocol encodings. */
static void ghcb_encodings(void **state)
{
	(void)state;
	assert_int_equal(GHCB_MSR_VMPL_REQ_LEVEL(0), 0x16);
	assert_int_equal(GHCB_MSR_VMPL_REQ_LEVEL(2), 0x200000016ULL);
	assert_int_equal(GHCB_MSR_PSC(0x12345, GHCB_MSR_PSC_OP_SHARED),
			 (2ULL << 52) | (0x12345ULL << 12) | 0x14);
	assert_int_equal(GHCB_MSR_TERM(1, 7),
			 (7ULL << 16) | (1ULL << 12) | 0x100);
	assert_int_equal(SVM_VMGEXIT_AP_EXITINFO1(3, 2, 1),
			 (3ULL << 32) | (2ULL << 16) | 1);
	assert_int_equal(PSC_ENTRY(0x200, PSC_OP_PSMASH, true),
			 (0x200ULL << 12) | (3ULL << 52) | (1ULL << 56));
}

/**
 * Confirm that guest VMSAs lose RestrictedInjection and DebugSwap, keep
 * every other feature, and that VmsaRegProt refuses the guest.
 */
static void guest_sev_features_filter(void **state)
{
	uint64_t base = SEV_FEAT_SNP_ACTIVE | SEV_FEAT_PREVENT_HOST_IBS |
			SEV_FEAT_ALTERNATE_INJ | SEV_FEAT_SECURE_TSC;
	uint64_t guest = 0;

	(void)state;
	assert_true(snp_guest_sev_features(base, &guest));
	assert_int_equal(guest, base);
	assert_true(snp_guest_sev_features(
		base | SEV_FEAT_RESTRICTED_INJ | SEV_FEAT_DEBUG_SWAP, &guest));
	assert_int_equal(guest, base);
	guest = 0x1234;
	assert_false(
		snp_guest_sev_features(base | SEV_FEAT_VMSA_REG_PROT, &guest));
	assert_int_equal(guest, 0x1234);
}

/**
 * Confirm that no VMSA page from `snp_vmsa_alloc()` is 2 MiB aligned, even
 * when every page of a 2 MiB aligned region is handed out, and that
 * `snp_vmsa_free()` gives back everything.
 */
static void vmsa_alloc_never_2m_aligned(void **state)
{
	enum {
		REGION_BYTES = 8 << 20
	};
	static struct sev_vmsa *vmsas[REGION_BYTES / 8192 + 1];
	const size_t bytes = REGION_BYTES;
	uint8_t *region = aligned_alloc(2UL << 20, bytes);
	size_t count = 0;
	size_t i;

	(void)state;
	assert_non_null(region);
	mm_reset();
	assert_true(page_alloc_add_region(region, bytes));
	while ((vmsas[count] = snp_vmsa_alloc()) != NULL) {
		assert_int_not_equal(
			(uintptr_t)vmsas[count] & ((2UL << 20) - 1), 0);
		assert_int_equal((uintptr_t)vmsas[count] & (PAGE_SIZE - 1), 0);
		count++;
	}
	/* The region (less its descriptors) went out as 8 KiB blocks. */
	assert_true(count > bytes / 8192 - 64);
	for (i = 0; i < count; i++) {
		snp_vmsa_free(vmsas[i]);
	}
	snp_vmsa_free(NULL);
	assert_int_equal(mm_allocated_bytes(), 0);
	mm_reset();
	free(region);
}

/* A 64 MiB guest, SVSM at [56 MiB, 64 MiB), one VMSA and CA registered. */
static struct guest_vmsa test_vmsas[2];

static int owner_setup(void **state)
{
	(void)state;
	physmap_init(NULL, 64ULL << 20);
	memset(&svsm, 0, sizeof(svsm));
	svsm.mem_size = 64ULL << 20;
	svsm.svsm_base = 56ULL << 20;
	svsm.svsm_size = 8ULL << 20;
	svsm.deposit_head = DEPOSIT_NONE;
	memset(test_vmsas, 0, sizeof(test_vmsas));
	test_vmsas[0] = (struct guest_vmsa){ .used = true,
					     .vmsa_gpa = 0x5000,
					     .ca_gpa = 0x4000,
					     .vmpl = 2,
					     .boot = true };
	svsm.vmsas = test_vmsas;
	svsm.vmsa_slots = 2;
	return 0;
}

/** Confirm the ranges a request may operate on. */
static void guest_range_check_cases(void **state)
{
	(void)state;
	assert_int_equal(guest_range_check(0x6000, 4096), SVSM_SUCCESS);
	assert_int_equal(guest_range_check(0x200000, 2 << 20), SVSM_SUCCESS);
	assert_int_equal(guest_range_check(0x5000, 4096),
			 SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(guest_range_check(0x4000, 4096),
			 SVSM_ERR_INVALID_ADDRESS);
	/* A 2 MiB range holding the VMSA page. */
	assert_int_equal(guest_range_check(0, 2 << 20),
			 SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(guest_range_check(54ULL << 20, 4ULL << 20),
			 SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(guest_range_check(64ULL << 20, 4096),
			 SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(guest_range_check(~0xFFFULL, 4096),
			 SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(guest_range_check((56ULL << 20) - 4096, 4096),
			 SVSM_SUCCESS);
}

/** Confirm the buffers a request may name: CAs yes, SVSM memory no. */
static void guest_buffer_check_cases(void **state)
{
	(void)state;
	assert_int_equal(guest_buffer_check(0x4008, 8, 8), SVSM_SUCCESS);
	assert_int_equal(guest_buffer_check(0x400C, 8, 8),
			 SVSM_ERR_INVALID_PARAMETER);
	assert_int_equal(guest_buffer_check(0x5008, 8, 8),
			 SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(guest_buffer_check(56ULL << 20, 8, 8),
			 SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(guest_buffer_check((56ULL << 20) - 8, 16, 8),
			 SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(guest_buffer_check(64ULL << 20, 8, 8),
			 SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(guest_buffer_check(~7ULL, 8, 8),
			 SVSM_ERR_INVALID_ADDRESS);
}

/** Confirm that REMAP_CA-style checks can exempt the caller's own CA. */
static void owns_range_except_ca(void **state)
{
	(void)state;
	assert_true(svsm_owns_range(0x4000, 4096, NO_CA));
	assert_false(svsm_owns_range(0x4000, 4096, 0x4000));
	assert_true(svsm_owns_range(0x5000, 4096, 0x4000));
	assert_false(svsm_owns_range(0x3000, 4096, NO_CA));
}

/** Confirm that ranges outside guest memory, or wrapping, count as owned. */
static void owns_range_outside_memory(void **state)
{
	(void)state;
	assert_true(svsm_owns_range(64ULL << 20, 4096, NO_CA));
	assert_true(svsm_owns_range((64ULL << 20) - 4096, 8192, NO_CA));
	assert_true(svsm_owns_range(~0xFFFULL, 4096, NO_CA));
	assert_true(svsm_owns_range(0x3000, ~0ULL, NO_CA));
	assert_true(svsm_owns_range(~0xFFFULL, 0x2000, 0x4000));
	assert_false(svsm_owns_range((56ULL << 20) - 4096, 4096, NO_CA));
}

/**
 * Confirm the deposit map behind `svsm_is_deposited()`: pages pushed and
 * popped around 64-page word boundaries, ranges that start, end or lie
 * inside a word, ranges running past guest memory, and an empty pool.
 */
static void deposit_map_lookups(void **state)
{
	enum {
		GUEST = 1 << 20, /* 256 pages: four map words */
		HEAP = 2 << 20
	};
	static const uint64_t pfns[] = { 0, 63, 64, 130, 255 };
	uint8_t *guest = aligned_alloc(PAGE_SIZE, GUEST);
	uint8_t *heap = aligned_alloc(HEAP, HEAP);
	uint64_t gpa, bytes;
	size_t i;

	(void)state;
	assert_non_null(guest);
	assert_non_null(heap);
	mm_reset();
	assert_true(page_alloc_add_region(heap, HEAP));
	physmap_init(guest, GUEST);
	memset(&svsm, 0, sizeof(svsm));
	assert_false(deposit_ready());
	assert_true(deposit_init(GUEST));
	assert_true(deposit_ready());
	assert_false(svsm_is_deposited(0, GUEST));
	for (i = 0; i < sizeof(pfns) / sizeof(pfns[0]); i++) {
		deposit_push(pfns[i] * PAGE_SIZE, PAGE_SIZE);
	}
	assert_int_equal(svsm.deposit_pages, 5);
	for (i = 0; i < sizeof(pfns) / sizeof(pfns[0]); i++) {
		uint64_t at = pfns[i] * PAGE_SIZE;

		assert_true(svsm_is_deposited(at, PAGE_SIZE));
		assert_true(svsm_is_deposited(at + 4095, 1));
		assert_true(svsm_is_deposited(at ? at - 1 : 0, 2));
	}
	assert_false(svsm_is_deposited(1 * PAGE_SIZE, 62 * PAGE_SIZE));
	assert_true(svsm_is_deposited(1 * PAGE_SIZE, 63 * PAGE_SIZE));
	assert_false(svsm_is_deposited(65 * PAGE_SIZE, 65 * PAGE_SIZE));
	assert_true(svsm_is_deposited(65 * PAGE_SIZE, 66 * PAGE_SIZE));
	assert_false(svsm_is_deposited(131 * PAGE_SIZE, 124 * PAGE_SIZE));
	assert_true(svsm_is_deposited(131 * PAGE_SIZE, ~0ULL));
	assert_false(svsm_is_deposited(GUEST, PAGE_SIZE));
	assert_false(svsm_is_deposited(~0ULL, 2));
	assert_false(svsm_is_deposited(0, 0));
	/* The pool node lives in the page; popping clears its bit. */
	assert_true(deposit_pop(&gpa, &bytes));
	assert_int_equal(gpa, 255 * PAGE_SIZE);
	assert_false(svsm_is_deposited(gpa, bytes));
	while (deposit_pop(&gpa, &bytes)) {
		assert_false(svsm_is_deposited(gpa, bytes));
	}
	assert_false(svsm_is_deposited(0, GUEST));
	assert_int_equal(svsm.deposit_pages, 0);
	/* No memory for the map: no pool at all. */
	kfree(svsm.deposit_map);
	alloc_fault_fail_nth(1);
	assert_false(deposit_init(GUEST));
	alloc_fault_fail_nth(0);
	assert_false(deposit_ready());
	assert_false(svsm_is_deposited(0, GUEST));
	mm_reset();
	free(heap);
	free(guest);
}

#define SECRET_THREADS 4
#define SECRET_TRIES 8

struct secret_thread {
	unsigned char buf[SECRET_TRIES][32];
	unsigned int registered;
};

static void *register_secrets(void *arg)
{
	struct secret_thread *t = arg;
	unsigned int i;

	for (i = 0; i < SECRET_TRIES; i++) {
		memset(t->buf[i], 0xa5, sizeof(t->buf[i]));
		if (secrets_register(t->buf[i], sizeof(t->buf[i]))) {
			t->registered++;
		}
	}
	return NULL;
}

static bool all_zero(const unsigned char *p, size_t n)
{
	while (n--) {
		if (*p++ != 0) {
			return false;
		}
	}
	return true;
}

/*
 * Threads racing to register more secrets than the table holds: every
 * slot goes to exactly one caller, the rest are refused, and one wipe
 * zeroes exactly the registered buffers.
 */
static void secrets_registry_races_and_wipes(void **state)
{
	static struct secret_thread threads[SECRET_THREADS];
	pthread_t tid[SECRET_THREADS];
	unsigned int before = secrets_wipe();
	unsigned int total = 0, zeroed = 0, i, j;

	(void)state;
	for (i = 0; i < SECRET_THREADS; i++) {
		assert_int_equal(pthread_create(&tid[i], NULL, register_secrets,
						&threads[i]),
				 0);
	}
	for (i = 0; i < SECRET_THREADS; i++) {
		assert_int_equal(pthread_join(tid[i], NULL), 0);
		total += threads[i].registered;
	}
	/* The table holds 16; four threads asked for 32. */
	assert_int_equal(before + total, 16);
	assert_int_equal(secrets_wipe(), 16);
	for (i = 0; i < SECRET_THREADS; i++) {
		for (j = 0; j < SECRET_TRIES; j++) {
			if (all_zero(threads[i].buf[j], 32)) {
				zeroed++;
			} else {
				assert_int_equal(threads[i].buf[j][0], 0xa5);
			}
		}
	}
	assert_int_equal(zeroed, total);
	assert_false(secrets_register(threads[0].buf[0], 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pvalidate_entry_decode_valid),
		cmocka_unit_test(pvalidate_entry_decode_invalid),
		cmocka_unit_test(deposit_entry_decode_cases),
		cmocka_unit_test(entry_decode_rejected_writes_nothing),
		cmocka_unit_test(list_capacity_offsets),
		cmocka_unit_test(list_hdr_check_cases),
		cmocka_unit_test(dispatch_decoding),
		cmocka_unit_test(query_protocol_table),
		cmocka_unit_test(configure_vtom_cases),
		cmocka_unit_test(result_names),
		cmocka_unit_test(secrets_for_guest_wipes),
		cmocka_unit_test(vmsa_init_guest_state),
		cmocka_unit_test(vmsa_init_guest_pm32_state),
		cmocka_unit_test(once_waits_for_the_running_start),
		cmocka_unit_test(once_runs_here_and_failure_sticks),
		cmocka_unit_test(ghcb_encodings),
		cmocka_unit_test(guest_sev_features_filter),
		cmocka_unit_test(vmsa_alloc_never_2m_aligned),
		cmocka_unit_test_setup(guest_range_check_cases, owner_setup),
		cmocka_unit_test_setup(guest_buffer_check_cases, owner_setup),
		cmocka_unit_test_setup(owns_range_except_ca, owner_setup),
		cmocka_unit_test_setup(owns_range_outside_memory, owner_setup),
		cmocka_unit_test(deposit_map_lookups),
		cmocka_unit_test(secrets_registry_races_and_wipes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
